// Package notify sends Parley's mail. Callers compose a mail from a template
// (compose.go: one function and one template file per kind) and queue it in
// the store's outbox, in the same transaction as the change that causes it;
// a Worker delivers queued mail through a Mailer, retrying with exponential
// backoff until the mail is sent or, after MaxAttempts, dead.
//
// It must never:
//   - send anything that was not first written to the outbox (a mail sent
//     directly is lost when SMTP is down or Parley restarts);
//   - log an address, subject or body, or put one in the outbox's
//     last_error, in a metric label or in an error it returns — with one
//     stated exception: LogMailer, the development mailer used when
//     PARLEY_SMTP_URL is not set, prints whole mails to the log so that a
//     developer can follow their links, and says so at start;
//   - talk to an SMTP server in plain text beyond this machine (see smtpurl);
//   - put remote images, tracking pixels, scripts or stylesheets in a mail:
//     every part is rendered from embedded templates and a mail reveals
//     nothing to anyone when it is opened.
package notify
