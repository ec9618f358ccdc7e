// Package comment holds the rules for writing comments: validation of every
// field, moderation of new comments, guest edit tokens and the edit window,
// deletion and voting. Handlers call it; it calls the store.
//
// It must never return personal data to a caller that did not supply it,
// and never keep an edit token other than as its hash.
package comment
