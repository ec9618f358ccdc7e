// Package live fans out the changes of comment threads to the readers who
// keep a thread open (Server-Sent Events, GET /api/v1/stream): one Hub per
// process, one set of subscribers per page.
//
// It must never hold personal data: an Event is a kind and comment ids, what
// the public thread shows anyway. It must never block a publisher on a slow
// reader: a subscriber whose small buffer is full is dropped, and its reader
// reconnects and reloads.
package live
