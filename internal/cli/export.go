package cli

import (
	"bufio"
	"compress/gzip"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/parleyhq/parley/internal/exporter"
	"github.com/parleyhq/parley/internal/store"
)

func runExport(ctx context.Context, e env, args []string) error {
	var site, format, out, baseURL string
	var withoutPII bool
	cfg, pos, err := loadConfig("export", " --site HOST [--format parley|wxr] [-o FILE]", e, args, func(fs *flag.FlagSet) {
		fs.StringVar(&site, "site", "", "host of the site to export (required)")
		fs.StringVar(&format, "format", "parley", "parley (Parley's JSON, imports back without loss) or wxr (WordPress)")
		fs.StringVar(&out, "o", "", "write to FILE instead of standard output; a name ending in .gz is gzipped")
		fs.BoolVar(&withoutPII, "without-personal-data", false, "leave out emails, IP addresses and user agents")
		fs.StringVar(&baseURL, "base-url", "", "address of the site's pages, for wxr links (default https://HOST)")
	})
	if err != nil {
		return err
	}
	if len(pos) != 0 {
		return fmt.Errorf("%w: export takes no arguments, only flags", ErrUsage)
	}
	if site == "" {
		return fmt.Errorf("%w: export needs --site HOST (parley site list shows the sites)", ErrUsage)
	}
	f, err := exporter.ParseFormat(format)
	if err != nil {
		return fmt.Errorf("%w: %v", ErrUsage, err)
	}
	a, err := openApp(ctx, cfg, e)
	if err != nil {
		return err
	}
	defer a.Close()
	s, err := a.store.SiteByHost(ctx, site)
	if errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("no site %s is registered (parley site list shows them)", site)
	}
	if err != nil {
		return err
	}
	opt := exporter.Options{Format: f, WithoutPersonalData: withoutPII, BaseURL: baseURL}
	ex := exporter.New(a.store)
	if out == "" || out == "-" {
		bw := bufio.NewWriter(e.stdout)
		st, err := ex.Write(ctx, bw, s, opt)
		if err == nil {
			err = bw.Flush()
		}
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stderr, "exported %d comments on %d pages of %s\n", st.Comments, st.Pages, s.Host)
		return nil
	}
	st, err := writeExportFile(out, func(w io.Writer) (exporter.Stats, error) { return ex.Write(ctx, w, s, opt) })
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stderr, "exported %d comments on %d pages of %s to %s\n", st.Comments, st.Pages, s.Host, out)
	if !withoutPII {
		fmt.Fprintf(e.stderr, "the file holds commenters' emails and IP addresses: keep it private\n")
	}
	return nil
}

// writeExportFile writes the file under a temporary name in the same
// directory and renames it when complete, so that an interrupted export
// never leaves a truncated file under the real name. The file is readable
// by its owner only: it holds personal data.
func writeExportFile(path string, write func(io.Writer) (exporter.Stats, error)) (exporter.Stats, error) {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return exporter.Stats{}, err
	}
	defer os.Remove(tmp.Name()) // fails harmlessly after the rename
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return exporter.Stats{}, err
	}
	bw := bufio.NewWriterSize(tmp, 64<<10)
	var w io.Writer = bw
	var zw *gzip.Writer
	if strings.HasSuffix(path, ".gz") {
		zw = gzip.NewWriter(bw)
		w = zw
	}
	st, err := write(w)
	if err == nil && zw != nil {
		err = zw.Close()
	}
	if err == nil {
		err = bw.Flush()
	}
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		return st, fmt.Errorf("export to %s: %w", path, err)
	}
	return st, nil
}
