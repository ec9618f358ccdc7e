// Package server assembles Parley's HTTP surface: the route mux, the
// middleware chain (recover, request id, log, security headers), the
// operational endpoints and the http.Server with its timeouts.
//
// It must never log request bodies, query strings, emails, IPs or tokens.
package server
