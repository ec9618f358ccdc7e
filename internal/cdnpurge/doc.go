// Package cdnpurge names what a public answer shows in cache tags, and
// tells a CDN, through an operator's webhook (PARLEY_CDN_PURGE_URL), which
// tags a write made stale, so that readers behind a CDN see changes at once
// while the CDN absorbs the reads (docs/scaling.md).
//
// It never blocks a write: changes wait in a bounded queue and a full queue
// drops them, leaving those pages stale in the CDN for at most
// PARLEY_CDN_MAX_AGE. It sends no personal data: tags are ids and hashes of
// page paths.
package cdnpurge
