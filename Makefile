# Parley's everyday commands. The README names the same ones.
GO ?= go
STATICCHECK = honnef.co/go/tools/cmd/staticcheck@v0.8.2

.PHONY: build run test test-pg lint fmt bench bench-go e2e

build:
	CGO_ENABLED=0 $(GO) build -trimpath -o bin/parley ./cmd/parley

run:
	$(GO) run ./cmd/parley serve

# Everything: unit, store conformance (SQLite and PostgreSQL when its binaries
# are installed), API scenarios, and the browser tests when Chromium is there.
test:
	$(GO) test -count=1 ./...

# The same, but PostgreSQL is required instead of skipped.
test-pg:
	PARLEY_TEST_REQUIRE_PG=1 $(GO) test -count=1 ./...

lint:
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || (gofmt -l $$(git ls-files '*.go'); echo "gofmt: files above need formatting"; exit 1)
	$(GO) vet ./...
	$(GO) run $(STATICCHECK) ./...

fmt:
	gofmt -w $$(git ls-files '*.go')

# The load benchmarks (bench/suite_test.go): a throwaway Parley on SQLite (and
# PostgreSQL when installed), every scenario beside a plain file handler
# serving the same bytes, written to docs/benchmarks.md. A few minutes;
# PARLEY_BENCH_DURATION (3s a run), PARLEY_BENCH_NOTE and the others there.
bench:
	PARLEY_BENCH_OUT=$(CURDIR)/docs/benchmarks.md $(GO) test -run '^$$' -bench '^BenchmarkSuite$$' -benchtime 1x -timeout 60m ./bench/

# The go test benchmarks of every package (ns/op, allocations), without the suite.
bench-go:
	$(GO) test -run '^$$' -bench . -skip '^BenchmarkSuite$$' -benchmem ./...

e2e:
	cd e2e && npm ci --no-audit --no-fund --loglevel=error
	PARLEY_E2E_REQUIRED=1 $(GO) test -count=1 ./e2e/...
