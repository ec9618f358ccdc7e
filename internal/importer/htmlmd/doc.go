// Package htmlmd turns the HTML that other comment systems store (WordPress,
// Disqus, Remark42) into the markdown Parley keeps as a comment's source.
//
// The output is markdown text only: it never passes HTML through. Whatever a
// source's HTML says, the markdown is later rendered and sanitized by
// internal/markup like any comment typed into the widget, so this package is
// about faithfulness (paragraphs, line breaks, emphasis, links, quotes,
// lists, code), not safety. It must never fetch anything a document refers
// to, and it must stay linear in the size of its input.
package htmlmd
