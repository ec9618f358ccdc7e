package webhook

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strconv"
	"strings"
	"time"
)

// The headers of a delivery.
const (
	HeaderEvent     = "X-Parley-Event"     // the payload's event, such as comment.created
	HeaderDelivery  = "X-Parley-Delivery"  // the delivery's id: the same on every attempt, for deduplicating
	HeaderTimestamp = "X-Parley-Timestamp" // Unix seconds when this attempt was signed
	HeaderSignature = "X-Parley-Signature" // "sha256=" and the hex HMAC-SHA256 of "TIMESTAMP.BODY"
)

// DefaultTolerance is how old a signed timestamp Verify accepts by
// default, and how far in the future.
const DefaultTolerance = 5 * time.Minute

// Verify errors.
var (
	ErrSignature = errors.New("webhook: signature does not match")
	ErrTimestamp = errors.New("webhook: timestamp missing or outside the tolerance")
)

// Sign returns the X-Parley-Signature value of body sent at timestamp
// (Unix seconds) with secret: "sha256=" and the hex HMAC-SHA256, keyed with
// secret, of the timestamp, a dot and the body. Signing the timestamp
// with the body lets a receiver refuse a replayed delivery.
func Sign(secret string, timestamp int64, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(strconv.FormatInt(timestamp, 10)))
	mac.Write([]byte{'.'})
	mac.Write(body)
	return "sha256=" + hex.EncodeToString(mac.Sum(nil))
}

// Verify checks a delivery as a receiver should: signature (the
// X-Parley-Signature header) must be Sign(secret, timestamp, body), compared
// in constant time, and timestamp (the X-Parley-Timestamp header) within
// tolerance of now. It returns ErrTimestamp or ErrSignature. A receiver
// should also ignore a delivery id (X-Parley-Delivery) it has already
// handled: delivery is at least once.
func Verify(secret string, body []byte, timestamp, signature string, now time.Time, tolerance time.Duration) error {
	ts, err := strconv.ParseInt(strings.TrimSpace(timestamp), 10, 64)
	if err != nil {
		return ErrTimestamp
	}
	if d := now.Sub(time.Unix(ts, 0)); d > tolerance || d < -tolerance {
		return ErrTimestamp
	}
	if !hmac.Equal([]byte(signature), []byte(Sign(secret, ts, body))) {
		return ErrSignature
	}
	return nil
}
