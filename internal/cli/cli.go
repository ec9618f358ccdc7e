package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strings"
)

// Version is the release version, set at build time with
// -ldflags "-X github.com/parleyhq/parley/internal/cli.Version=v1.2.3".
var Version = "dev"

// ErrUsage marks a command-line mistake; main exits with status 2 for it.
var ErrUsage = errors.New("usage error")

// env is what every command gets from Run.
type env struct {
	getenv func(string) string
	stdin  io.Reader // where passwords are read from
	stdout io.Writer
	stderr io.Writer
}

type command struct {
	name    string
	summary string
	run     func(ctx context.Context, e env, args []string) error
}

func commands() []command {
	return []command{
		{"serve", "run the comment server (migrates the database first)", runServe},
		{"migrate", "apply database migrations and exit", runMigrate},
		{"site", "manage sites: site add HOST [--origin URL]… [--owner EMAIL] [--login METHODS], site set HOST --login METHODS, site list, site remove HOST, site member add|remove|list", runSite},
		{"user", "manage accounts: user add EMAIL [--name N] [--operator], user list, user remove EMAIL, user password EMAIL", runUser},
		{"plan", "usage limits of owner accounts: plan list, plan add NAME [--sites N] [--views N] [--comments N] [--upload-bytes N], plan set EMAIL PLAN|default, plan default PLAN|unlimited", runPlan},
		{"import", "import comments: import [FORMAT] FILE --site HOST (Disqus, WordPress, Commento, Comentario, Remark42, Isso, Parley)", runImport},
		{"export", "export a site's comments: export --site HOST [--format parley|wxr] [-o FILE]", runExport},
		{"mail", "check mail delivery: mail test ADDRESS queues a test mail", runMail},
		{"backup", "back up the database now into PARLEY_BACKUP_DIR (serve also does it every PARLEY_BACKUP_INTERVAL)", runBackup},
		{"restore", "restore FILE: load a backup into an empty database", runRestore},
		{"keys", "rotate the keys that seal personal data: keys rotate", runKeys},
		{"config", "print the effective configuration, secrets masked", runConfig},
		{"privacy-policy", "print a privacy policy template (Markdown) with this server's settings filled in", runPrivacyPolicy},
		{"version", "print the version (also: parley --version, parley -v)", runVersion},
	}
}

// CommandNames returns the name of every command Run knows, help included, in the order
// parley help lists them. It is the one list the README's command table is checked against.
func CommandNames() []string {
	var names []string
	for _, c := range commands() {
		names = append(names, c.name)
	}
	return append(names, "help")
}

// Run runs the parley command line: args excludes the program name. Commands
// that ask for a password read it from os.Stdin.
func Run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	return RunWithInput(ctx, args, getenv, os.Stdin, stdout, stderr)
}

// RunWithInput is Run reading passwords from stdin: the terminal without
// echo when stdin is one, else its first line.
func RunWithInput(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	e := env{getenv: getenv, stdin: stdin, stdout: stdout, stderr: stderr}
	if len(args) == 0 {
		usage(stderr)
		return ErrUsage
	}
	name := args[0]
	switch name {
	case "help", "-h", "--help", "-help":
		if len(args) > 1 {
			return RunWithInput(ctx, []string{args[1], "-h"}, getenv, stdin, stdout, stderr)
		}
		usage(stdout)
		return nil
	case "--version", "-version", "-v":
		name = "version" // what users of other tools type first
	}
	for _, c := range commands() {
		if c.name == name {
			err := c.run(ctx, e, args[1:])
			if errors.Is(err, flag.ErrHelp) {
				return nil
			}
			return err
		}
	}
	fmt.Fprintf(stderr, "parley: unknown command %q\n\n", name)
	usage(stderr)
	return ErrUsage
}

func usage(w io.Writer) {
	fmt.Fprintf(w, "Parley %s: a self-hosted, privacy-first comment engine.\n\nUsage: parley COMMAND [flags]\n\nCommands:\n", version())
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-9s %s\n", c.name, c.summary)
	}
	fmt.Fprintf(w, "  %-9s %s\n", "help", "help CMD shows the flags of one command")
	fmt.Fprint(w, "\nEvery flag also has a PARLEY_* environment variable; see parley help serve.\n")
}

func runVersion(_ context.Context, e env, args []string) error {
	fs := newFlagSet("version", "", e)
	if err := fs.Parse(args); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "parley %s\n", version())
	return nil
}

func version() string {
	if Version != "dev" {
		return Version
	}
	if info, ok := debug.ReadBuildInfo(); ok && info.Main.Version != "" && info.Main.Version != "(devel)" {
		return info.Main.Version
	}
	return Version
}

// newFlagSet returns a FlagSet that reports errors instead of exiting.
func newFlagSet(name, synopsis string, e env) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() {
		fmt.Fprintf(e.stderr, "Usage: parley %s%s\n\nFlags:\n", name, synopsis)
		fs.PrintDefaults()
	}
	return fs
}

// parseInterleaved parses flags that may come before, between or after
// positional arguments (parley site add HOST --origin URL) and returns the
// positional ones.
func parseInterleaved(fs *flag.FlagSet, args []string) ([]string, error) {
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, err
			}
			return nil, fmt.Errorf("%w: %v", ErrUsage, err)
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return positional, nil
		}
		if rest[0] == "--" {
			return append(positional, rest[1:]...), nil
		}
		positional = append(positional, rest[0])
		args = rest[1:]
	}
}

// multiFlag collects a repeatable string flag.
type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, ",") }
func (m *multiFlag) Set(v string) error { *m = append(*m, v); return nil }

// groupHelp handles the help of a command made of subcommands (site, user,
// mail): when args name no subcommand or ask for help (-h, --help, help), it
// prints usage to stderr and reports true, with ErrUsage when args were
// empty.
func groupHelp(e env, args []string, usage string) (bool, error) {
	if len(args) > 0 && args[0] != "-h" && args[0] != "--help" && args[0] != "help" {
		return false, nil
	}
	fmt.Fprint(e.stderr, usage)
	if len(args) == 0 {
		return true, ErrUsage
	}
	return true, nil
}
