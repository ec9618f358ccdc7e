package spam

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/parleyhq/parley/internal/media"
)

// Akismet's service (https://akismet.com/developers/), version 1.1.
const (
	AkismetEndpoint = "https://rest.akismet.com/1.1/"
	// AkismetTimeout bounds each call, connecting included: a comment's
	// request waits for comment-check, so a slow service must not hold it.
	AkismetTimeout = 3 * time.Second
	// MaxAkismetAnswer bounds what is read of an answer's body; Akismet's
	// are a few words ("true", "valid", "Thanks for making the web a
	// better place.").
	MaxAkismetAnswer = 4 << 10
)

// Errors of the Akismet client, to be checked with errors.Is.
var (
	// ErrInvalidKey: Akismet answered "invalid" (a wrong key, or a missing
	// required field); the error's text has Akismet's X-akismet-debug-help.
	ErrInvalidKey = errors.New("spam: akismet refused the key or the request")
	// ErrAnswer: an answer that is not one Akismet documents, or a status
	// other than 200.
	ErrAnswer = errors.New("spam: unexpected answer from akismet")
)

// Akismet is a Checker and a Reporter backed by Akismet. Its zero value is
// not usable: make one with NewAkismet.
type Akismet struct {
	key, endpoint, userAgent string
	test                     bool
	timeout                  time.Duration
	client                   *http.Client
}

// AkismetOptions configure NewAkismet. Only Key is required.
type AkismetOptions struct {
	Key string
	// Endpoint replaces AkismetEndpoint (a test's akismettest server); it
	// ends with a slash.
	Endpoint string
	// Test sends is_test=1: Akismet answers but does not learn.
	Test bool
	// Timeout replaces AkismetTimeout.
	Timeout time.Duration
	// Dial loosens the address check (tests: AllowLoopback). The zero
	// value refuses every non-public address.
	Dial media.FetcherOptions
	// Version is Parley's version, for the User-Agent Akismet asks for.
	Version string
}

// NewAkismet returns an Akismet client.
func NewAkismet(o AkismetOptions) *Akismet {
	timeout := cmp.Or(o.Timeout, AkismetTimeout)
	return &Akismet{
		key: o.Key, endpoint: cmp.Or(o.Endpoint, AkismetEndpoint), test: o.Test, timeout: timeout,
		userAgent: "Parley/" + cmp.Or(o.Version, "dev") + " | Parley-Akismet/1",
		client: &http.Client{
			Transport: media.PublicTransport(o.Dial, timeout), Timeout: timeout,
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		},
	}
}

// WithKey returns a client like a that sends key instead of its own: a
// site's own Akismet key. Both share one connection pool.
func (a *Akismet) WithKey(key string) *Akismet {
	b := *a
	b.key = key
	return &b
}

// HasKey reports whether a has a key to send.
func (a *Akismet) HasKey() bool { return a.key != "" }

// Check calls comment-check: Spam on "true" (Discard with the pro-tip
// header "discard"), Ham on "false", and Unknown with an error otherwise.
func (a *Akismet) Check(ctx context.Context, c Comment) (Verdict, error) {
	body, h, err := a.call(ctx, "comment-check", a.form(c))
	switch {
	case err != nil:
		return Unknown, err
	case body == "true" && strings.EqualFold(h.Get("X-akismet-pro-tip"), "discard"):
		return Discard, nil
	case body == "true":
		return Spam, nil
	case body == "false":
		return Ham, nil
	}
	return Unknown, answerError("comment-check", body, h)
}

// ReportSpam calls submit-spam: a comment Akismet passed was spam.
func (a *Akismet) ReportSpam(ctx context.Context, c Comment) error {
	return a.submit(ctx, "submit-spam", c)
}

// ReportHam calls submit-ham: a comment Akismet called spam was not.
func (a *Akismet) ReportHam(ctx context.Context, c Comment) error {
	return a.submit(ctx, "submit-ham", c)
}

// akismetThanks is the documented answer to submit-spam and submit-ham.
const akismetThanks = "Thanks for making the web a better place."

func (a *Akismet) submit(ctx context.Context, op string, c Comment) error {
	body, h, err := a.call(ctx, op, a.form(c))
	if err == nil && body != akismetThanks {
		err = answerError(op, body, h)
	}
	return err
}

// VerifyKey calls verify-key for blog (https://HOST/): nil when Akismet
// answers "valid", ErrInvalidKey when "invalid"; what to check when the
// key is saved.
func (a *Akismet) VerifyKey(ctx context.Context, blog string) error {
	body, h, err := a.call(ctx, "verify-key", url.Values{"blog": {blog}})
	switch {
	case err != nil:
		return err
	case body == "valid":
		return nil
	}
	return answerError("verify-key", body, h)
}

// form is the comment as Akismet's fields, every documented one that is
// known. Dates are ISO 8601 in UTC.
func (a *Akismet) form(c Comment) url.Values {
	v := url.Values{}
	set := func(k, val string) {
		if val != "" {
			v.Set(k, val)
		}
	}
	set("blog", c.Blog)
	set("user_ip", c.UserIP)
	set("user_agent", c.UserAgent)
	set("referrer", c.Referrer)
	set("permalink", c.Permalink)
	set("comment_type", c.Type)
	set("comment_author", c.Author)
	set("comment_author_email", c.AuthorEmail)
	set("comment_author_url", c.AuthorURL)
	set("comment_content", c.Content)
	set("user_role", c.UserRole)
	set("blog_lang", c.Lang)
	v.Set("blog_charset", "UTF-8")
	if !c.Created.IsZero() {
		v.Set("comment_date_gmt", c.Created.UTC().Format(time.RFC3339))
	}
	if !c.PostModified.IsZero() {
		v.Set("comment_post_modified_gmt", c.PostModified.UTC().Format(time.RFC3339))
	}
	if a.test {
		v.Set("is_test", "1")
	}
	return v
}

// call POSTs form with the key to op and returns the answer's body, trimmed,
// and its headers; a body longer than MaxAkismetAnswer is ErrAnswer.
func (a *Akismet) call(ctx context.Context, op string, form url.Values) (string, http.Header, error) {
	ctx, cancel := context.WithTimeout(ctx, a.timeout)
	defer cancel()
	form.Set("api_key", a.key)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, a.endpoint+op, strings.NewReader(form.Encode()))
	if err != nil {
		return "", nil, fmt.Errorf("spam: akismet %s: %w", op, err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	req.Header.Set("User-Agent", a.userAgent)
	resp, err := a.client.Do(req)
	if err != nil {
		return "", nil, fmt.Errorf("spam: akismet %s: %w", op, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, MaxAkismetAnswer+1))
	switch {
	case err != nil:
		return "", nil, fmt.Errorf("spam: akismet %s: %w", op, err)
	case resp.StatusCode != http.StatusOK:
		return "", nil, fmt.Errorf("%w: %s answered %s", ErrAnswer, op, resp.Status)
	case len(b) > MaxAkismetAnswer:
		return "", nil, fmt.Errorf("%w: %s answered more than %d bytes", ErrAnswer, op, MaxAkismetAnswer)
	}
	return strings.TrimSpace(string(b)), resp.Header, nil
}

// KeyError is Akismet's "invalid" answer to Op, with its
// X-akismet-debug-help (Help), what a person can be shown. It is
// ErrInvalidKey for errors.Is.
type KeyError struct{ Op, Help string }

func (e *KeyError) Error() string        { return fmt.Sprintf("%v (%s: %s)", ErrInvalidKey, e.Op, e.Help) }
func (e *KeyError) Is(target error) bool { return target == ErrInvalidKey }

// answerError is the error of an answer that is not the expected one:
// ErrInvalidKey for "invalid", with Akismet's debug help; ErrAnswer else.
func answerError(op, body string, h http.Header) error {
	help := h.Get("X-akismet-debug-help")
	if body == "invalid" {
		return &KeyError{Op: op, Help: cmp.Or(help, "no debug help")}
	}
	if len(body) > 64 {
		body = body[:64]
	}
	return fmt.Errorf("%w: %s answered %q (%s)", ErrAnswer, op, body, help)
}
