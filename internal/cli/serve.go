package cli

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"os/signal"
	"sync"
	"syscall"
	"time"

	"github.com/parleyhq/parley/internal/admin"
	"github.com/parleyhq/parley/internal/api"
	"github.com/parleyhq/parley/internal/assets"
	"github.com/parleyhq/parley/internal/auth"
	"github.com/parleyhq/parley/internal/backup"
	"github.com/parleyhq/parley/internal/captcha"
	"github.com/parleyhq/parley/internal/clientip"
	"github.com/parleyhq/parley/internal/comment"
	"github.com/parleyhq/parley/internal/config"
	"github.com/parleyhq/parley/internal/markup"
	"github.com/parleyhq/parley/internal/media"
	"github.com/parleyhq/parley/internal/notify"
	"github.com/parleyhq/parley/internal/server"
	"github.com/parleyhq/parley/internal/spam"
	"github.com/parleyhq/parley/internal/stats"
	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/webhook"
	"github.com/parleyhq/parley/web/widget"
)

// DemoSite is the host of the demo site created on a fresh data directory.
const DemoSite = "localhost"

// Intervals of the background work of serve.
const (
	viewFlushInterval = 10 * time.Second
	retentionInterval = time.Hour
	shutdownGrace     = 15 * time.Second
)

func runServe(ctx context.Context, e env, args []string) error {
	cfg, rest, err := loadConfig("serve", "", e, args, nil)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return fmt.Errorf("%w: serve takes no arguments, got %q", ErrUsage, rest)
	}
	ctx, stop := signal.NotifyContext(ctx, syscall.SIGINT, syscall.SIGTERM)
	defer stop()

	a, err := openServingApp(ctx, cfg, e)
	if err != nil {
		return err
	}
	defer a.Close()
	now := time.Now
	metrics := server.NewMetrics()
	metrics.Set().NewGauge("parley_db_open_connections", func() float64 { return float64(a.store.OpenConnections()) })
	exportPoolMetrics(metrics.Set(), a.store)
	cdn, runCDNPurge := cdnSettings(cfg, a.store, metrics.Set(), a.log)
	a.store.SetNewPagesPerDay(cfg.NewPagesPerDay)
	views := stats.NewViewCounter(a.store, now, a.log)
	mailer, err := newMailer(cfg, a.log)
	if err != nil {
		return err
	}
	mailWorker := notify.NewWorker(a.store, mailer, notify.WorkerOptions{Log: a.log, Retention: cfg.MailRetention})
	mailWorker.ExportMetrics(metrics.Set())
	notifier := notify.NewNotifier(a.store, cfg.PublicURL, now, a.log)
	notifier.Queued = mailWorker.Wake
	hooks := webhook.NewWorker(a.store, webhook.WorkerOptions{AllowPrivate: cfg.WebhookPrivate, Log: a.log})
	views.ExportMetrics(metrics.Set())
	avatars := newAvatars(a.store, cfg.Gravatar, cfg.AvatarPrivate)
	captchas, err := newCaptcha(cfg, a)
	if err != nil {
		return err
	}
	sessions := auth.NewSessions(a.store, now)
	comments := newComments(ctx, cfg, a, now)
	apiHandler := api.New(api.Deps{
		Store:      a.store,
		Comments:   comments,
		Sealer:     a.sealer,
		Views:      views,
		ClientIP:   clientip.New(cfg.TrustedProxies).IP,
		Messages:   widget.Messages,
		Avatars:    avatars,
		WriteRate:  cfg.WriteRate,
		Burst:      cfg.WriteBurst,
		Flood:      api.FloodLimits{Interval: cfg.CommentInterval, MinFillTime: cfg.MinFillTime, DuplicateWindow: api.DuplicateWindow},
		CacheBytes: cfg.CacheSize,
		MaxStreams: cfg.MaxStreams, StreamsPerNetwork: cfg.StreamsPerNetwork,
		CDN:        cdn,
		Metrics:    metrics.Set(),
		DBTimeout:  cfg.DBTimeout,
		Log:        a.log,
		Now:        now,
		PublicURL:  cfg.PublicURL,
		WakeMail:   mailWorker.Wake,
		WakeNotify: func() { notifier.Wake(); hooks.Wake() }, // a new comment may cause mail and webhooks
		Captcha:    captchas,
		Logins: &auth.Logins{Providers: auth.NewProviders(cfg.Providers, cfg.PublicURL, nil),
			Store: a.store, Sessions: sessions, Avatars: avatars, Now: now},
	})
	dashboard, err := admin.New(admin.Deps{Store: a.store, Sessions: sessions, SignIn: apiHandler.SignIn,
		Changed: apiHandler.Changed, CommentsChanged: apiHandler.CommentsChanged, SiteChanged: apiHandler.SiteSettingsChanged, Providers: providerList(cfg), Comments: comments,
		Accounts: apiHandler, Signup: cfg.Signup, WakeMail: mailWorker.Wake, MailLogged: cfg.SMTPURL == "", PublicURL: cfg.PublicURL, DBTimeout: cfg.DBTimeout, Log: a.log, Now: now,
		Imports:  admin.ImportSettings{MaxUpload: int64(cfg.ImportMaxUpload), IPRetention: cfg.IPRetention},
		Webhooks: admin.WebhookSettings{AllowPrivate: cfg.WebhookPrivate, Wake: hooks.Wake},
		Settings: cfg.Shown(), Captcha: captchas, AllowContact: apiHandler.AllowContact})
	if err != nil {
		return err
	}
	surfaces := []server.Mounter{apiHandler, dashboard}
	assetHandler, err := assets.New(assets.Options{PublicURL: cfg.PublicURL, DemoSite: DemoSite, NoDemo: !cfg.Demo})
	if err != nil {
		return err
	}
	surfaces = append(surfaces, assetHandler)
	handler := server.Handler(a.log, a.store, metrics, surfaces...)

	ln, err := net.Listen("tcp", cfg.Listen)
	if err != nil {
		return fmt.Errorf("listen on %s: %w (set PARLEY_LISTEN or --listen to a free address)", cfg.Listen, err)
	}
	if cfg.Demo {
		if err := ensureDemoSite(ctx, a.store, demoOrigins(cfg.PublicURL, ln.Addr())); err != nil {
			ln.Close()
			return err
		}
	}
	pprofLn, err := listenPprof(cfg.PprofListen)
	if err != nil {
		ln.Close()
		return err
	}
	// Background work outlives the signal context until the server has
	// drained, then stops; the views' final flush and the mail being sent
	// finish before the store closes.
	bgctx, cancelBg := context.WithCancel(context.WithoutCancel(ctx))
	var bg sync.WaitGroup
	bg.Go(func() { views.Run(bgctx, viewFlushInterval) })
	bg.Go(func() { reloadKeys(bgctx, a) })
	bg.Go(func() { resumeRotation(bgctx, a) })
	bg.Go(func() {
		a.store.Lead(bgctx, store.LeadRetry, func(ctx context.Context) { runLeaderJobs(ctx, cfg, a, apiHandler, mailWorker.Wake, now) },
			func(err error) { a.log.Warn("lead background jobs", "err", err) })
	})
	bg.Go(func() { apiHandler.Run(bgctx) })
	// The outbox and the reply notifications claim their work row by row
	// in the database: every server runs them, and none sends a mail twice.
	bg.Go(func() { runCDNPurge(bgctx) })
	if pprofLn != nil {
		bg.Go(func() { servePprof(bgctx, pprofLn, a.log) })
	}
	bg.Go(func() { purgeExpired(bgctx, a, cfg.IPRetention, cfg.SignupIPRetention, cfg.ContactRetention) })
	bg.Go(func() { purgeUnverified(bgctx, a, cfg.UnverifiedRetention, apiHandler.SitesRemoved) })
	bg.Go(func() { sendUsageNotices(bgctx, a, instanceSender(cfg), mailWorker.Wake) })
	bg.Go(func() { mailWorker.Run(bgctx) })
	bg.Go(func() { comments.RunReports(bgctx) })
	bg.Go(func() { notifier.Run(bgctx, notify.PollInterval) })
	bg.Go(func() { hooks.Run(bgctx) })
	bg.Go(func() {
		a.store.ListenSiteChanges(bgctx, apiHandler.SiteChanged, func(err error) {
			a.log.Warn("listen for changes by other servers", "err", err)
		})
	})

	a.log.Info("parley serving", "version", version(), "listen", ln.Addr().String(), "public_url", cfg.PublicURL,
		"database", a.store.Dialect())
	if cfg.Demo {
		a.log.Info("demo page", "url", cfg.PublicURL+"/demo")
	}
	// Open streams would hold the graceful shutdown for its whole grace.
	stopStreams := context.AfterFunc(ctx, apiHandler.CloseStreams)
	defer stopStreams()
	err = server.Serve(ctx, ln, handler, a.log, shutdownGrace)
	dashboard.Close() // running imports record that they were interrupted
	cancelBg()
	bg.Wait()
	if err != nil {
		return fmt.Errorf("serve: %w", err)
	}
	a.log.Info("stopped")
	return nil
}

// runLeaderJobs runs the background jobs that must run on one server at a
// time (store.Lead): backups, the retention purges and the usage notices,
// until ctx ends.
func runLeaderJobs(ctx context.Context, cfg *config.Config, a *app, apiHandler *api.Handler, wakeMail func(), now func() time.Time) {
	var jobs sync.WaitGroup
	if cfg.BackupInterval > 0 {
		backups := backup.Schedule{Store: a.store, Dir: backupDir(cfg), Interval: cfg.BackupInterval,
			Retention: cfg.BackupRetention, Log: a.log, Now: now}
		jobs.Go(func() { backups.Run(ctx) })
	}
	jobs.Go(func() { purgeExpired(ctx, a, cfg.IPRetention, cfg.SignupIPRetention, cfg.ContactRetention) })
	jobs.Go(func() { purgeUnverified(ctx, a, cfg.UnverifiedRetention, apiHandler.SitesRemoved) })
	jobs.Go(func() { sendUsageNotices(ctx, a, instanceSender(cfg), wakeMail) })
	jobs.Wait()
}

// newComments returns the comment service, asking Akismet about new
// comments with a site's own key (set in the dashboard), else with the
// operator's PARLEY_AKISMET_KEY. The operator's key is verified in the
// background: a wrong one is logged, and the comments it cannot check
// follow their site's failure policy (PARLEY_AKISMET_ON_ERROR by default).
func newComments(ctx context.Context, cfg *config.Config, a *app, now func() time.Time) *comment.Service {
	svc := comment.NewService(a.store, markup.WithImages(media.UploadURLPattern(cfg.PublicURL)), now)
	svc.UploadID = func(dest string) (string, bool) { return media.UploadIDOf(cfg.PublicURL, dest) }
	akismet := spam.NewAkismet(spam.AkismetOptions{Key: cfg.AkismetKey, Version: version()})
	svc.Checking = comment.Checking{Akismet: akismet, HoldOnError: cfg.AkismetOnError == config.AkismetHold, Log: a.log}
	if cfg.AkismetKey == "" {
		return svc
	}
	svc.Checking.Checker = akismet
	go func() {
		if err := akismet.VerifyKey(ctx, cfg.PublicURL); err != nil {
			a.log.Error("akismet key not verified", "err", err)
		}
	}()
	return svc
}

// newAvatars returns the avatar importer of the server, for provider
// logins and site SSO alike: public HTTPS addresses only (also private ones
// with PARLEY_AVATAR_ALLOW_PRIVATE), and Gravatar when the operator enabled it.
func newAvatars(st *store.Store, gravatar, allowPrivate bool) *media.Avatars {
	a := &media.Avatars{Store: st, Fetcher: media.NewFetcher(media.FetcherOptions{AllowPrivate: allowPrivate})}
	if gravatar {
		a.Gravatar = media.GravatarURL
	}
	return a
}

// purgeExpired erases commenters' IPs once they are older than their
// site's retention period, at most the operator's (promise P5), sign-up addresses and contact messages
// older than theirs, and deletes expired sessions, account links,
// invitations, used SSO tokens and the uploaded images no comment took
// within store.UploadClaimWindow, now and then every hour.
func purgeExpired(ctx context.Context, a *app, retention, signupRetention, contactRetention time.Duration) {
	t := time.NewTicker(retentionInterval)
	defer t.Stop()
	for {
		logPurge(ctx, a.log, "IP addresses", "comments", func(ctx context.Context, now time.Time) (int64, error) {
			return a.store.PurgeSiteIPs(ctx, now, retention) // a site may keep them for less
		}, time.Now())
		logPurge(ctx, a.log, "expired sessions", "sessions", a.store.PurgeSessions, time.Now())
		logPurge(ctx, a.log, "expired account links", "tokens", a.store.PurgeAccountTokens, time.Now())
		logPurge(ctx, a.log, "used sso tokens", "", a.store.PurgeSSOTokens, time.Now())
		logPurge(ctx, a.log, "sign-up IP addresses", "accounts", a.store.PurgeSignupIPs, time.Now().Add(-signupRetention))
		logPurge(ctx, a.log, "expired invitations", "invitations", a.store.PurgeInvitations, time.Now())
		logPurge(ctx, a.log, "expired site invitations", "invitations", a.store.PurgeSiteInvitations, time.Now())
		logPurge(ctx, a.log, "contact messages", "messages", a.store.PurgeContactMessages, time.Now().Add(-contactRetention))
		logPurge(ctx, a.log, "unclaimed uploads", "images", a.store.PurgeUnclaimedUploads, time.Now().Add(-store.UploadClaimWindow))
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// sendUsageNotices queues the mails of owners who crossed 80% or 100% of a
// limit of their plan, now and then every notify.UsageCheckInterval.
func sendUsageNotices(ctx context.Context, a *app, from notify.Sender, wake func()) {
	t := time.NewTicker(notify.UsageCheckInterval)
	defer t.Stop()
	for {
		n, err := notify.SendUsageNotices(ctx, a.store, from, time.Now())
		if err != nil && ctx.Err() == nil {
			a.log.Error("send usage notices", "err", err)
		}
		if n > 0 {
			a.log.Info("queued usage notices", "mails", n)
			wake()
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// logPurge runs purge with cutoff and logs its failure (unless ctx has
// ended) or, when unit is set, how many rows of what it removed.
func logPurge(ctx context.Context, log *slog.Logger, what, unit string, purge func(context.Context, time.Time) (int64, error), cutoff time.Time) {
	n, err := purge(ctx, cutoff)
	if err != nil && ctx.Err() == nil {
		log.Error("purge "+what, "err", err)
	} else if n > 0 && unit != "" {
		log.Info("purged "+what, unit, n)
	}
}

// newCaptcha is the proof-of-work CAPTCHA, or nil when PARLEY_CAPTCHA is
// off. Its key comes from the instance secret, so every server of an
// instance verifies the challenges of the others; spent challenges are
// kept in the database for the same reason.
func newCaptcha(cfg *config.Config, a *app) (*captcha.Service, error) {
	if !cfg.Captcha {
		return nil, nil
	}
	return captcha.New(a.sealer.CaptchaKey(), cfg.CaptchaDifficulty, a.store, time.Now)
}
