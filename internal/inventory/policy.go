package inventory

import (
	"fmt"
	"io"
	"strings"
	"time"
)

// Instance is what a privacy policy must say about one Parley server: its
// settings (from `parley config`), so that the template states this
// server's periods and processors, not the defaults.
type Instance struct {
	PublicURL string
	// Periods are the retention settings by name (see Periods).
	Periods map[string]time.Duration
	// BackupInterval is PARLEY_BACKUP_INTERVAL (0: no scheduled backups).
	BackupInterval time.Duration
	// Akismet is whether the operator set PARLEY_AKISMET_KEY; a site's
	// owner may set a key of their own either way.
	Akismet  bool
	Gravatar bool     // PARLEY_GRAVATAR
	SMTP     bool     // PARLEY_SMTP_URL is set: mail leaves through it
	Logins   []string // the OAuth2/OpenID Connect providers' names
}

// WritePolicy writes a privacy policy template in Markdown for the
// instance: what is stored, why, who sees it and how long (from Tables,
// with the instance's periods), who else receives data, backups and the
// person's rights. Parts only the operator knows are [IN BRACKETS].
func WritePolicy(w io.Writer, in Instance) {
	periods := map[string]string{}
	for name, d := range in.Periods {
		periods[name] = Days(d)
	}
	p := func(format string, args ...any) { fmt.Fprintf(w, format+"\n", args...) }
	p("# Privacy policy: comments on [SITE OR SERVICE NAME]")
	p("")
	p("<!-- A template written by `parley privacy-policy` from Parley's data inventory and this server's")
	p("settings. Fill in every [BRACKETED] part, remove what does not apply, and have it checked against")
	p("the law that applies to you. It covers the comments served by Parley only. -->")
	p("")
	p("## Who is responsible")
	p("")
	p("[NAME, POSTAL ADDRESS AND EMAIL OF THE OPERATOR; A DATA PROTECTION OFFICER IF YOU HAVE ONE]. The comments are")
	p("served by our own installation of Parley at %s.", in.PublicURL)
	p("")
	p("## What we store, why, who sees it and for how long")
	p("")
	p("Fields marked *encrypted* are stored encrypted (AES-256-GCM); the key is kept apart from the database.")
	p("Besides these, we keep keyed hashes (one-way fingerprints) of your email address and of banned")
	p("networks, so that your data can be found for export and erasure and bans can work without")
	p("keeping the address itself.")
	for _, t := range Tables {
		writeTablePolicy(w, t, periods)
	}
	p("")
	p("## What we do not collect")
	p("")
	p("- No tracking and no advertising. Page views are counted per page and per day, with the number of")
	p("  views made while signed in, never who viewed.")
	p("- Votes are stored as keyed hashes of a network and a browser, linked to no one.")
	p("- Nothing is stored in your browser before you sign in; after, only your session.")
	p("- Pictures shown next to comments are fetched and served by our server: your browser contacts no")
	p("  other host to show the comments.")
	p("")
	p("## Who else receives data")
	p("")
	p("- [YOUR HOSTING PROVIDER], which runs our server.")
	switch {
	case in.Akismet:
		p("- **Akismet** (Automattic Inc.), to detect spam: for every new comment, its text, the name, email and")
		p("  website given, the IP address and browser name of the writer, and the page. [LEGAL BASIS; TRANSFER")
		p("  OUTSIDE YOUR COUNTRY, IF ANY].")
	default:
		p("- **Akismet** (Automattic Inc.), only on the sites whose owner set an Akismet key: for every new comment")
		p("  there, its text, the name, email and website given, the IP address and browser name of the writer,")
		p("  and the page. [REMOVE IF NO SITE USES AKISMET].")
	}
	if len(in.Logins) > 0 {
		p("- The sign-in services you choose to sign in with (%s): they tell us your name, email address,", strings.Join(in.Logins, ", "))
		p("  picture and profile address, and learn that you signed in here.")
	}
	if in.Gravatar {
		p("- **Gravatar** (Automattic Inc.): for an account without a picture, our server asks Gravatar for the")
		p("  picture of a hash of the account's email address.")
	}
	if in.SMTP {
		p("- [YOUR MAIL PROVIDER], through which the mails you ask for are sent (confirmations, links, replies).")
	}
	p("- A site's owner and moderators see, on their sites only, what the lists above say.")
	p("")
	p("## Backups")
	p("")
	if in.BackupInterval > 0 {
		every := "every " + Days(in.BackupInterval)
		if in.BackupInterval == 24*time.Hour {
			every = "every day"
		}
		p("We back the database up %s and delete each backup after %s; what you erase is gone from our",
			every, Days(in.Periods["PARLEY_BACKUP_RETENTION"]))
		p("backups by then. Encrypted fields stay encrypted in them.")
	} else {
		p("Backups taken by our server are deleted after %s; what you erase is gone from them by then. [SAY HOW",
			Days(in.Periods["PARLEY_BACKUP_RETENTION"]))
		p("YOU BACK UP THE DATABASE, AND FOR HOW LONG YOU KEEP THOSE COPIES].")
	}
	p("")
	p("## Your rights")
	p("")
	p("You can download everything we hold about you, and erase it, yourself:")
	p("")
	p("- with an account: from your profile (export, or erase your account, deleting your comments or")
	p("  keeping them without your name);")
	p("- as a guest: at %s/privacy, with the email address you wrote with; we mail you a link.", in.PublicURL)
	p("")
	p("The owner of a site can also export or erase what you wrote on their sites. You may also write to")
	p("[CONTACT EMAIL], and [YOUR SUPERVISORY AUTHORITY] if you think we handle your data wrongly.")
	p("[LEGAL BASIS OF EACH PROCESSING, IF YOUR LAW REQUIRES IT].")
}

// writeTablePolicy writes one table's exported columns as a list under
// what a row is and how long it is kept; hashes and secrets are left to
// the paragraph above the tables.
func writeTablePolicy(w io.Writer, t Table, periods map[string]string) {
	var lines []string
	for _, c := range t.Columns {
		if c.Class != Exported {
			continue
		}
		line := fmt.Sprintf("- %s: seen by %s", c.Why, strings.ReplaceAll(c.Seen, Person, "you"))
		if c.Sealed() {
			line += "; *encrypted*"
		}
		if c.Kept != "" {
			line += "; kept " + Expand(c.Kept, periods)
		}
		lines = append(lines, line)
	}
	if len(lines) == 0 {
		return
	}
	fmt.Fprintf(w, "\n### %s%s\n\nKept %s.\n\n%s\n", strings.ToUpper(t.Holds[:1]), t.Holds[1:], Expand(t.Kept, periods), strings.Join(lines, "\n"))
}
