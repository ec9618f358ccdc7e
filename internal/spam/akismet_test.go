package spam_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/media"
	"github.com/parleyhq/parley/internal/spam"
	"github.com/parleyhq/parley/internal/spam/akismettest"
)

const key = "abc123key"

func client(s *akismettest.Server, k string) *spam.Akismet {
	return spam.NewAkismet(spam.AkismetOptions{Key: k, Endpoint: s.URL, Test: true, Dial: media.FetcherOptions{AllowLoopback: true}, Version: "1.2.3"})
}

func comment() spam.Comment {
	return spam.Comment{
		Blog: "https://blog.example/", Permalink: "https://blog.example/post", Type: "comment", Lang: "en",
		UserIP: "203.0.113.9", UserAgent: "Mozilla/5.0", Referrer: "https://blog.example/post",
		Author: "Ann", AuthorEmail: "ann@example.com", AuthorURL: "https://ann.example", Content: "Nice post.",
		Created: time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC), PostModified: time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC),
	}
}

func TestAkismetCheck(t *testing.T) {
	s := akismettest.New(t, key)
	a := client(s, key)
	cases := []struct {
		name string
		edit func(*spam.Comment)
		want spam.Verdict
	}{
		{"an ordinary comment is ham", nil, spam.Ham},
		{"the spam author trigger", func(c *spam.Comment) { c.Author = akismettest.SpamAuthor }, spam.Spam},
		{"the spam email trigger", func(c *spam.Comment) { c.AuthorEmail = akismettest.SpamEmail }, spam.Spam},
		{"the administrator role is ham even with the spam author", func(c *spam.Comment) {
			c.Author, c.UserRole = akismettest.SpamAuthor, akismettest.HamRole
		}, spam.Ham},
		{"blatant spam is to be discarded", func(c *spam.Comment) { c.Author = akismettest.DiscardAuthor }, spam.Discard},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in := comment()
			if c.edit != nil {
				c.edit(&in)
			}
			got, err := a.Check(context.Background(), in)
			if err != nil || got != c.want {
				t.Errorf("Check = %v, %v; want %v", got, err, c.want)
			}
		})
	}
}

// TestAkismetSendsEveryField: comment-check gets every documented field
// that is known, dates in ISO 8601 UTC, the key, is_test and a User-Agent
// naming Parley.
func TestAkismetSendsEveryField(t *testing.T) {
	s := akismettest.New(t, key)
	if _, err := client(s, key).Check(context.Background(), comment()); err != nil {
		t.Fatal(err)
	}
	r := s.Requests()[0]
	want := map[string]string{
		"api_key": key, "blog": "https://blog.example/", "user_ip": "203.0.113.9", "user_agent": "Mozilla/5.0",
		"referrer": "https://blog.example/post", "permalink": "https://blog.example/post", "comment_type": "comment",
		"comment_author": "Ann", "comment_author_email": "ann@example.com", "comment_author_url": "https://ann.example",
		"comment_content": "Nice post.", "comment_date_gmt": "2026-11-22T10:00:00Z", "comment_post_modified_gmt": "2026-11-01T09:00:00Z",
		"blog_lang": "en", "blog_charset": "UTF-8", "is_test": "1",
	}
	for k, v := range want {
		if got := r.Form.Get(k); got != v {
			t.Errorf("%s = %q, want %q", k, got, v)
		}
	}
	if r.Op != "comment-check" || !strings.HasPrefix(r.UserAgent, "Parley/1.2.3 | ") {
		t.Errorf("request %s with User-Agent %q", r.Op, r.UserAgent)
	}
}

func TestAkismetBadKey(t *testing.T) {
	s := akismettest.New(t, key)
	a := client(s, "wrong")
	v, err := a.Check(context.Background(), comment())
	if v != spam.Unknown || !errors.Is(err, spam.ErrInvalidKey) || !strings.Contains(err.Error(), akismettest.DebugHelp) {
		t.Errorf("Check with a bad key = %v, %v; want Unknown and ErrInvalidKey with the debug help", v, err)
	}
	if err := a.VerifyKey(context.Background(), "https://blog.example/"); !errors.Is(err, spam.ErrInvalidKey) {
		t.Errorf("VerifyKey with a bad key = %v", err)
	}
	if err := client(s, key).VerifyKey(context.Background(), "https://blog.example/"); err != nil {
		t.Errorf("VerifyKey with the good key = %v", err)
	}
	// A missing blog is refused with Akismet's help too.
	if _, err := client(s, key).Check(context.Background(), spam.Comment{Content: "x"}); !errors.Is(err, spam.ErrInvalidKey) || !strings.Contains(err.Error(), "blog") {
		t.Errorf("Check without blog = %v", err)
	}
}

func TestAkismetTimeout(t *testing.T) {
	s := akismettest.New(t, key)
	s.SetDelay(time.Minute)
	a := spam.NewAkismet(spam.AkismetOptions{Key: key, Endpoint: s.URL, Timeout: 50 * time.Millisecond, Dial: media.FetcherOptions{AllowLoopback: true}})
	v, err := a.Check(context.Background(), comment())
	if v != spam.Unknown || !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Check past the timeout = %v, %v; want Unknown and a deadline error", v, err)
	}
	// The caller's deadline is kept when it is shorter.
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel()
	if _, err := client(s, key).Check(ctx, comment()); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Check past the caller's deadline = %v", err)
	}
}

func TestAkismetReports(t *testing.T) {
	s := akismettest.New(t, key)
	a := client(s, key)
	if err := a.ReportSpam(context.Background(), comment()); err != nil {
		t.Errorf("ReportSpam = %v", err)
	}
	if err := a.ReportHam(context.Background(), comment()); err != nil {
		t.Errorf("ReportHam = %v", err)
	}
	if err := client(s, "wrong").ReportSpam(context.Background(), comment()); !errors.Is(err, spam.ErrInvalidKey) {
		t.Errorf("ReportSpam with a bad key = %v", err)
	}
	got := s.Requests()
	if len(got) != 3 || got[0].Op != "submit-spam" || got[1].Op != "submit-ham" || got[1].Form.Get("comment_content") != "Nice post." {
		t.Errorf("requests: %+v", got)
	}
}

// TestAkismetRefusesOddAnswers: a status other than 200, an unknown body
// and an endless body are errors, and the endless one is not read past
// MaxAkismetAnswer.
func TestAkismetRefusesOddAnswers(t *testing.T) {
	for _, c := range []struct {
		name string
		h    http.HandlerFunc
	}{
		{"status 500", func(w http.ResponseWriter, _ *http.Request) { http.Error(w, "true", http.StatusInternalServerError) }},
		{"unknown body", func(w http.ResponseWriter, _ *http.Request) { w.Write([]byte("maybe")) }},
		{"endless body", func(w http.ResponseWriter, _ *http.Request) {
			w.Write([]byte("true"))
			w.Write([]byte(strings.Repeat(" ", 10*spam.MaxAkismetAnswer)))
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			srv := httptest.NewServer(c.h)
			defer srv.Close()
			a := spam.NewAkismet(spam.AkismetOptions{Key: key, Endpoint: srv.URL + "/", Dial: media.FetcherOptions{AllowLoopback: true}})
			if v, err := a.Check(context.Background(), comment()); v != spam.Unknown || !errors.Is(err, spam.ErrAnswer) {
				t.Errorf("Check = %v, %v; want Unknown and ErrAnswer", v, err)
			}
		})
	}
}

// TestAkismetRefusesPrivateAddresses: without the test setting, the client
// does not connect to loopback (the dial-time check of media).
func TestAkismetRefusesPrivateAddresses(t *testing.T) {
	s := akismettest.New(t, key)
	a := spam.NewAkismet(spam.AkismetOptions{Key: key, Endpoint: s.URL})
	var blocked *media.BlockedAddressError
	if _, err := a.Check(context.Background(), comment()); !errors.As(err, &blocked) {
		t.Errorf("Check on loopback = %v, want a BlockedAddressError", err)
	}
	if len(s.Requests()) != 0 {
		t.Error("the request reached the loopback server")
	}
}
