// Package exporter writes a site's pages and comments out of Parley:
// Parley's versioned JSON (package exportformat, docs/export-format.md),
// which imports back without loss, and WordPress WXR, which WordPress and
// most comment systems import.
//
// An export streams from the database to the writer, so its size does not
// matter. It contains personal data (emails, IP addresses) unless asked
// not to: callers must only hand it to the site's owner, and the package
// must never log what it writes.
package exporter
