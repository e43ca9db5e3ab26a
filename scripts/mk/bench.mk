# Benchmarks (issue 10): our plugins timed against what an administrator
# runs today, on sample servers of configurable size. See test/bench/README.md.
#
#   make bench        the full sizes (1,000,000 message files, a 2 GB log,
#                     1 GB of telemetry): several minutes and ~5 GB of disk
#   make bench-quick  small sizes, for working on the harness
#   make bench-go     the Go benchmarks of the hot paths (go test -bench)
#
# Results: build/bench/results.md. Sizes, rounds and sections are
# environment variables documented at the top of test/bench/bench.sh, e.g.
#   make bench BENCH_ONLY=dblogs,cores BENCH_MSG_FILES=200000

BENCH_OUT ?= $(BUILD)/bench

.PHONY: bench bench-quick bench-go bench-deps bench-build

# bench-deps adds hyperfine and time to the test packages (root only).
bench-deps:
	@EXTRA_DEBS="hyperfine time" scripts/deps.sh

# bench-build builds every plugin that compiles: a comparison whose plugin
# is missing is reported as skipped rather than stopping the benchmark.
bench-build:
	@mkdir -p $(BIN)
	@for p in $(PLUGINS); do \
		$(NOCGO) $(GO) build -trimpath -ldflags "$(LDFLAGS)" -o $(BIN)/$$p ./plugins/$$p 2>/dev/null \
			|| { echo "bench: $$p does not build; its comparisons are skipped"; rm -f $(BIN)/$$p; }; \
	done

bench: bench-deps bench-build
	@BENCH_MODE=full GO="$(GO)" BIN="$(BIN)" BENCH_OUT="$(BENCH_OUT)" test/bench/bench.sh

bench-quick: bench-deps bench-build
	@BENCH_MODE=quick GO="$(GO)" BIN="$(BIN)" BENCH_OUT="$(BENCH_OUT)" test/bench/bench.sh

bench-go:
	@mkdir -p $(BENCH_OUT)
	$(GO) test -run='^$$' -bench=. -benchmem ./... | tee $(BENCH_OUT)/go-bench.txt
