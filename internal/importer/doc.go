// Package importer brings comments from other systems into a Parley site:
// Disqus XML, WordPress WXR (1.0–1.2), Commento v1 and Comentario v3 JSON,
// Remark42 backups, Isso's SQLite database and Parley's own export, plain
// or in a .gz or .zip, with the format detected from the content.
//
// One core serves every caller: Importer.Run takes an io.Reader and reports
// progress, skipped entries and the final Report through a small Observer,
// so the command line's progress bar and a dashboard upload differ only in
// how they display them.
//
// An import streams: memory stays bounded whatever the file's size
// (threads' addresses and a bounded cache of recent comment ids are kept;
// replies waiting for a later parent spill to a temporary file). It merges:
// every comment remembers its source and id, so importing the same or a
// newer export again adds only what is new, and nothing is ever deleted.
// Each batch is one transaction, so an interrupted import leaves whole
// batches behind and a re-run completes it.
//
// The package must never trust its input: XML document type declarations
// are refused (no external entities, no entity expansion), decompression
// is bounded in size and ratio, every field is capped, HTML from a source
// becomes markdown text and is rendered by internal/markup like any new
// comment, and personal data is handed to the store for sealing, never
// logged.
package importer
