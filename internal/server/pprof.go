package server

import (
	"net/http"
	"net/http/pprof"
)

// Pprof serves Go's profiles (net/http/pprof) under /debug/pprof/, for the
// operator's separate listener (PARLEY_PPROF_LISTEN, docs/operations.md).
// It is never mounted on the public listener: profiles have no
// authentication and show the process's internals. The command line
// (/debug/pprof/cmdline) is left out: flags may carry secrets.
func Pprof() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /debug/pprof/", pprof.Index)
	mux.HandleFunc("GET /debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("GET /debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("GET /debug/pprof/trace", pprof.Trace)
	return mux
}
