// Package captcha is Parley's own proof-of-work CAPTCHA, compatible with
// ALTCHA's v1 scheme (SHA-256): the server issues a challenge (a random salt
// carrying its expiry, the SHA-256 of the salt followed by a secret number
// up to maxnumber, and an HMAC signature of that hash), the browser finds
// the number by trying them in turn (captcha.js), and the server verifies
// the answer: the signature, the expiry, and that the challenge was not
// used before. Solving costs a browser about a second; a bot sending
// thousands of sign-ups pays that a thousand times.
//
// What it must never do: call a third party (challenges are issued and
// verified here, and the solver is served from Parley's origin), or store
// anything personal (a spent challenge is remembered as the hash of its
// signature and its expiry, nothing about who solved it, and is forgotten
// when it expires).
package captcha
