// Package assets serves the embed widget and the demo page: /js/parley.js (short cache),
// /js/parley.HASH.js (content-hashed, immutable) and /demo.
//
// Everything is prepared once in New — the script assembled, hashed and gzip-compressed — so a
// request costs a header write and one copy. This package must never set a cookie, never serve
// anything that makes a browser contact a third party, and never assemble the widget per request.
package assets
