// Package privacy seals personal data at rest (promise P4) and derives the
// keyed hashes Parley uses instead of plain identifiers: blind indexes for
// email lookups, voter hashes for guests, and hashes of bearer-style tokens.
//
// It must never log, print or return key material, and never hand out an
// unkeyed hash of personal data (an unkeyed hash of an email or IP is
// trivially reversible by guessing).
package privacy
