package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"strconv"
	"text/tabwriter"

	"github.com/parleyhq/parley/internal/store"
)

const planUsage = `Usage:
  parley plan list
  parley plan add NAME [--sites N] [--views N] [--comments N] [--upload-bytes N]
  parley plan set EMAIL PLAN|default
  parley plan default PLAN|unlimited

A plan holds owner accounts to limits: sites, page views and comments per
calendar month (UTC), upload storage. A limit not given is unlimited. An
account without a plan of its own has the default plan; without a default
plan it is unlimited (the self-hosting default). The dashboard's operator
area does the same (see docs/operator.md).
`

func runPlan(ctx context.Context, e env, args []string) error {
	if asked, err := groupHelp(e, args, planUsage); asked {
		return err
	}
	switch args[0] {
	case "list":
		return planList(ctx, e, args[1:])
	case "add":
		return planAdd(ctx, e, args[1:])
	case "set":
		return planSet(ctx, e, args[1:])
	case "default":
		return planDefault(ctx, e, args[1:])
	}
	return fmt.Errorf("%w: unknown plan command %q (list, add, set, default)", ErrUsage, args[0])
}

func planList(ctx context.Context, e env, args []string) error {
	a, _, err := openWithArgs(ctx, e, "plan list", args)
	if err != nil {
		return err
	}
	defer a.Close()
	plans, err := a.store.Plans(ctx)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tSITES\tVIEWS/MONTH\tCOMMENTS/MONTH\tUPLOAD BYTES\tACCOUNTS\tDEFAULT")
	for _, p := range plans {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%d\t%s\n", p.Name, limitWord(p.MaxSites), limitWord(p.MaxViews), limitWord(p.MaxComments),
			limitWord(p.MaxUploadBytes), p.Accounts, yesNo(p.Default))
	}
	return tw.Flush()
}

func limitWord(v int64) string {
	if v < 0 {
		return "unlimited"
	}
	return strconv.FormatInt(v, 10)
}

func planAdd(ctx context.Context, e env, args []string) error {
	p := store.Plan{MaxSites: store.Unlimited, MaxViews: store.Unlimited, MaxComments: store.Unlimited, MaxUploadBytes: store.Unlimited}
	cfg, pos, err := loadConfig("plan add", " NAME [flags]", e, args, func(fs *flag.FlagSet) {
		fs.Int64Var(&p.MaxSites, "sites", store.Unlimited, "sites an account may own (-1: unlimited)")
		fs.Int64Var(&p.MaxViews, "views", store.Unlimited, "page views a month (-1: unlimited)")
		fs.Int64Var(&p.MaxComments, "comments", store.Unlimited, "comments a month (-1: unlimited)")
		fs.Int64Var(&p.MaxUploadBytes, "upload-bytes", store.Unlimited, "upload storage in bytes (-1: unlimited)")
	})
	if err != nil {
		return err
	}
	if len(pos) != 1 || pos[0] == "" || len(pos[0]) > store.MaxPlanNameLen {
		return fmt.Errorf("%w: plan add takes one NAME of at most %d bytes", ErrUsage, store.MaxPlanNameLen)
	}
	p.Name = pos[0]
	for _, v := range []int64{p.MaxSites, p.MaxViews, p.MaxComments, p.MaxUploadBytes} {
		if v < store.Unlimited {
			return fmt.Errorf("%w: a limit is 0 or more, or -1 for unlimited", ErrUsage)
		}
	}
	a, err := openApp(ctx, cfg, e)
	if err != nil {
		return err
	}
	defer a.Close()
	if err := a.store.CreatePlan(ctx, &p); errors.Is(err, store.ErrExists) {
		return fmt.Errorf("a plan named %s exists already", p.Name)
	} else if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "added plan %s\n", p.Name)
	return nil
}

// planNamed finds a plan by name.
func planNamed(ctx context.Context, st *store.Store, name string) (int64, error) {
	plans, err := st.Plans(ctx)
	if err != nil {
		return 0, err
	}
	for _, p := range plans {
		if p.Name == name {
			return p.ID, nil
		}
	}
	return 0, fmt.Errorf("no plan is named %s (parley plan list)", name)
}

func planSet(ctx context.Context, e env, args []string) error {
	a, pos, err := openWithArgs(ctx, e, "plan set", args, "EMAIL", "PLAN|default")
	if err != nil {
		return err
	}
	defer a.Close()
	u, err := a.store.UserByEmail(ctx, pos[0])
	if errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("no account has the email %s", pos[0])
	} else if err != nil {
		return err
	}
	var id int64
	if pos[1] != "default" {
		if id, err = planNamed(ctx, a.store, pos[1]); err != nil {
			return err
		}
	}
	if err := a.store.SetUserPlan(ctx, u.ID, id); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "%s has the plan %s\n", pos[0], pos[1])
	return nil
}

func planDefault(ctx context.Context, e env, args []string) error {
	a, pos, err := openWithArgs(ctx, e, "plan default", args, "PLAN|unlimited")
	if err != nil {
		return err
	}
	defer a.Close()
	var id int64
	if pos[0] != store.UnlimitedPlanName {
		if id, err = planNamed(ctx, a.store, pos[0]); err != nil {
			return err
		}
	}
	if err := a.store.SetDefaultPlan(ctx, id); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "the default plan is %s\n", pos[0])
	return nil
}
