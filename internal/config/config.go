package config

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/mail"
	"net/netip"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/parleyhq/parley/internal/captcha"
	"github.com/parleyhq/parley/internal/notify/smtpurl"
)

// Config is the whole configuration of one Parley process.
type Config struct {
	Listen      string
	DataDir     string
	DatabaseURL string
	SecretKey   string
	// SecretKeyFile is the file holding the keyring (a secret manager's
	// mounted file), instead of DataDir/secret.key.
	SecretKeyFile string
	PublicURL     string
	WriteRate     float64 // writes per minute per client network (IPv4 address, IPv6 /64)
	WriteBurst    int
	// CommentInterval is the least time between two comments of one
	// identity on one site (0 disables; docs/moderation.md).
	CommentInterval time.Duration
	// MinFillTime is the least time between the widget showing a comment
	// form and sending it (0 disables).
	MinFillTime    time.Duration
	NewPagesPerDay int // pages thread reads may create per site per day
	TrustedProxies []netip.Prefix
	IPRetention    time.Duration
	// ContactRetention is how long contact form messages, with the
	// sender's sealed email, are kept.
	ContactRetention time.Duration
	Privacy          // backups and retention: see privacy.go
	Operations       // CDN caching and the profiler: see operations.go
	DBTimeout        time.Duration
	Providers        []Provider // PARLEY_AUTH_PROVIDERS; see providers.go
	// AvatarPrivate allows fetching provider pictures from private addresses.
	AvatarPrivate bool
	CacheSize     int // bytes of thread responses kept in memory
	MaxStreams    int // live streams open at once; 0: live updates off
	// StreamsPerNetwork is how many of them one client network may hold.
	StreamsPerNetwork int
	SMTPURL           string // empty: mails are printed to the log (development)
	MailFrom          string // the sender of every mail; required with SMTPURL
	Gravatar          bool   // fetch the Gravatar of accounts without a picture, server-side
	Demo              bool
	LogLevel          string
	LogFormat         string
	ConfigFile        string

	// Captcha requires a proof-of-work solution on sign-up (package captcha);
	// CaptchaDifficulty is its largest secret number.
	Captcha           bool
	CaptchaDifficulty int

	// ImportMaxUpload bounds the file of an import uploaded on the dashboard.
	ImportMaxUpload int
	// Signup says who may create an account on the dashboard: SignupOpen,
	// SignupInvite or SignupClosed. SignupIPRetention is how long the
	// address a sign-up came from is kept.
	Signup            string
	SignupIPRetention time.Duration

	// AkismetKey, when set, has every new comment checked by Akismet
	// (docs/moderation.md); AkismetOnError is what happens to a comment when
	// Akismet cannot answer: AkismetHold or AkismetPublish.
	AkismetKey     string
	AkismetOnError string

	// WebhookPrivate lets webhooks reach loopback and private addresses,
	// and plain http:// URLs (docs/webhooks.md).
	WebhookPrivate bool
}

// The values of PARLEY_SIGNUP.
const (
	SignupOpen   = "open"   // anyone may sign up on the dashboard
	SignupInvite = "invite" // only with an invitation the operator mailed
	SignupClosed = "closed" // nobody; the operator adds accounts (parley user add)
)

// The values of PARLEY_AKISMET_ON_ERROR.
const (
	AkismetHold    = "hold"    // hold the comment for a moderator
	AkismetPublish = "publish" // let the site's policy decide alone
)

// Bounds of PARLEY_DB_TIMEOUT: below the minimum an ordinary query on a
// busy machine would fail; above the maximum a stalled database would hold
// requests (and their connections) for longer than any client waits.
const (
	MinDBTimeout = 100 * time.Millisecond
	MaxDBTimeout = 5 * time.Minute
)

// MaxCommentInterval bounds PARLEY_COMMENT_INTERVAL: longer would stop a
// person answering a reply in a lively thread.
const MaxCommentInterval = time.Hour

// MaxMinFillTime bounds PARLEY_MIN_FILL_TIME: a person may write a short
// reply in well under a minute.
const MaxMinFillTime = time.Minute

// setting describes one configuration value: its flag, its environment
// variable, its default, and how to parse it into Config.
type setting struct {
	flag    string
	env     string
	def     string
	usage   string
	secret  bool
	set     func(c *Config, v string) error
	current func(c *Config) string
}

func settings() []setting {
	return append(append(coreSettings(), privacySettings()...), operationsSettings()...)
}

func coreSettings() []setting {
	return []setting{
		{"listen", "PARLEY_LISTEN", "localhost:8080", "address to listen on (host:port)", false,
			func(c *Config, v string) error { c.Listen = v; return nil },
			func(c *Config) string { return c.Listen }},
		{"data-dir", "PARLEY_DATA_DIR", "./parley-data", "directory for the SQLite database and the generated key", false,
			func(c *Config, v string) error { c.DataDir = v; return nil },
			func(c *Config) string { return c.DataDir }},
		{"database-url", "PARLEY_DATABASE_URL", "", "postgres://… to use PostgreSQL instead of SQLite in the data directory", true,
			func(c *Config, v string) error { c.DatabaseURL = v; return nil },
			func(c *Config) string { return c.DatabaseURL }},
		{"secret-key", "PARLEY_SECRET_KEY", "", "secret for sealing personal data (64 hex chars); default: DATA_DIR/secret.key, generated", true,
			func(c *Config, v string) error { c.SecretKey = v; return nil },
			func(c *Config) string { return c.SecretKey }},
		{"secret-key-file", "PARLEY_SECRET_KEY_FILE", "", "file holding the secret key (as a secret manager mounts it); must exist; default: DATA_DIR/secret.key", false,
			func(c *Config, v string) error { c.SecretKeyFile = v; return nil },
			func(c *Config) string { return c.SecretKeyFile }},
		{"public-url", "PARLEY_PUBLIC_URL", "", "URL where browsers reach Parley; default: derived from --listen", false,
			func(c *Config, v string) error { c.PublicURL = strings.TrimRight(v, "/"); return nil },
			func(c *Config) string { return c.PublicURL }},
		{"write-rate", "PARLEY_WRITE_RATE", "30", "comment/vote writes allowed per minute per client (IPv4 address or IPv6 /64; 0 disables the limit)", false,
			parseFloat(func(c *Config) *float64 { return &c.WriteRate }),
			func(c *Config) string { return strconv.FormatFloat(c.WriteRate, 'g', -1, 64) }},
		{"write-burst", "PARLEY_WRITE_BURST", "10", "writes allowed at once before the rate applies", false,
			parseInt(func(c *Config) *int { return &c.WriteBurst }),
			func(c *Config) string { return strconv.Itoa(c.WriteBurst) }},
		{"comment-interval", "PARLEY_COMMENT_INTERVAL", "15s", "least time between two comments of one account, verified guest or client network on one site (0 disables; at most 1h)", false,
			parseDuration(func(c *Config) *time.Duration { return &c.CommentInterval }),
			func(c *Config) string { return c.CommentInterval.String() }},
		{"min-fill-time", "PARLEY_MIN_FILL_TIME", "3s", "least time between the widget showing a comment form and sending it; faster is refused as a script (0 disables; at most 1m)", false,
			parseDuration(func(c *Config) *time.Duration { return &c.MinFillTime }),
			func(c *Config) string { return c.MinFillTime.String() }},
		{"new-pages-per-day", "PARLEY_NEW_PAGES_PER_DAY", "1000", "pages that thread reads may create per site per UTC day (0: only comments create pages)", false,
			parseInt(func(c *Config) *int { return &c.NewPagesPerDay }),
			func(c *Config) string { return strconv.Itoa(c.NewPagesPerDay) }},
		{"trusted-proxies", "PARLEY_TRUSTED_PROXIES", "", "comma-separated CIDRs of reverse proxies whose X-Forwarded-For is believed", false,
			parsePrefixes,
			func(c *Config) string { return joinPrefixes(c.TrustedProxies) }},
		{"ip-retention", "PARLEY_IP_RETENTION", "720h", "how long commenters' IP addresses are kept (promise P5)", false,
			parseDuration(func(c *Config) *time.Duration { return &c.IPRetention }),
			func(c *Config) string { return c.IPRetention.String() }},
		{"contact-retention", "PARLEY_CONTACT_RETENTION", "2160h", "how long messages of the contact form, with the sender's email, are kept (at least 1h)", false,
			parseDuration(func(c *Config) *time.Duration { return &c.ContactRetention }),
			func(c *Config) string { return c.ContactRetention.String() }},
		{"db-timeout", "PARLEY_DB_TIMEOUT", "5s", "deadline of a request's database work and of connecting; past it the API answers 503 with Retry-After", false,
			parseDuration(func(c *Config) *time.Duration { return &c.DBTimeout }),
			func(c *Config) string { return c.DBTimeout.String() }},
		{"cache-size", "PARLEY_CACHE_SIZE", "64MB", "memory for cached thread responses (KB, MB or GB; at least 1MB)", false,
			parseSize(func(c *Config) *int { return &c.CacheSize }),
			func(c *Config) string { return formatSize(c.CacheSize) }},
		{"max-streams", "PARLEY_MAX_STREAMS", "10000", "live update streams (Server-Sent Events) one server keeps open at once; past it 503 with Retry-After; 0 turns live updates off (see docs/live.md)", false,
			parseInt(func(c *Config) *int { return &c.MaxStreams }),
			func(c *Config) string { return strconv.Itoa(c.MaxStreams) }},
		{"streams-per-network", "PARLEY_STREAMS_PER_NETWORK", "100", "live update streams one client network (an IPv4 address, an IPv6 /64) may hold open at once; past it 429 with Retry-After", false,
			parseInt(func(c *Config) *int { return &c.StreamsPerNetwork }),
			func(c *Config) string { return strconv.Itoa(c.StreamsPerNetwork) }},
		{"import-max-upload", "PARLEY_IMPORT_MAX_UPLOAD", "256MB", "largest export file the dashboard accepts for an import (KB, MB or GB; at least 1MB); parley import reads files of any size", false,
			parseSize(func(c *Config) *int { return &c.ImportMaxUpload }),
			func(c *Config) string { return formatSize(c.ImportMaxUpload) }},
		{"akismet-key", "PARLEY_AKISMET_KEY", "", "Akismet API key: check every new comment with Akismet (sends the comment, the commenter's email and IP to Akismet; see docs/moderation.md)", true,
			func(c *Config, v string) error { c.AkismetKey = v; return nil },
			func(c *Config) string { return c.AkismetKey }},
		{"akismet-on-error", "PARLEY_AKISMET_ON_ERROR", AkismetHold, "when Akismet cannot answer (timeout, bad key): hold the comment, or publish it if the site's policy would", false,
			func(c *Config, v string) error { c.AkismetOnError = v; return nil },
			func(c *Config) string { return c.AkismetOnError }},
		{"smtp-url", "PARLEY_SMTP_URL", "", "smtp://user:pass@host:587 (STARTTLS) or smtps://…:465 (TLS) to send mail; empty: mails are printed to the log", true,
			func(c *Config, v string) error { c.SMTPURL = v; return nil },
			func(c *Config) string { return c.SMTPURL }},
		{"mail-from", "PARLEY_MAIL_FROM", "", "sender address of mails, such as \"Comments <noreply@example.com>\"; required with --smtp-url", false,
			func(c *Config, v string) error { c.MailFrom = v; return nil },
			func(c *Config) string { return c.MailFrom }},
		{"auth-providers", "PARLEY_AUTH_PROVIDERS", "", "OAuth2/OpenID Connect login providers: comma-separated NAME=CLIENT_ID:CLIENT_SECRET[@URL] (see docs/authentication-providers.md)", true,
			parseProviders,
			func(c *Config) string { return formatProviders(c.Providers, false) }},
		{"avatar-allow-private", "PARLEY_AVATAR_ALLOW_PRIVATE", "false", "fetch pictures (login providers', site SSO's) also from loopback and private addresses and over http (a provider on the internal network)", false,
			parseBool(func(c *Config) *bool { return &c.AvatarPrivate }),
			func(c *Config) string { return strconv.FormatBool(c.AvatarPrivate) }},
		{"webhook-allow-private", "PARLEY_WEBHOOK_ALLOW_PRIVATE", "false", "let sites' webhooks reach loopback and private addresses and plain http:// (tests, or endpoints on the internal network)", false,
			parseBool(func(c *Config) *bool { return &c.WebhookPrivate }),
			func(c *Config) string { return strconv.FormatBool(c.WebhookPrivate) }},
		{"gravatar", "PARLEY_GRAVATAR", "false", "give accounts without a picture their Gravatar, fetched by the server (readers never contact Gravatar)", false,
			parseBool(func(c *Config) *bool { return &c.Gravatar }),
			func(c *Config) string { return strconv.FormatBool(c.Gravatar) }},
		{"captcha", "PARLEY_CAPTCHA", "true", "require the self-hosted proof-of-work CAPTCHA on sign-up (see docs/captcha.md)", false,
			parseBool(func(c *Config) *bool { return &c.Captcha }),
			func(c *Config) string { return strconv.FormatBool(c.Captcha) }},
		{"captcha-difficulty", "PARLEY_CAPTCHA_DIFFICULTY", strconv.Itoa(captcha.DefaultDifficulty), "largest secret number of a CAPTCHA challenge: a browser tries half on average (about 1s at the default)", false,
			parseInt(func(c *Config) *int { return &c.CaptchaDifficulty }),
			func(c *Config) string { return strconv.Itoa(c.CaptchaDifficulty) }},
		{"signup", "PARLEY_SIGNUP", SignupOpen, "who may create an owner account on the dashboard: open, invite (with an invitation from the operator) or closed; commenters' sign-up (the widget, POST /api/v1/auth/signup) is not affected", false,
			func(c *Config, v string) error { c.Signup = v; return nil },
			func(c *Config) string { return c.Signup }},
		{"signup-ip-retention", "PARLEY_SIGNUP_IP_RETENTION", "720h", "how long the address an account signed up from is kept (sealed, for abuse handling)", false,
			parseDuration(func(c *Config) *time.Duration { return &c.SignupIPRetention }),
			func(c *Config) string { return c.SignupIPRetention.String() }},
		{"demo", "PARLEY_DEMO", "true", "create a localhost demo site and serve /demo", false,
			parseBool(func(c *Config) *bool { return &c.Demo }),
			func(c *Config) string { return strconv.FormatBool(c.Demo) }},
		{"log-level", "PARLEY_LOG_LEVEL", "info", "debug, info, warn or error", false,
			func(c *Config, v string) error { c.LogLevel = v; return nil },
			func(c *Config) string { return c.LogLevel }},
		{"log-format", "PARLEY_LOG_FORMAT", "text", "text or json", false,
			func(c *Config, v string) error { c.LogFormat = v; return nil },
			func(c *Config) string { return c.LogFormat }},
	}
}

// Flags are the configuration flags registered on one subcommand's FlagSet.
type Flags struct {
	fs         *flag.FlagSet
	values     map[string]*string
	configFile *string
}

// AddFlags registers every setting as a flag on fs.
func AddFlags(fs *flag.FlagSet) *Flags {
	f := &Flags{fs: fs, values: map[string]*string{}}
	for _, s := range settings() {
		f.values[s.flag] = fs.String(s.flag, "", fmt.Sprintf("%s (env %s, default %q)", s.usage, s.env, s.def))
	}
	f.configFile = fs.String("config", "", "file of PARLEY_NAME=value lines (env PARLEY_CONFIG)")
	return f
}

// Load builds the Config after the FlagSet was parsed: defaults, then the
// config file (--config or PARLEY_CONFIG), then environment variables, then
// flags; each later source wins. It validates the result.
func (f *Flags) Load(getenv func(string) string) (*Config, error) {
	all := settings()
	file := *f.configFile
	if file == "" {
		file = getenv("PARLEY_CONFIG")
	}
	fromFile := map[string]string{}
	if file != "" {
		var err error
		if fromFile, err = readFile(file); err != nil {
			return nil, err
		}
	}
	given := map[string]bool{}
	f.fs.Visit(func(fl *flag.Flag) { given[fl.Name] = true })

	c := &Config{ConfigFile: file}
	for _, s := range all {
		v, source := s.def, "default"
		if fv, ok := fromFile[s.env]; ok {
			v, source = fv, "config file "+file
		}
		if ev := getenv(s.env); ev != "" {
			v, source = ev, "environment"
		}
		if given[s.flag] {
			v, source = *f.values[s.flag], "flag"
		}
		if err := s.set(c, v); err != nil {
			return nil, fmt.Errorf("config: %s (--%s, from %s): %w", s.env, s.flag, source, err)
		}
	}
	for name := range fromFile {
		if !known(all, name) {
			return nil, fmt.Errorf("config: %s: unknown setting %s", file, name)
		}
	}
	if err := c.validate(); err != nil {
		return nil, err
	}
	return c, nil
}

func known(all []setting, env string) bool {
	for _, s := range all {
		if s.env == env {
			return true
		}
	}
	return false
}

// validate checks the values and derives defaults that depend on others.
func (c *Config) validate() error {
	host, port, err := net.SplitHostPort(c.Listen)
	if err != nil {
		return fmt.Errorf("config: PARLEY_LISTEN (--listen) %q: want host:port such as localhost:8080", c.Listen)
	}
	if _, err := strconv.ParseUint(port, 10, 16); err != nil {
		return fmt.Errorf("config: PARLEY_LISTEN (--listen) %q: port must be a number from 0 to 65535", c.Listen)
	}
	if c.DataDir == "" {
		return errors.New("config: PARLEY_DATA_DIR (--data-dir) must not be empty")
	}
	if c.DatabaseURL != "" && !strings.HasPrefix(c.DatabaseURL, "postgres://") && !strings.HasPrefix(c.DatabaseURL, "postgresql://") {
		return errors.New("config: PARLEY_DATABASE_URL (--database-url) must start with postgres:// (leave it empty for SQLite)")
	}
	if c.PublicURL == "" {
		if host == "" || host == "0.0.0.0" || host == "::" {
			host = "localhost"
		}
		c.PublicURL = "http://" + net.JoinHostPort(host, port)
	}
	u, err := url.Parse(c.PublicURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || (u.Path != "" && u.Path != "/") {
		return fmt.Errorf("config: PARLEY_PUBLIC_URL (--public-url) %q: want an origin such as https://comments.example.com", c.PublicURL)
	}
	if c.WriteRate < 0 {
		return errors.New("config: PARLEY_WRITE_RATE (--write-rate) must be 0 (no limit) or more")
	}
	if c.WriteBurst < 1 {
		return errors.New("config: PARLEY_WRITE_BURST (--write-burst) must be at least 1")
	}
	if c.CommentInterval < 0 || c.CommentInterval > MaxCommentInterval {
		return fmt.Errorf("config: PARLEY_COMMENT_INTERVAL (--comment-interval) %s: want from 0 (off) to %s", c.CommentInterval, MaxCommentInterval)
	}
	if c.MinFillTime < 0 || c.MinFillTime > MaxMinFillTime {
		return fmt.Errorf("config: PARLEY_MIN_FILL_TIME (--min-fill-time) %s: want from 0 (off) to %s", c.MinFillTime, MaxMinFillTime)
	}
	if c.NewPagesPerDay < 0 {
		return errors.New("config: PARLEY_NEW_PAGES_PER_DAY (--new-pages-per-day) must be 0 (only comments create pages) or more")
	}
	if c.IPRetention < time.Hour {
		return errors.New("config: PARLEY_IP_RETENTION (--ip-retention) must be at least 1h")
	}
	if c.ContactRetention < time.Hour {
		return errors.New("config: PARLEY_CONTACT_RETENTION (--contact-retention) must be at least 1h")
	}
	if c.SignupIPRetention < time.Hour {
		return errors.New("config: PARLEY_SIGNUP_IP_RETENTION (--signup-ip-retention) must be at least 1h")
	}
	switch c.Signup {
	case SignupOpen, SignupInvite, SignupClosed:
	default:
		return fmt.Errorf("config: PARLEY_SIGNUP (--signup) %q: want open, invite or closed", c.Signup)
	}
	if c.DBTimeout < MinDBTimeout || c.DBTimeout > MaxDBTimeout {
		return fmt.Errorf("config: PARLEY_DB_TIMEOUT (--db-timeout) %s: want from %s to %s", c.DBTimeout, MinDBTimeout, MaxDBTimeout)
	}
	if c.CacheSize < minCacheSize {
		return errors.New("config: PARLEY_CACHE_SIZE (--cache-size) must be at least 1MB")
	}
	if c.MaxStreams < 0 || c.MaxStreams > MaxStreams {
		return fmt.Errorf("config: PARLEY_MAX_STREAMS (--max-streams) %d: want from 0 (live updates off) to %d", c.MaxStreams, MaxStreams)
	}
	if c.StreamsPerNetwork < 1 || c.StreamsPerNetwork > MaxStreams {
		return fmt.Errorf("config: PARLEY_STREAMS_PER_NETWORK (--streams-per-network) %d: want from 1 to %d", c.StreamsPerNetwork, MaxStreams)
	}
	if c.ImportMaxUpload < minImportUpload {
		return errors.New("config: PARLEY_IMPORT_MAX_UPLOAD (--import-max-upload) must be at least 1MB")
	}
	if c.CaptchaDifficulty < captcha.MinDifficulty || c.CaptchaDifficulty > captcha.MaxDifficulty {
		return fmt.Errorf("config: PARLEY_CAPTCHA_DIFFICULTY (--captcha-difficulty) %d: want from %d to %d", c.CaptchaDifficulty, captcha.MinDifficulty, captcha.MaxDifficulty)
	}
	if err := c.validateMail(); err != nil {
		return err
	}
	if err := c.validatePrivacy(); err != nil {
		return err
	}
	if err := c.validateOperations(); err != nil {
		return err
	}
	if c.AkismetOnError != AkismetHold && c.AkismetOnError != AkismetPublish {
		return fmt.Errorf("config: PARLEY_AKISMET_ON_ERROR (--akismet-on-error) %q: want hold or publish", c.AkismetOnError)
	}
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		return fmt.Errorf("config: PARLEY_LOG_LEVEL (--log-level) %q: want debug, info, warn or error", c.LogLevel)
	}
	if c.LogFormat != "text" && c.LogFormat != "json" {
		return fmt.Errorf("config: PARLEY_LOG_FORMAT (--log-format) %q: want text or json", c.LogFormat)
	}
	return nil
}

// validateMail checks PARLEY_SMTP_URL and PARLEY_MAIL_FROM.
func (c *Config) validateMail() error {
	if c.SMTPURL != "" {
		if _, err := smtpurl.Parse(c.SMTPURL); err != nil {
			return fmt.Errorf("config: PARLEY_SMTP_URL (--smtp-url): %w", err)
		}
		if c.MailFrom == "" {
			return errors.New("config: PARLEY_MAIL_FROM (--mail-from) must be set with PARLEY_SMTP_URL: the sender address of mails, such as noreply@example.com")
		}
	}
	if c.MailFrom != "" {
		if _, err := mail.ParseAddress(c.MailFrom); err != nil {
			return fmt.Errorf("config: PARLEY_MAIL_FROM (--mail-from) %q: want an address such as noreply@example.com or \"Comments <noreply@example.com>\"", c.MailFrom)
		}
	}
	return nil
}

// Setting is one line of the effective configuration, as Shown lists it.
type Setting struct {
	Name  string // PARLEY_NAME
	Value string
}

// Shown is the effective configuration for a page: every setting by its
// variable, a secret only as "(set)" or "", never its value, not even in
// part.
func (c *Config) Shown() []Setting {
	var out []Setting
	for _, s := range settings() {
		v := s.current(c)
		if s.secret && v != "" {
			v = "(set)"
		}
		out = append(out, Setting{s.env, v})
	}
	return out
}

// Dump writes the effective configuration, one PARLEY_NAME=value per line,
// with secrets masked.
func (c *Config) Dump(w io.Writer) {
	for _, s := range settings() {
		v := s.current(c)
		if s.secret && v != "" {
			v = mask(s.env, v)
		}
		fmt.Fprintf(w, "%s=%s\n", s.env, v)
	}
}

// mask hides a secret; for a database or SMTP URL it keeps everything but
// the password.
func mask(env, v string) string {
	if env == "PARLEY_AUTH_PROVIDERS" {
		return maskProviders(v)
	}
	if env == "PARLEY_DATABASE_URL" || env == "PARLEY_SMTP_URL" {
		if u, err := url.Parse(v); err == nil {
			if _, has := u.User.Password(); has {
				u.User = url.UserPassword(u.User.Username(), "xxxxx")
			}
			return u.Redacted()
		}
	}
	return "********"
}

// readFile parses a config file of PARLEY_NAME=value lines; blank lines and
// lines starting with # are ignored; values may be quoted.
func readFile(path string) (map[string]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	defer f.Close()
	out := map[string]string{}
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		if !ok {
			return nil, fmt.Errorf("config: %s:%d: want PARLEY_NAME=value", path, n)
		}
		k, v = strings.TrimSpace(k), strings.TrimSpace(v)
		if uq, err := strconv.Unquote(v); err == nil {
			v = uq
		}
		out[k] = v
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("config: %s: %w", path, err)
	}
	return out, nil
}

func parseFloat(field func(*Config) *float64) func(*Config, string) error {
	return func(c *Config, v string) error {
		f, err := strconv.ParseFloat(v, 64)
		if err != nil {
			return fmt.Errorf("%q is not a number", v)
		}
		*field(c) = f
		return nil
	}
}

func parseInt(field func(*Config) *int) func(*Config, string) error {
	return func(c *Config, v string) error {
		n, err := strconv.Atoi(v)
		if err != nil {
			return fmt.Errorf("%q is not a whole number", v)
		}
		*field(c) = n
		return nil
	}
}

// minImportUpload is the smallest upload limit: below it even a small
// blog's export would not fit.
const minImportUpload = 1 << 20

// MaxStreams is the most PARLEY_MAX_STREAMS allows: each stream holds a
// connection (a file descriptor) and a goroutine.
const MaxStreams = 1_000_000

// minCacheSize keeps the thread cache big enough for a few busy threads.
const minCacheSize = 1 << 20

// sizeUnits are the suffixes of a size setting, largest first (binary units).
var sizeUnits = []struct {
	suffix string
	bytes  int
}{{"GB", 1 << 30}, {"MB", 1 << 20}, {"KB", 1 << 10}, {"B", 1}}

// parseSize reads a size such as 64MB, 512KB or 1GB (units of 1024).
func parseSize(field func(*Config) *int) func(*Config, string) error {
	return func(c *Config, v string) error {
		upper := strings.ToUpper(strings.TrimSpace(v))
		for _, u := range sizeUnits {
			if num, ok := strings.CutSuffix(upper, u.suffix); ok {
				n, err := strconv.Atoi(strings.TrimSpace(num))
				if err != nil || n < 0 || n > (1<<40)/u.bytes {
					break
				}
				*field(c) = n * u.bytes
				return nil
			}
		}
		return fmt.Errorf("%q: want a size such as 64MB, 512KB or 1GB", v)
	}
}

// formatSize writes a size in the largest unit that divides it.
func formatSize(n int) string {
	for _, u := range sizeUnits {
		if n%u.bytes == 0 {
			return strconv.Itoa(n/u.bytes) + u.suffix
		}
	}
	return strconv.Itoa(n) + "B"
}

func parseBool(field func(*Config) *bool) func(*Config, string) error {
	return func(c *Config, v string) error {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return fmt.Errorf("%q: want true or false", v)
		}
		*field(c) = b
		return nil
	}
}

func parseDuration(field func(*Config) *time.Duration) func(*Config, string) error {
	return func(c *Config, v string) error {
		d, err := time.ParseDuration(v)
		if err != nil {
			return fmt.Errorf("%q: want a duration such as 720h", v)
		}
		*field(c) = d
		return nil
	}
}

func parsePrefixes(c *Config, v string) error {
	c.TrustedProxies = nil
	for _, part := range strings.Split(v, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		p, err := netip.ParsePrefix(part)
		if err != nil {
			addr, aerr := netip.ParseAddr(part)
			if aerr != nil {
				return fmt.Errorf("%q is not a CIDR such as 10.0.0.0/8", part)
			}
			p = netip.PrefixFrom(addr, addr.BitLen())
		}
		c.TrustedProxies = append(c.TrustedProxies, p.Masked())
	}
	return nil
}

func joinPrefixes(ps []netip.Prefix) string {
	parts := make([]string, len(ps))
	for i, p := range ps {
		parts[i] = p.String()
	}
	return strings.Join(parts, ",")
}
