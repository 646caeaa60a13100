#!/usr/bin/env bash
# Render throughput (called by make bench through scripts/bench.sh):
#  1. the Go benchmarks of internal/render (lines/s, allocs per line)
#  2. `surftrace render CORPUS` against `cat CORPUS` on a generated corpus
#     of $LINES realistic trace_pipe lines (default 1,000,000)
set -euo pipefail
cd "$(dirname "$0")/.."
LINES=${LINES:-1000000}
CGO_ENABLED=0 go build -o bin/surftrace ./cmd/surftrace

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
corpus=$tmp/corpus.trace
SURFTRACE_RENDER_CORPUS=$corpus SURFTRACE_RENDER_LINES=$LINES \
  go test -count=1 -run '^TestWriteCorpus$' ./internal/render/ >/dev/null
echo "== corpus: $(wc -l <"$corpus") lines, $(( $(stat -c %s "$corpus") / 1048576 )) MiB"

echo "== go benchmarks (one op = one line for BenchmarkRender, the whole corpus for BenchmarkCopyCorpus)"
go test -run '^$' -bench . -benchmem ./internal/render/ | grep -E '^Benchmark'

# Warm the page cache so both commands read from memory.
cat "$corpus" >/dev/null
now() { date +%s.%N; }
t0=$(now); bin/surftrace render "$corpus" >/dev/null 2>&1; t1=$(now)
cat "$corpus" >/dev/null; t2=$(now)
bin/surftrace render --json "$corpus" >/dev/null 2>&1; t3=$(now)
awk -v t0="$t0" -v t1="$t1" -v t2="$t2" -v t3="$t3" -v n="$LINES" 'BEGIN {
  r = t1 - t0; c = t2 - t1; j = t3 - t2
  printf "== surftrace render:        %.3f s (%.2f M lines/s)\n", r, n / r / 1e6
  printf "== surftrace render --json: %.3f s (%.2f M lines/s)\n", j, n / j / 1e6
  printf "== cat:                     %.3f s\n", c
  printf "== render / cat: %.1f\n", r / c
}'
