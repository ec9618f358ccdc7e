package captcha

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"time"

	"github.com/altcha-org/altcha-lib-go"
)

// Bounds of the difficulty (PARLEY_CAPTCHA_DIFFICULTY): the largest secret
// number of a challenge. A browser tries about half of them on average, at
// some 100,000 SHA-256 per second on a phone to a million on a desktop, so
// the default costs a visitor about half a second to two seconds. Below the
// minimum the puzzle costs a bot nothing; above the maximum a slow phone
// works for a minute.
const (
	DefaultDifficulty = 100_000
	MinDifficulty     = 1_000
	MaxDifficulty     = 5_000_000
)

// Lifetime is how long a challenge may be answered after it was issued. The
// solver solves again on submit when a form stayed open longer.
const Lifetime = 20 * time.Minute

// MaxPayloadBytes bounds a solution (base64 JSON, about 300 bytes when
// genuine): anything longer is refused before it is decoded.
const MaxPayloadBytes = 1024

// Errors of Verify. Each means the form must be solved again; none is the
// server's fault.
var (
	ErrInvalid  = errors.New("captcha: invalid solution")
	ErrExpired  = errors.New("captcha: challenge expired")
	ErrReplayed = errors.New("captcha: challenge already used")
	ErrTooLarge = errors.New("captcha: solution too large")
)

// Spender remembers spent challenges (store.Store.SpendCaptcha): it records
// key until expires and reports whether key was new. Shared by every server
// of an instance, so that a solution is accepted once in all.
type Spender interface {
	SpendCaptcha(ctx context.Context, key []byte, expires time.Time) (bool, error)
}

// Service issues and verifies challenges. It is safe for concurrent use.
type Service struct {
	key        string // HMAC key, as altcha-lib-go takes it
	difficulty int64
	spent      Spender
	now        func() time.Time
}

// New returns a Service signing with key (privacy.Sealer.CaptchaKey),
// issuing challenges of the given difficulty (from MinDifficulty to
// MaxDifficulty) and remembering spent ones in spent.
func New(key []byte, difficulty int, spent Spender, now func() time.Time) (*Service, error) {
	if difficulty < MinDifficulty || difficulty > MaxDifficulty {
		return nil, fmt.Errorf("captcha: difficulty %d: want from %d to %d", difficulty, MinDifficulty, MaxDifficulty)
	}
	if len(key) < 32 {
		return nil, errors.New("captcha: key must be at least 32 bytes")
	}
	return &Service{key: hex.EncodeToString(key), difficulty: int64(difficulty), spent: spent, now: now}, nil
}

// Challenge is what a browser gets to solve (ALTCHA's JSON: algorithm,
// challenge, maxnumber, salt, signature).
type Challenge = altcha.Challenge

// Challenge issues a new challenge of the instance's difficulty, expiring
// after Lifetime.
func (s *Service) Challenge() (Challenge, error) { return s.ChallengeOf(int(s.difficulty)) }

// Difficulty is the instance's difficulty (PARLEY_CAPTCHA_DIFFICULTY).
func (s *Service) Difficulty() int { return int(s.difficulty) }

// ChallengeOf issues a new challenge of the given difficulty, clamped to
// MinDifficulty…MaxDifficulty, expiring after Lifetime. The difficulty is
// written in the salt ("d="), which the signature covers, so that
// VerifyAtLeast can tell how hard the challenge was: the secret number
// alone does not say (it may be small in a hard challenge).
func (s *Service) ChallengeOf(difficulty int) (Challenge, error) {
	difficulty = min(max(difficulty, MinDifficulty), MaxDifficulty)
	expires := s.now().Add(Lifetime)
	ch, err := altcha.CreateChallenge(altcha.ChallengeOptions{
		Algorithm: altcha.SHA256, MaxNumber: int64(difficulty), HMACKey: s.key, Expires: &expires,
		Params: url.Values{"d": {strconv.Itoa(difficulty)}},
	})
	if err != nil {
		return Challenge{}, fmt.Errorf("captcha: issue challenge: %w", err)
	}
	return ch, nil
}

// Verify checks a solution as the solver sends it (base64 of ALTCHA's JSON
// payload) and spends its challenge. It returns ErrTooLarge, ErrInvalid
// (malformed, wrong number, wrong signature, no expiry), ErrExpired or
// ErrReplayed for a solution to refuse, and any other error when the spent
// challenges could not be recorded. Comparisons are constant-time.
func (s *Service) Verify(ctx context.Context, solution string) error {
	return s.VerifyAtLeast(ctx, solution, 0)
}

// ErrTooEasy: the solution is right, but its challenge was issued at a
// lower difficulty than the form now requires (a site raised it, by hand
// or automatically): the form must solve a new challenge.
var ErrTooEasy = errors.New("captcha: challenge easier than required")

// VerifyAtLeast is Verify for a form that requires a challenge of at least
// the given difficulty (the "d=" ChallengeOf wrote in its salt), refusing
// an easier one with ErrTooEasy before spending it.
func (s *Service) VerifyAtLeast(ctx context.Context, solution string, difficulty int) error {
	if len(solution) > MaxPayloadBytes {
		return ErrTooLarge
	}
	p, err := Decode(solution)
	if err != nil || p.Algorithm != string(altcha.SHA256) || p.Number < 0 {
		return ErrInvalid
	}
	unix, err := strconv.ParseInt(altcha.ExtractParams(p).Get("expires"), 10, 64)
	if err != nil {
		return ErrInvalid // every challenge Parley issues carries its expiry
	}
	ok, err := altcha.VerifySolutionSafe(p, s.key, false) // the expiry is checked below, on our clock
	if err != nil || !ok {
		return ErrInvalid
	}
	expires := time.Unix(unix, 0)
	if s.now().After(expires) {
		return ErrExpired
	}
	if d, _ := strconv.Atoi(altcha.ExtractParams(p).Get("d")); d < difficulty {
		return ErrTooEasy
	}
	id := sha256.Sum256([]byte(p.Signature))
	fresh, err := s.spent.SpendCaptcha(ctx, id[:], expires)
	if err != nil {
		return fmt.Errorf("captcha: spend challenge: %w", err)
	}
	if !fresh {
		return ErrReplayed
	}
	return nil
}

// Solve finds the number of ch as the browser solver does and returns the
// solution to send: for tests and command-line clients.
func Solve(ch Challenge) (string, error) {
	sol, err := altcha.SolveChallenge(ch.Challenge, ch.Salt, altcha.Algorithm(ch.Algorithm), int(ch.MaxNumber), 0, nil)
	if err != nil {
		return "", fmt.Errorf("captcha: solve: %w", err)
	}
	if sol == nil {
		return "", errors.New("captcha: no solution up to maxnumber")
	}
	return Encode(altcha.Payload{Algorithm: ch.Algorithm, Challenge: ch.Challenge, Number: int64(sol.Number), Salt: ch.Salt, Signature: ch.Signature}), nil
}

// Payload is a solution before encoding.
type Payload = altcha.Payload

// Decode reads a solution as the solver sends it (base64 of JSON), without
// verifying it.
func Decode(solution string) (Payload, error) {
	var p Payload
	raw, err := base64.StdEncoding.DecodeString(solution)
	if err == nil {
		err = json.Unmarshal(raw, &p)
	}
	if err != nil {
		return Payload{}, ErrInvalid
	}
	return p, nil
}

// Encode writes a payload as the solver sends it.
func Encode(p Payload) string {
	b, _ := json.Marshal(p) // a struct of strings and a number always marshals
	return base64.StdEncoding.EncodeToString(b)
}

// Refused reports whether err is Verify's refusal of a solution (the form
// must be solved again), rather than a failure of the server.
func Refused(err error) bool {
	return errors.Is(err, ErrInvalid) || errors.Is(err, ErrExpired) || errors.Is(err, ErrReplayed) || errors.Is(err, ErrTooLarge) || errors.Is(err, ErrTooEasy)
}
