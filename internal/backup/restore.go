package backup

import (
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/parleyhq/parley/internal/store"
)

// ErrWrongDatabase is returned when a backup is restored into the other
// kind of database: a SQLite snapshot restores into SQLite only, a
// PostgreSQL export into PostgreSQL only.
var ErrWrongDatabase = errors.New("backup: the backup is of another kind of database")

// Dialect returns the database a backup file was taken of, from its name.
func Dialect(file string) (string, error) {
	switch {
	case strings.HasSuffix(file, SQLiteSuffix):
		return "sqlite", nil
	case strings.HasSuffix(file, ExportSuffix):
		return "postgres", nil
	}
	return "", fmt.Errorf("backup: %s is not a Parley backup (*%s or *%s)", file, SQLiteSuffix, ExportSuffix)
}

// RestoreSQLite writes the snapshot in file as the SQLite database dbPath,
// which must not exist (the caller removed an empty one): it is written
// beside it under a temporary name, synced, then renamed into place.
func RestoreSQLite(file, dbPath string) error {
	if _, err := os.Stat(dbPath); !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("backup: restore: %s exists", dbPath)
	}
	in, err := openGzip(file)
	if err != nil {
		return err
	}
	defer in.Close()
	if err := os.MkdirAll(filepath.Dir(dbPath), 0o700); err != nil {
		return fmt.Errorf("backup: restore: %w", err)
	}
	err = writeAtomically(dbPath, ".restore-*", func(w io.Writer) error {
		if _, err := io.Copy(w, in); err != nil {
			return err
		}
		return in.Close() // checks the gzip stream's checksum
	})
	if err != nil {
		return fmt.Errorf("backup: restore %s: %w", file, err)
	}
	return nil
}

// RestorePostgres loads the export in file into st's empty PostgreSQL
// database (see store.RestoreTables).
func RestorePostgres(ctx context.Context, st *store.Store, file string) error {
	in, err := openGzip(file)
	if err != nil {
		return err
	}
	defer in.Close()
	return st.RestoreTables(ctx, in)
}

type gzipFile struct {
	*gzip.Reader
	f *os.File
}

func (g gzipFile) Close() error { return errors.Join(g.Reader.Close(), g.f.Close()) }

func openGzip(file string) (io.ReadCloser, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, fmt.Errorf("backup: %w", err)
	}
	zr, err := gzip.NewReader(f)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("backup: %s is not a gzip file: %w", file, err)
	}
	return gzipFile{zr, f}, nil
}

// Contents returns the uncompressed bytes of a backup file, its gzip
// checksum checked: what `grep` would search in it (the tests that prove a
// backup holds no plain-text personal data read it so).
func Contents(file string) ([]byte, error) {
	in, err := openGzip(file)
	if err != nil {
		return nil, err
	}
	b, err := io.ReadAll(in)
	if err = errors.Join(err, in.Close()); err != nil {
		return nil, fmt.Errorf("backup: read %s: %w", file, err)
	}
	return b, nil
}
