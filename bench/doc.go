// Package bench holds Parley's benchmark scenarios against a real server:
// DESIGN.md's performance budgets are measured here with go test -bench,
// never asserted by timed unit tests.
//
//	go test -run '^$' -bench . ./bench/
package bench
