// Package store holds all of Parley's SQL. One Store serves SQLite (the
// embedded default, pure Go) and PostgreSQL (pgx) with the same code; the
// few differences live in dialect.go and in the per-dialect migration
// folders.
//
// Personal data arrives here in plain text inside model types and is sealed
// (privacy.Sealer) before it is written; nothing in this package may write
// an email, IP or user agent unsealed, or log one.
package store
