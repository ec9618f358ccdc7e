package config

import (
	"flag"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/captcha"
)

func load(t *testing.T, env map[string]string, args ...string) (*Config, error) {
	t.Helper()
	fs := flag.NewFlagSet("test", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	f := AddFlags(fs)
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	return f.Load(func(k string) string { return env[k] })
}

func TestPrecedenceFlagOverEnvOverFile(t *testing.T) {
	file := filepath.Join(t.TempDir(), "parley.conf")
	os.WriteFile(file, []byte("PARLEY_LISTEN=127.0.0.1:1\nPARLEY_DATA_DIR=\"/from file\"\nPARLEY_WRITE_BURST=3\n"), 0o600)
	c, err := load(t, map[string]string{"PARLEY_CONFIG": file, "PARLEY_LISTEN": "127.0.0.1:2", "PARLEY_IP_RETENTION": "48h"}, "--listen", "127.0.0.1:3")
	if err != nil {
		t.Fatal(err)
	}
	if c.Listen != "127.0.0.1:3" || c.DataDir != "/from file" || c.WriteBurst != 3 || c.IPRetention != 48*time.Hour {
		t.Errorf("got %+v", c)
	}
	if c.PublicURL != "http://127.0.0.1:3" {
		t.Errorf("public URL derived as %q", c.PublicURL)
	}
}

func TestDefaults(t *testing.T) {
	c, err := load(t, nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.Listen != "localhost:8080" || c.DataDir != "./parley-data" || c.PublicURL != "http://localhost:8080" || c.DatabaseURL != "" || !c.Demo || c.WriteRate != 30 {
		t.Errorf("defaults: %+v", c)
	}
	if c, _ := load(t, map[string]string{"PARLEY_LISTEN": "0.0.0.0:9000"}); c.PublicURL != "http://localhost:9000" {
		t.Errorf("wildcard listen gives public URL %q", c.PublicURL)
	}
}

func TestFileErrors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.conf")
	os.WriteFile(bad, []byte("PARLEY_LISTEN\n"), 0o600)
	unknown := filepath.Join(dir, "unknown.conf")
	os.WriteFile(unknown, []byte("PARLEY_LISTN=x\n"), 0o600)
	for file, want := range map[string]string{bad: "bad.conf:1", unknown: "PARLEY_LISTN", filepath.Join(dir, "missing"): "no such file"} {
		if _, err := load(t, map[string]string{"PARLEY_CONFIG": file}); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want an error mentioning %q", file, err, want)
		}
	}
}

func TestDumpMasksSecrets(t *testing.T) {
	c, err := load(t, map[string]string{"PARLEY_SECRET_KEY": "s3cr3t-s3cr3t-s3cr3t-s3cr3t-s3cr3t", "PARLEY_DATABASE_URL": "postgres://u:pw@db/x"})
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	c.Dump(&b)
	if strings.Contains(b.String(), "s3cr3t") || strings.Contains(b.String(), ":pw@") || !strings.Contains(b.String(), "PARLEY_SECRET_KEY=********") {
		t.Errorf("dump:\n%s", b.String())
	}
}

func TestNewPagesPerDay(t *testing.T) {
	if c, err := load(t, nil); err != nil || c.NewPagesPerDay != 1000 {
		t.Errorf("default: %v, %v", c, err)
	}
	if c, err := load(t, map[string]string{"PARLEY_NEW_PAGES_PER_DAY": "0"}); err != nil || c.NewPagesPerDay != 0 {
		t.Errorf("0 (only comments create pages): %v, %v", c, err)
	}
	if _, err := load(t, map[string]string{"PARLEY_NEW_PAGES_PER_DAY": "-1"}); err == nil || !strings.Contains(err.Error(), "PARLEY_NEW_PAGES_PER_DAY") {
		t.Errorf("negative: %v, want an error naming the setting", err)
	}
}

// TestDBTimeout: 5s by default; values outside its bounds are refused with
// a message naming the setting.
func TestDBTimeout(t *testing.T) {
	if c, err := load(t, nil); err != nil || c.DBTimeout != 5*time.Second {
		t.Errorf("default: %v %v, want 5s", c.DBTimeout, err)
	}
	if c, err := load(t, map[string]string{"PARLEY_DB_TIMEOUT": "2s"}); err != nil || c.DBTimeout != 2*time.Second {
		t.Errorf("2s: %v %v", c, err)
	}
	for _, bad := range []string{"0s", "50ms", "6m", "soon"} {
		if _, err := load(t, map[string]string{"PARLEY_DB_TIMEOUT": bad}); err == nil || !strings.Contains(err.Error(), "PARLEY_DB_TIMEOUT") {
			t.Errorf("PARLEY_DB_TIMEOUT=%s: %v, want an error naming the setting", bad, err)
		}
	}
}

// TestCommentInterval: 15s by default, 0 turns it off; negative or over an
// hour is refused naming the setting.
func TestCommentInterval(t *testing.T) {
	if c, err := load(t, nil); err != nil || c.CommentInterval != 15*time.Second {
		t.Errorf("default: %v %v, want 15s", c.CommentInterval, err)
	}
	if c, err := load(t, map[string]string{"PARLEY_COMMENT_INTERVAL": "0s"}); err != nil || c.CommentInterval != 0 {
		t.Errorf("0s: %v %v", c, err)
	}
	for _, bad := range []string{"-1s", "61m", "often"} {
		if _, err := load(t, map[string]string{"PARLEY_COMMENT_INTERVAL": bad}); err == nil || !strings.Contains(err.Error(), "PARLEY_COMMENT_INTERVAL") {
			t.Errorf("PARLEY_COMMENT_INTERVAL=%s: %v, want an error naming the setting", bad, err)
		}
	}
}

// TestMinFillTime: 3s by default, 0 turns it off; negative or over a
// minute is refused naming the setting.
func TestMinFillTime(t *testing.T) {
	if c, err := load(t, nil); err != nil || c.MinFillTime != 3*time.Second {
		t.Errorf("default: %v %v, want 3s", c.MinFillTime, err)
	}
	for _, bad := range []string{"-1s", "2m"} {
		if _, err := load(t, map[string]string{"PARLEY_MIN_FILL_TIME": bad}); err == nil || !strings.Contains(err.Error(), "PARLEY_MIN_FILL_TIME") {
			t.Errorf("PARLEY_MIN_FILL_TIME=%s: %v, want an error naming the setting", bad, err)
		}
	}
}

func TestCacheSize(t *testing.T) {
	for value, want := range map[string]int{"": 64 << 20, "64MB": 64 << 20, "1536kb": 1536 << 10, "1GB": 1 << 30, "2 MB": 2 << 20, "1048576B": 1 << 20} {
		c, err := load(t, map[string]string{"PARLEY_CACHE_SIZE": value})
		if err != nil || c.CacheSize != want {
			t.Errorf("PARLEY_CACHE_SIZE=%q: %v, %v; want %d", value, c, err, want)
			continue
		}
		var b strings.Builder
		c.Dump(&b)
		shown, _, _ := strings.Cut(strings.SplitN(b.String(), "PARLEY_CACHE_SIZE=", 2)[1], "\n")
		if again, err := load(t, map[string]string{"PARLEY_CACHE_SIZE": shown}); err != nil || again.CacheSize != want {
			t.Errorf("PARLEY_CACHE_SIZE=%q does not survive parley config: %v", value, err)
		}
	}
	for _, bad := range []string{"lots", "-1MB", "64TB", "512KB", "0"} {
		if _, err := load(t, map[string]string{"PARLEY_CACHE_SIZE": bad}); err == nil || !strings.Contains(err.Error(), "PARLEY_CACHE_SIZE") {
			t.Errorf("PARLEY_CACHE_SIZE=%q: %v, want an error naming the setting", bad, err)
		}
	}
}

// TestMailSettings: an SMTP URL needs a sender; both are checked at start,
// and parley config masks the SMTP password but shows the rest.
func TestMailSettings(t *testing.T) {
	good := map[string]string{"PARLEY_SMTP_URL": "smtps://parley:hunter2@mail.example.com", "PARLEY_MAIL_FROM": "Comments <noreply@example.com>"}
	c, err := load(t, good)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	c.Dump(&b)
	if !strings.Contains(b.String(), "PARLEY_SMTP_URL=smtps://parley:xxxxx@mail.example.com\n") || strings.Contains(b.String(), "hunter2") {
		t.Errorf("dump:\n%s", b.String())
	}
	if c, err := load(t, nil); err != nil || c.SMTPURL != "" || c.MailFrom != "" {
		t.Errorf("defaults: %+v %v", c, err)
	}
	for _, bad := range []map[string]string{
		{"PARLEY_SMTP_URL": "smtp://mail.example.com"},                                             // no sender
		{"PARLEY_SMTP_URL": "smtp://mail.example.com?tls=none", "PARLEY_MAIL_FROM": "a@b.example"}, // plain text off this machine
		{"PARLEY_SMTP_URL": "mail.example.com:587", "PARLEY_MAIL_FROM": "a@b.example"},
		{"PARLEY_MAIL_FROM": "not an address"},
		{"PARLEY_MAIL_FROM": "a@b.example\r\nBcc: c@d.example"},
	} {
		_, err := load(t, bad)
		if err == nil || !strings.Contains(err.Error(), "PARLEY_") || strings.Contains(err.Error(), "hunter2") {
			t.Errorf("%v: %v, want an error naming the setting", bad, err)
		}
	}
}

func TestGravatarIsOffUnlessEnabled(t *testing.T) {
	if c, err := load(t, nil); err != nil || c.Gravatar {
		t.Fatalf("default: %v gravatar=%v, want off", err, c.Gravatar)
	}
	if c, err := load(t, map[string]string{"PARLEY_GRAVATAR": "true"}); err != nil || !c.Gravatar {
		t.Fatalf("PARLEY_GRAVATAR=true: %v gravatar=%v", err, c.Gravatar)
	}
	if _, err := load(t, map[string]string{"PARLEY_GRAVATAR": "sometimes"}); err == nil || !strings.Contains(err.Error(), "PARLEY_GRAVATAR") {
		t.Fatalf("bad value: %v, want an error naming PARLEY_GRAVATAR", err)
	}
}

// TestCaptcha: the CAPTCHA is on by default at the default difficulty; a
// difficulty outside its bounds is refused naming the setting.
func TestCaptcha(t *testing.T) {
	if c, err := load(t, nil); err != nil || !c.Captcha || c.CaptchaDifficulty != captcha.DefaultDifficulty {
		t.Fatalf("defaults: %v %v %d", err, c.Captcha, c.CaptchaDifficulty)
	}
	if c, err := load(t, map[string]string{"PARLEY_CAPTCHA": "false", "PARLEY_CAPTCHA_DIFFICULTY": "20000"}); err != nil || c.Captcha || c.CaptchaDifficulty != 20000 {
		t.Errorf("set: %v %+v", err, c)
	}
	for _, bad := range []string{strconv.Itoa(captcha.MinDifficulty - 1), strconv.Itoa(captcha.MaxDifficulty + 1), "lots"} {
		if _, err := load(t, map[string]string{"PARLEY_CAPTCHA_DIFFICULTY": bad}); err == nil || !strings.Contains(err.Error(), "PARLEY_CAPTCHA_DIFFICULTY") {
			t.Errorf("PARLEY_CAPTCHA_DIFFICULTY=%s: %v, want an error naming the setting", bad, err)
		}
	}
}

func TestImportMaxUpload(t *testing.T) {
	for value, want := range map[string]int{"": 256 << 20, "1GB": 1 << 30, "1MB": 1 << 20} {
		c, err := load(t, map[string]string{"PARLEY_IMPORT_MAX_UPLOAD": value})
		if err != nil || c.ImportMaxUpload != want {
			t.Errorf("PARLEY_IMPORT_MAX_UPLOAD=%q: %v, %v; want %d", value, c, err, want)
		}
	}
	var b strings.Builder
	c, _ := load(t, nil)
	c.Dump(&b)
	if !strings.Contains(b.String(), "PARLEY_IMPORT_MAX_UPLOAD=256MB") {
		t.Errorf("parley config does not show the upload limit:\n%s", b.String())
	}
	for _, bad := range []string{"lots", "512KB", "0"} {
		if _, err := load(t, map[string]string{"PARLEY_IMPORT_MAX_UPLOAD": bad}); err == nil || !strings.Contains(err.Error(), "PARLEY_IMPORT_MAX_UPLOAD") {
			t.Errorf("PARLEY_IMPORT_MAX_UPLOAD=%q: %v, want an error naming the setting", bad, err)
		}
	}
}

func TestAkismetSettings(t *testing.T) {
	c, err := load(t, map[string]string{"PARLEY_AKISMET_KEY": "k3y-secret"})
	if err != nil || c.AkismetKey != "k3y-secret" || c.AkismetOnError != AkismetHold {
		t.Fatalf("PARLEY_AKISMET_KEY: %+v, %v; want the key and on-error hold", c, err)
	}
	var b strings.Builder
	c.Dump(&b)
	if strings.Contains(b.String(), "k3y-secret") || !strings.Contains(b.String(), "PARLEY_AKISMET_ON_ERROR=hold") {
		t.Errorf("parley config shows the key or not the failure policy:\n%s", b.String())
	}
	if c, err := load(t, map[string]string{"PARLEY_AKISMET_ON_ERROR": "publish"}); err != nil || c.AkismetOnError != AkismetPublish {
		t.Errorf("PARLEY_AKISMET_ON_ERROR=publish: %v", err)
	}
	if _, err := load(t, map[string]string{"PARLEY_AKISMET_ON_ERROR": "drop"}); err == nil || !strings.Contains(err.Error(), "PARLEY_AKISMET_ON_ERROR") {
		t.Errorf("PARLEY_AKISMET_ON_ERROR=drop: %v, want an error naming the setting", err)
	}
}
