// Package markup turns the markdown a commenter writes into HTML that is
// safe to embed in someone else's page.
//
// It supports the small subset a comment needs: paragraphs (a single newline
// is a line break), emphasis, strong, strikethrough, inline code, fenced and
// indented code blocks, blockquotes, lists, links and bare URLs or email
// addresses. Markdown it does not support is shown as the commenter typed
// it: a "# heading" stays a paragraph starting with "#", a "---" rule stays
// "---", and table syntax stays text with pipes. An image becomes a link to
// the image, so a comment never loads a resource when it is read; the one
// exception is an image uploaded to this Parley that the caller allows
// (WithImages, RenderCommentImages; docs/uploads.md), shown as <img>.
// Blockquotes and lists nest at most MaxNesting levels; deeper markers stay
// text.
//
// RenderComment is what a stored comment goes through: it also refuses
// HTML with nothing visible in it and HTML longer than MaxHTMLBytes of the
// markdown, so that no comment is an empty box and none grows much larger
// than what its writer typed.
//
// Rendering is two layers that each stand on their own. goldmark renders the
// subset and writes only absolute http, https and mailto links, each with
// rel="nofollow ugc noopener" and target="_blank". A bluemonday allow-list
// policy then removes every element, attribute and URL outside that subset,
// whatever goldmark emitted. HTML made only of what the policy keeps as it
// is, in goldmark's spelling (nearly every comment), skips bluemonday's
// tokenizer: fastClean writes what bluemonday would, byte for byte, and
// steps aside for anything else (tests and a fuzz target compare the two).
//
// This package must never emit raw HTML from the input, a script, an event
// handler attribute, an image other than an allowed upload, a frame, a style, a relative link, or a URL
// with any scheme other than http, https or mailto; and it must never loosen
// the policy to make a piece of markdown render.
package markup
