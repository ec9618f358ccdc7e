// Package bench holds Parley's benchmark scenarios against a real server:
// DESIGN.md's performance budgets are measured here, never asserted by timed
// unit tests.
//
// BenchmarkSuite (make bench) runs every load scenario of issue 13 against
// parley serve processes with the load generator of bench/load, beside a
// plain file handler serving the same bytes, and writes docs/benchmarks.md.
// The other benchmarks are ordinary go test benchmarks (make bench-go):
//
//	go test -run '^$' -bench . -skip '^BenchmarkSuite$' ./bench/
package bench
