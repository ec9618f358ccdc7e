// Package admin is the dashboard at /dashboard: server-rendered pages
// (html/template, embedded from web/admin) where site owners, moderators
// and the operator sign in and moderate comments. It runs no script, sends
// a strict Content-Security-Policy, refuses cross-origin form posts
// (http.CrossOriginProtection) and keeps its own cookie session of the
// dashboard kind, which the widget's API does not accept, nor it the
// widget's.
package admin
