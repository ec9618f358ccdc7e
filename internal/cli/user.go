package cli

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"golang.org/x/term"

	"github.com/parleyhq/parley/internal/auth"
	"github.com/parleyhq/parley/internal/comment"
	"github.com/parleyhq/parley/internal/model"
	"github.com/parleyhq/parley/internal/store"
)

const userUsage = `Usage:
  parley user add EMAIL [--name NAME] [--operator] [--verified]
  parley user list
  parley user remove EMAIL
  parley user password EMAIL
  parley user invite EMAIL

add and password read the password from the terminal (twice, without echo) or,
when stdin is not a terminal, from its first line. user add with an empty
password (or an empty stdin) creates an account without one: it can sign in
only once a password is set, or through a provider.

invite mails EMAIL a link to sign up on the dashboard (needed with
PARLEY_SIGNUP=invite): it works once, for 7 days. The mail is queued and sent
by the running server.
`

func runUser(ctx context.Context, e env, args []string) error {
	if asked, err := groupHelp(e, args, userUsage); asked {
		return err
	}
	switch args[0] {
	case "add":
		return userAdd(ctx, e, args[1:])
	case "list":
		return userList(ctx, e, args[1:])
	case "remove":
		return userRemove(ctx, e, args[1:])
	case "password":
		return userPassword(ctx, e, args[1:])
	case "invite":
		return userInvite(ctx, e, args[1:])
	}
	return fmt.Errorf("%w: unknown user command %q (add, list, remove, password, invite)", ErrUsage, args[0])
}

func userAdd(ctx context.Context, e env, args []string) error {
	var name string
	var operator, verified bool
	cfg, pos, err := loadConfig("user add", " EMAIL [flags]", e, args, func(fs *flag.FlagSet) {
		fs.StringVar(&name, "name", "", "the display name shown on the account's comments")
		fs.BoolVar(&operator, "operator", false, "the account runs this instance (all sites, all accounts)")
		fs.BoolVar(&verified, "verified", false, "mark the email address as confirmed (you vouch for it)")
	})
	if err != nil {
		return err
	}
	if len(pos) != 1 || !comment.ValidEmail(strings.TrimSpace(pos[0])) {
		return fmt.Errorf("%w: user add takes one EMAIL, such as ada@example.com", ErrUsage)
	}
	u := &model.User{Email: strings.TrimSpace(pos[0]), Role: model.RoleCommenter}
	if operator {
		u.Role = model.RoleOperator
	}
	if name != "" {
		if u.Name, _, err = comment.ValidateProfile(name, ""); err != nil {
			return fmt.Errorf("%w: --name: %v", ErrUsage, err)
		}
	}
	password, err := readPassword(e, true, u.Email, u.Name)
	if err != nil {
		return err
	}
	if password != "" {
		u.PasswordHash = auth.HashPassword(password)
	}
	a, err := openApp(ctx, cfg, e)
	if err != nil {
		return err
	}
	defer a.Close()
	if verified {
		now := time.Now().UTC()
		u.EmailVerifiedAt = &now
	}
	if err := a.store.CreateUser(ctx, u); errors.Is(err, store.ErrExists) {
		return fmt.Errorf("an account with the email address %s exists already (parley user list shows them)", u.Email)
	} else if err != nil {
		return err
	}
	what := "without a password"
	if password != "" {
		what = "with a password"
	}
	fmt.Fprintf(e.stdout, "added %s %s (%s)\n", u.Role, u.Email, what)
	return nil
}

// openWithArgs parses the flags of a command that takes exactly the
// positional arguments named, then opens the app.
func openWithArgs(ctx context.Context, e env, name string, args []string, names ...string) (*app, []string, error) {
	synopsis := ""
	if len(names) > 0 {
		synopsis = " " + strings.Join(names, " ")
	}
	cfg, pos, err := loadConfig(name, synopsis, e, args, nil)
	if err != nil {
		return nil, nil, err
	}
	if len(pos) != len(names) {
		if len(names) == 0 {
			return nil, nil, fmt.Errorf("%w: %s takes no arguments", ErrUsage, name)
		}
		return nil, nil, fmt.Errorf("%w: %s takes %s", ErrUsage, name, strings.Join(names, " "))
	}
	a, err := openApp(ctx, cfg, e)
	return a, pos, err
}

func userList(ctx context.Context, e env, args []string) error {
	a, _, err := openWithArgs(ctx, e, "user list", args)
	if err != nil {
		return err
	}
	defer a.Close()
	users, err := a.store.Users(ctx)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "EMAIL\tNAME\tROLE\tPASSWORD\tVERIFIED\tCREATED")
	for _, u := range users {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", u.Email, u.Name, u.Role, yesNo(u.PasswordHash != ""), yesNo(u.Verified()), u.CreatedAt.Format("2006-01-02"))
	}
	return tw.Flush()
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

func userRemove(ctx context.Context, e env, args []string) error {
	a, pos, err := openWithArgs(ctx, e, "user remove", args, "EMAIL")
	if err != nil {
		return err
	}
	defer a.Close()
	u, err := findUser(ctx, a, pos[0])
	if err != nil {
		return err
	}
	// The same erasure a person asks for with DELETE /api/v1/me, keeping
	// the comments: nothing personal of the account may stay behind (P7).
	if err := a.store.EraseAccount(ctx, u.ID, store.EraseAnonymize); err != nil {
		return err
	}
	a.store.NotifySiteChanged(ctx, store.SiteChange{SiteID: 0})
	fmt.Fprintf(e.stdout, "removed %s with its sessions and site roles; its comments stay, anonymous (no name, email, IP or browser)\n", u.Email)
	return nil
}

func userPassword(ctx context.Context, e env, args []string) error {
	a, pos, err := openWithArgs(ctx, e, "user password", args, "EMAIL")
	if err != nil {
		return err
	}
	defer a.Close()
	u, err := findUser(ctx, a, pos[0])
	if err != nil {
		return err
	}
	password, err := readPassword(e, false, u.Email, u.Name)
	if err != nil {
		return err
	}
	if err := a.store.SetPassword(ctx, u.ID, auth.HashPassword(password)); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "set the password of %s; its sessions have ended\n", u.Email)
	return nil
}

// findUser returns the account of email, or an error that says how to list them.
func findUser(ctx context.Context, a *app, email string) (*model.User, error) {
	u, err := a.store.UserByEmail(ctx, email)
	if errors.Is(err, store.ErrNotFound) {
		return nil, fmt.Errorf("no account has the email address %s (parley user list shows them)", strings.TrimSpace(email))
	}
	return u, err
}

// readPassword reads a new password: from the terminal without echo,
// asked twice, or else from the first line of stdin. With optional, an
// empty answer means no password; otherwise it is refused. A password is
// checked against the rules of auth.ValidatePassword, with the account's
// email and name as context words.
func readPassword(e env, optional bool, contextWords ...string) (string, error) {
	var password string
	if f, ok := e.stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		first, err := promptPassword(e, f, "New password: ")
		if err != nil {
			return "", err
		}
		if first != "" {
			again, err := promptPassword(e, f, "Again: ")
			if err != nil {
				return "", err
			}
			if again != first {
				return "", errors.New("the two passwords differ; nothing was changed")
			}
		}
		password = first
	} else if e.stdin != nil {
		line, err := bufio.NewReader(io.LimitReader(e.stdin, 4096)).ReadString('\n')
		if err != nil && err != io.EOF {
			return "", fmt.Errorf("read the password from stdin: %w", err)
		}
		password = strings.TrimRight(line, "\r\n")
	}
	if password == "" {
		if optional {
			return "", nil
		}
		return "", fmt.Errorf("%w: no password given (type it at the prompt, or pipe it on stdin)", ErrUsage)
	}
	if err := auth.ValidatePassword(password, contextWords...); err != nil {
		return "", fmt.Errorf("%w; nothing was changed", err)
	}
	return password, nil
}

func promptPassword(e env, f *os.File, prompt string) (string, error) {
	fmt.Fprint(e.stderr, prompt)
	b, err := term.ReadPassword(int(f.Fd()))
	fmt.Fprintln(e.stderr)
	if err != nil {
		return "", fmt.Errorf("read the password: %w", err)
	}
	return string(b), nil
}
