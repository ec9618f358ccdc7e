// Package webhook delivers a site's webhooks (docs/webhooks.md): the
// events the store queued in webhook_deliveries, in the transaction of the
// change each reports, are POSTed as JSON to the owner's endpoints, signed
// with HMAC-SHA256 and retried with the mail outbox's backoff
// (notify.Backoff) until delivered or dead.
//
// It must never:
//   - send anything that was not first written to webhook_deliveries;
//   - connect to a loopback, private, link-local or otherwise non-public
//     address (media.PublicTransport checks each address at dial time, after
//     the name is resolved) unless the operator allowed private ones
//     (PARLEY_WEBHOOK_ALLOW_PRIVATE), follow a redirect, read more than
//     MaxResponseBytes of an answer or wait longer than DeliveryTimeout;
//   - log a URL, payload or secret: the log names deliveries by id.
package webhook
