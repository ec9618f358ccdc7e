// Package pgtest gives tests throwaway PostgreSQL databases.
//
// Each call to [URL] creates a brand-new, empty database and drops it when the
// test ends, so tests never see each other's rows and may run in parallel. The
// server is either the one named by PARLEY_TEST_DATABASE_URL or, when that is
// unset, a private cluster that the test process starts on first use from the
// installed PostgreSQL binaries (initdb, pg_ctl). That cluster listens on a Unix
// socket in its own temporary directory and on no TCP port, so any number of
// test processes can run side by side; [Main] stops it and removes its
// directory when the tests end.
//
// Fault tests that must stop the server get a cluster of their own from
// [Dedicated]; [Cluster.Freeze] stops every server process with SIGSTOP (as a
// hung host or a network partition would) and [Cluster.Thaw] continues them.
//
// When PostgreSQL is neither configured nor installed, [URL] skips the test
// with a message saying how to enable it; PARLEY_TEST_REQUIRE_PG=1 turns that
// skip into a failure, for CI.
//
// This package is for tests only. It must never be imported by production
// code, never touch a database it did not create, and never leave a cluster
// running after the test process ends.
package pgtest
