// Package exportformat defines Parley's export file: versioned JSON that
// the exporter writes and the importer reads, documented for people in
// docs/export-format.md. It must hold only types and constants, so both
// sides depend on it and on nothing else of Parley.
package exportformat
