package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Import job states. A job is running until it is done (also a dry run),
// failed (refused or stopped with an error) or interrupted (its server
// stopped, or stopped answering, while it ran).
const (
	ImportRunning     = "running"
	ImportDone        = "done"
	ImportFailed      = "failed"
	ImportInterrupted = "interrupted"
)

// ImportStaleAfter is how long a running job may go without an update
// before it counts as interrupted: its server updates it every second
// while it runs (ImportHeartbeat), so a job this quiet lost its server.
const ImportStaleAfter = time.Minute

// ImportHeartbeat is how often a running import saves its progress.
const ImportHeartbeat = time.Second

// ErrImportRunning is returned by CreateImportJob when the site already has
// a running import.
var ErrImportRunning = errors.New("store: an import is already running for this site")

// ImportJob is an import started from the dashboard. Report is the
// importer's report as JSON once the job has ended ("" before).
type ImportJob struct {
	ID         int64
	SiteID     int64
	Status     string
	Format     string // as asked: "" for detection, until the report says
	DryRun     bool
	Bytes      int64
	TotalBytes int64
	Read       int
	Added      int
	Present    int
	Skipped    int
	Report     string
	Error      string
	CreatedAt  time.Time
	UpdatedAt  time.Time
	FinishedAt *time.Time
}

// ImportProgress is a running job's counters.
type ImportProgress struct {
	Bytes, TotalBytes           int64
	Read, Added, Present, Skips int
}

const importJobColumns = `id, site_id, status, format, dry_run, bytes, total_bytes, read_count, added, present, skipped,
	report, error, created_at, updated_at, finished_at`

// CreateImportJob records a running import of job.SiteID and sets job.ID.
// A running job of the site that has not been updated for ImportStaleAfter
// is marked interrupted first; one that is alive makes it fail with
// ErrImportRunning.
func (s *Store) CreateImportJob(ctx context.Context, job *ImportJob, now time.Time) error {
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, s.q(`UPDATE import_jobs SET status = ?, finished_at = ? WHERE site_id = ? AND status = ? AND updated_at < ?`),
			ImportInterrupted, millis(now), job.SiteID, ImportRunning, millis(now.Add(-ImportStaleAfter))); err != nil {
			return err
		}
		return tx.QueryRowContext(ctx, s.q(`INSERT INTO import_jobs (site_id, status, format, dry_run, total_bytes, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING id`),
			job.SiteID, ImportRunning, job.Format, job.DryRun, job.TotalBytes, millis(now), millis(now)).Scan(&job.ID)
	})
	if errors.Is(err, sql.ErrNoRows) {
		return ErrImportRunning
	}
	if err != nil {
		return fmt.Errorf("store: create import job: %w", err)
	}
	job.Status, job.CreatedAt, job.UpdatedAt = ImportRunning, now, now
	return nil
}

// UpdateImportProgress saves a running job's counters; it also tells other
// servers that the job is alive. A job that has ended is left alone.
func (s *Store) UpdateImportProgress(ctx context.Context, id int64, p ImportProgress, now time.Time) error {
	_, err := s.write.ExecContext(ctx, s.q(`UPDATE import_jobs SET bytes = ?, total_bytes = ?, read_count = ?, added = ?, present = ?,
		skipped = ?, updated_at = ? WHERE id = ? AND status = ?`),
		p.Bytes, p.TotalBytes, p.Read, p.Added, p.Present, p.Skips, millis(now), id, ImportRunning)
	if err != nil {
		return fmt.Errorf("store: update import progress: %w", err)
	}
	return nil
}

// FinishImportJob ends a running job with status, its final counters, the
// report (JSON) and the error, if any.
func (s *Store) FinishImportJob(ctx context.Context, id int64, status string, p ImportProgress, report, errText string, now time.Time) error {
	_, err := s.write.ExecContext(ctx, s.q(`UPDATE import_jobs SET status = ?, bytes = ?, total_bytes = ?, read_count = ?, added = ?,
		present = ?, skipped = ?, report = ?, error = ?, updated_at = ?, finished_at = ? WHERE id = ? AND status = ?`),
		status, p.Bytes, p.TotalBytes, p.Read, p.Added, p.Present, p.Skips, report, errText, millis(now), millis(now), id, ImportRunning)
	if err != nil {
		return fmt.Errorf("store: finish import job: %w", err)
	}
	return nil
}

// ImportJob returns the job id of siteID, or ErrNotFound (also when the job
// belongs to another site). A running job not updated for ImportStaleAfter
// before now is returned as interrupted.
func (s *Store) ImportJob(ctx context.Context, siteID, id int64, now time.Time) (*ImportJob, error) {
	row := s.read.QueryRowContext(ctx, s.q("SELECT "+importJobColumns+" FROM import_jobs WHERE id = ? AND site_id = ?"), id, siteID)
	job, err := scanImportJob(row, now)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("store: import job: %w", err)
	}
	return job, nil
}

// ImportJobs returns the most recent jobs of siteID, newest first, at most
// limit, with stale running jobs as interrupted (see ImportJob).
func (s *Store) ImportJobs(ctx context.Context, siteID int64, limit int, now time.Time) ([]*ImportJob, error) {
	rows, err := s.read.QueryContext(ctx, s.q("SELECT "+importJobColumns+" FROM import_jobs WHERE site_id = ? ORDER BY id DESC LIMIT ?"), siteID, limit)
	if err != nil {
		return nil, fmt.Errorf("store: import jobs: %w", err)
	}
	defer rows.Close()
	var out []*ImportJob
	for rows.Next() {
		job, err := scanImportJob(rows, now)
		if err != nil {
			return nil, fmt.Errorf("store: import jobs: %w", err)
		}
		out = append(out, job)
	}
	return out, rows.Err()
}

func scanImportJob(row rowScanner, now time.Time) (*ImportJob, error) {
	var j ImportJob
	var created, updated int64
	var finished sql.NullInt64
	if err := row.Scan(&j.ID, &j.SiteID, &j.Status, &j.Format, &j.DryRun, &j.Bytes, &j.TotalBytes, &j.Read, &j.Added,
		&j.Present, &j.Skipped, &j.Report, &j.Error, &created, &updated, &finished); err != nil {
		return nil, err
	}
	j.CreatedAt, j.UpdatedAt, j.FinishedAt = fromMillis(created), fromMillis(updated), nullMillis(finished)
	if j.Status == ImportRunning && j.UpdatedAt.Before(now.Add(-ImportStaleAfter)) {
		j.Status = ImportInterrupted
	}
	return &j, nil
}
