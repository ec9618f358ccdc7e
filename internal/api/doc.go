// Package api is the widget's public JSON API under /api/v1: threads,
// comments, votes, counts and previews.
//
// Handlers decode, validate, call the comment service or the store, and
// encode wire types. It must never put a model type on the wire (wire.go
// converts explicitly, so an email or IP cannot leak by a new struct
// field, promise P3), never set a cookie, and never answer a user's mistake
// with a 500.
package api
