// Package auth signs people in: sessions (random tokens, stored hashed,
// with the lifetimes of promise P11) and passwords (argon2id hashes, the
// rules of NIST SP 800-63B).
//
// It must never store or log a token or a password: the store receives
// only the SHA-256 of a token and the argon2id hash of a password, and
// errors name no secret. Lifetimes and the rules of use live here, the SQL
// in package store.
package auth
