// Package spam asks outside services whether a comment is spam, behind one
// small interface (Checker), and tells them when a moderator overrides
// their verdict (Reporter). Akismet is the one implementation; its test
// double is akismettest.
//
// It must never connect to a non-public address unless the caller allows
// it (media.PublicTransport), never wait longer than its timeout, never
// read more than a bounded answer, and never log a comment's content, an
// email or an IP.
package spam
