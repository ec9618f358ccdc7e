package backup

import (
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/parleyhq/parley/internal/store"
)

// File names: "parley-" + UTC time + the suffix of the database's format.
const (
	namePrefix   = "parley-"
	timeLayout   = "20060102T150405.000Z"
	SQLiteSuffix = ".sqlite.gz"
	ExportSuffix = ".pgexport.gz"
)

// Take writes a backup of st into dir (created 0700 if missing) and returns
// its path. The file (0600) appears complete or not at all: it is written
// under a temporary name, synced, then renamed.
func Take(ctx context.Context, st *store.Store, dir string, now time.Time) (string, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", fmt.Errorf("backup: %w", err)
	}
	suffix := ExportSuffix
	if st.Dialect() == "sqlite" {
		suffix = SQLiteSuffix
	}
	path := filepath.Join(dir, namePrefix+now.UTC().Format(timeLayout)+suffix)
	err := writeAtomically(path, ".partial-*", func(w io.Writer) error {
		zw := gzip.NewWriter(w)
		var err error
		if st.Dialect() == "sqlite" {
			err = snapshotSQLite(ctx, st, dir, zw)
		} else {
			err = st.ExportTables(ctx, zw)
		}
		if err != nil {
			return err
		}
		return zw.Close()
	})
	if err != nil {
		return "", fmt.Errorf("backup: %w", err)
	}
	return path, nil
}

// writeAtomically writes path through fill: into a temporary file (0600,
// named after pattern) beside it, synced, then renamed over path, so that
// path is complete or absent, never torn.
func writeAtomically(path, pattern string, fill func(io.Writer) error) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), pattern)
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	defer tmp.Close()
	if err = fill(tmp); err == nil {
		err = tmp.Sync()
	}
	if err == nil {
		err = tmp.Close()
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	return err
}

// snapshotSQLite copies an online snapshot of the database into w; the
// uncompressed snapshot lives in a private temporary directory of dir only
// while it is compressed.
func snapshotSQLite(ctx context.Context, st *store.Store, dir string, w io.Writer) error {
	tmpDir, err := os.MkdirTemp(dir, ".snapshot-*")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmpDir)
	snap := filepath.Join(tmpDir, store.SQLiteFile)
	if err := st.SnapshotSQLite(ctx, snap); err != nil {
		return err
	}
	f, err := os.Open(snap)
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = io.Copy(w, f)
	return err
}

// Backup is one backup file of a directory.
type Backup struct {
	Path  string
	Taken time.Time
}

// List returns the backups of dir, oldest first; files not named as
// backups are ignored. A missing directory has none.
func List(dir string) ([]Backup, error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("backup: %w", err)
	}
	var out []Backup
	for _, e := range entries {
		stamp, ok := strings.CutPrefix(e.Name(), namePrefix)
		if !ok {
			continue
		}
		stamp, ok = cutSuffix(stamp)
		if t, err := time.Parse(timeLayout, stamp); ok && err == nil {
			out = append(out, Backup{Path: filepath.Join(dir, e.Name()), Taken: t})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Taken.Before(out[j].Taken) })
	return out, nil
}

func cutSuffix(name string) (string, bool) {
	if s, ok := strings.CutSuffix(name, SQLiteSuffix); ok {
		return s, true
	}
	return strings.CutSuffix(name, ExportSuffix)
}

// leftoverAge is how old (by modification time) the temporary files of a
// backup interrupted by a crash must be before Prune deletes them: no
// backup in progress leaves its files untouched that long.
const leftoverAge = 24 * time.Hour

// Prune deletes the backups of dir taken before now - retention, and the
// temporary files of interrupted backups, and returns how many backups it
// deleted.
func Prune(dir string, retention time.Duration, now time.Time) (int, error) {
	all, err := List(dir)
	if err != nil {
		return 0, err
	}
	if err := removeLeftovers(dir, now); err != nil {
		return 0, err
	}
	n := 0
	for _, b := range all {
		if !b.Taken.Before(now.Add(-retention)) {
			continue
		}
		if err := os.Remove(b.Path); err != nil {
			return n, fmt.Errorf("backup: prune: %w", err)
		}
		n++
	}
	return n, nil
}

// removeLeftovers deletes the temporary files (.partial-*) and snapshot
// directories (.snapshot-*) that a crash during a backup left behind.
func removeLeftovers(dir string, now time.Time) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil // List reported a missing directory already
	}
	for _, e := range entries {
		if !strings.HasPrefix(e.Name(), ".partial-") && !strings.HasPrefix(e.Name(), ".snapshot-") {
			continue
		}
		info, err := e.Info()
		if err != nil || now.Sub(info.ModTime()) < leftoverAge {
			continue
		}
		if err := os.RemoveAll(filepath.Join(dir, e.Name())); err != nil {
			return fmt.Errorf("backup: remove leftover: %w", err)
		}
	}
	return nil
}
