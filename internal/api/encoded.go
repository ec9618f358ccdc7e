package api

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strconv"
	"sync"

	"github.com/parleyhq/parley/internal/negotiate"
)

// bufferPool holds scratch buffers for encoding.
var bufferPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// encodeJSON returns the JSON body of v, newline-terminated, in a slice of
// exactly its length: cached bodies hold no spare capacity.
func encodeJSON(v any) ([]byte, error) {
	buf := bufferPool.Get().(*bytes.Buffer)
	defer bufferPool.Put(buf)
	buf.Reset()
	if err := json.NewEncoder(buf).Encode(v); err != nil {
		return nil, err
	}
	return bytes.Clone(buf.Bytes()), nil
}

// etagOf returns the strong ETag of body.
func etagOf(body []byte) string {
	sum := sha256.Sum256(body)
	return `"` + base64.RawURLEncoding.EncodeToString(sum[:18]) + `"`
}

// emptyVotesEnd is how a cached threadResponse ends: me is absent (it is
// never cached) and myVotes, the last field, is empty until personalized
// fills it.
var emptyVotesEnd = []byte(`"myVotes":{}}` + "\n")

// personalized returns a copy of an encoded, cached threadResponse with the
// reader's own profile (when signed in) and votes, so that their answer
// costs no decoding of the cached body. A reader who sent a session token
// that is not valid (any more) gets "me": null, which the widget reads as
// "the session ended"; an answer without "me" (the shared one, which a CDN
// that ignores Vary may hand a signed-in reader) never signs anyone out.
func personalized(body []byte, me *wireMe, tokenSent bool, votes map[string]int) []byte {
	if !bytes.HasSuffix(body, emptyVotesEnd) {
		panic("api: personalized: myVotes is not the last field of the body")
	}
	if votes == nil {
		votes = map[string]int{}
	}
	enc, _ := json.Marshal(votes) // a map of strings to ints always encodes
	out := make([]byte, 0, len(body)+len(enc)+256)
	out = append(out, body[:len(body)-len(emptyVotesEnd)]...)
	if me != nil || tokenSent {
		meJSON, _ := json.Marshal(me) // strings, ints and slices of strings (or null) always encode
		out = append(out, `"me":`...)
		out = append(out, meJSON...)
		out = append(out, ',')
	}
	out = append(out, `"myVotes":`...)
	out = append(out, enc...)
	return append(out, "}\n"...)
}

// writePersonalized answers with a thread entry made the reader's own
// (personalized): the entry's body and gzip stream up to the reader's part
// are reused (gzipHead), so the answer costs about the reader's part only.
func writePersonalized(w http.ResponseWriter, r *http.Request, entry *cachedThread, me *wireMe, tokenSent bool, votes map[string]int) {
	body := personalized(entry.body, me, tokenSent, votes)
	if entry.head == nil {
		writeBody(w, r, body)
		return
	}
	tail := body[entry.head.size:]
	var gz []byte
	if negotiate.AcceptsGzip(r.Header.Get("Accept-Encoding")) {
		gz = entry.head.withTail(tail)
	}
	// The entry's ETag names its body, so with the tail it names this one.
	writeEncoded(w, r, body, gz, etagOf(append([]byte(entry.etag), tail...)))
}

// writeCacheable encodes v and answers as writeEncoded does.
func writeCacheable(w http.ResponseWriter, r *http.Request, v any) {
	body, err := encodeJSON(v)
	if err != nil {
		writeError(w, http.StatusInternalServerError, "internal", "something went wrong on our side", "")
		return
	}
	writeBody(w, r, body)
}

// writeBody answers with an encoded body as writeEncoded does, compressing
// it only for clients that accept gzip.
func writeBody(w http.ResponseWriter, r *http.Request, body []byte) {
	var gz []byte
	if negotiate.AcceptsGzip(r.Header.Get("Accept-Encoding")) {
		gz = gzipped(body)
	}
	writeEncoded(w, r, body, gz, etagOf(body))
}

// writeEncoded answers with a strong ETag over the exact bytes, or 304 when
// the client already has them, gzip-compressed (gz, when not nil) for
// clients that accept it. Caches must revalidate every time: a thread
// changes whenever someone comments. A Cache-Control already set (private,
// for a body with the caller's votes) is kept.
func writeEncoded(w http.ResponseWriter, r *http.Request, body, gz []byte, etag string) {
	h := w.Header()
	h.Add("Vary", "Accept-Encoding")
	if h.Get("Cache-Control") == "" { // cachePrivate when the body is the caller's own
		h.Set("Cache-Control", "no-cache")
	}
	if gz != nil && negotiate.AcceptsGzip(r.Header.Get("Accept-Encoding")) {
		body = gz
		etag = etag[:len(etag)-1] + `-gz"` // a strong ETag names one representation
		h.Set("Content-Encoding", "gzip")
	}
	h.Set("ETag", etag)
	if match := r.Header.Get("If-None-Match"); match != "" && negotiate.ETagMatches(match, etag) {
		h.Del("Content-Encoding")
		w.WriteHeader(http.StatusNotModified)
		return
	}
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusOK)
	w.Write(body)
}
