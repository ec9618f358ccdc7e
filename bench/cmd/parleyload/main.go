// Command parleyload loads any HTTP server at a given concurrency for a
// given time and prints the rate, p50/p99 latency and, for a local server,
// its resident memory; or, with -serve, serves one file's bytes to every
// request as a plain net/http file handler: the machine's limit to compare
// a server with, in the same run.
//
//	parleyload -url 'http://127.0.0.1:8080/api/v1/thread?site=localhost&path=/' -c 8 -d 10s -pid 1234
//	parleyload -serve thread.json.gz -gzip -listen 127.0.0.1:8081
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"time"

	"github.com/parleyhq/parley/bench/load"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "parleyload:", err)
		os.Exit(2)
	}
}

// headers collects repeated -H "Name: value" flags.
type headers http.Header

func (h headers) String() string { return "" }
func (h headers) Set(v string) error {
	k, val, ok := strings.Cut(v, ":")
	if !ok {
		return errors.New(`a header is "Name: value"`)
	}
	http.Header(h).Add(strings.TrimSpace(k), strings.TrimSpace(val))
	return nil
}

func run(args []string) error {
	fs := flag.NewFlagSet("parleyload", flag.ContinueOnError)
	url := fs.String("url", "", "URL to load")
	method := fs.String("method", "GET", "request method")
	bodyFile := fs.String("body", "", "file whose bytes are the body of every request")
	c := fs.Int("c", 8, "concurrent workers")
	d := fs.Duration("d", 10*time.Second, "measured time")
	warmup := fs.Duration("warmup", time.Second, "time before measuring")
	expect := fs.Int("expect", 0, "status every answer must have (0: any below 400)")
	pid := fs.Int("pid", 0, "process id of a local server: report its memory")
	gz := fs.Bool("gzip", true, "send Accept-Encoding: gzip (with -serve: the file is gzip-compressed)")
	serve := fs.String("serve", "", "serve this file's bytes to every request instead of loading")
	listen := fs.String("listen", "127.0.0.1:8081", "address -serve listens on")
	ctype := fs.String("content-type", "application/json; charset=utf-8", "Content-Type of -serve's answers")
	hdr := headers{}
	fs.Var(hdr, "H", `request header "Name: value" (repeatable)`)
	if err := fs.Parse(args); err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if *serve != "" {
		return serveFile(ctx, *serve, *listen, *ctype, *gz)
	}
	if *url == "" {
		return errors.New("give -url to load or -serve FILE")
	}
	var body []byte
	if *bodyFile != "" {
		var err error
		if body, err = os.ReadFile(*bodyFile); err != nil {
			return err
		}
	}
	if *gz {
		http.Header(hdr).Set("Accept-Encoding", "gzip")
	}
	req := load.Request{Method: *method, URL: *url, Body: body, Header: http.Header(hdr)}
	res, err := load.Run(ctx, load.Options{Concurrency: *c, Duration: *d, Warmup: *warmup, Expect: *expect,
		Next: func(int, int) load.Request { return req }})
	if err != nil {
		return err
	}
	fmt.Println(res)
	if *pid != 0 {
		m, err := load.ReadMemory(*pid)
		if err != nil {
			return err
		}
		fmt.Printf("server memory: RSS %s, peak %s\n", load.MiB(m.RSS), load.MiB(m.Peak))
	}
	return nil
}

// serveFile serves the file's bytes until ctx ends.
func serveFile(ctx context.Context, file, listen, ctype string, gz bool) error {
	b, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	srv := &http.Server{Addr: listen, Handler: load.Static(b, ctype, gz), ReadHeaderTimeout: 10 * time.Second}
	go func() {
		<-ctx.Done()
		srv.Close()
	}()
	if err := srv.ListenAndServe(); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
