#!/usr/bin/env bash
# Render throughput (called by make bench through scripts/bench.sh):
#  1. the Go benchmarks of internal/render (lines/s, allocs per line)
#  2. the whole `surftrace render CORPUS` process against `cat CORPUS` on a
#     generated corpus of $LINES realistic trace_pipe lines (default
#     1,000,000), $ROUNDS interleaved rounds (default 11), medians.
#
# The ratio to cat is taken with the output written to a file and with
# the output piped into `cat >/dev/null`, as a user reads it. Output to
# /dev/null alone is shown but not used: writing there costs nothing, so
# cat's time is only its reads and the ratio overstates what a user sees.
set -euo pipefail
cd "$(dirname "$0")/.."
LINES=${LINES:-1000000}
ROUNDS=${ROUNDS:-11}
CGO_ENABLED=0 go build -trimpath -o bin/surftrace ./cmd/surftrace

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
corpus=$tmp/corpus.trace
SURFTRACE_RENDER_CORPUS=$corpus SURFTRACE_RENDER_LINES=$LINES \
  go test -count=1 -run '^TestWriteCorpus$' ./internal/render/ >/dev/null
echo "== corpus: $(wc -l <"$corpus") lines, $(( $(stat -c %s "$corpus") / 1048576 )) MiB"

if [ -z "${SKIP_GO_BENCH:-}" ]; then
  echo "== go benchmarks (one op = one line for BenchmarkRender, the whole corpus for BenchmarkCopyCorpus)"
  go test -run '^$' -bench . -benchmem ./internal/render/ | grep -E '^Benchmark'
fi

# The measured commands, by name. The corpus's lost-event reports go to
# standard error, which is not part of the figure.
run() {
  case $1 in
  render-file) bin/surftrace render "$corpus" >"$tmp/out" 2>/dev/null ;;
  cat-file) cat "$corpus" >"$tmp/out" ;;
  render-pipe) bin/surftrace render "$corpus" 2>/dev/null | cat >/dev/null ;;
  cat-pipe) cat "$corpus" | cat >/dev/null ;;
  json-file) bin/surftrace render --json "$corpus" >"$tmp/out" 2>/dev/null ;;
  render-null) bin/surftrace render "$corpus" >/dev/null 2>/dev/null ;;
  cat-null) cat "$corpus" >/dev/null ;;
  esac
}
cmds=(render-file cat-file render-pipe cat-pipe json-file render-null cat-null)

# Warm the page cache and the binary so every run reads from memory.
cat "$corpus" >/dev/null
run render-null
# One round runs every command once, so a burst of load on this machine
# hits all of them alike; each figure is the median over the rounds. The
# CPU time (user + system, of every process of the command) is shown too:
# on a shared machine it varies less than the wall time.
TIMEFORMAT='%R %U %S'
for r in $(seq "$ROUNDS"); do
  for c in "${cmds[@]}"; do
    { time run "$c"; } 2>>"$tmp/$c.t"
  done
done
med() { awk -v f="$2" '{print $1 * (f == 1) + ($2 + $3) * (f == 2)}' "$tmp/$1.t" | sort -g | awk '{v[NR]=$1} END {print v[int((NR+1)/2)] * 1000}'; }
for c in "${cmds[@]}"; do echo "$c $(med "$c" 1) $(med "$c" 2)"; done | awk -v n="$LINES" -v rounds="$ROUNDS" '
  { wall[$1] = $2; cpu[$1] = $3 }
  function row(label, c) { printf "%-34s %8.1f ms %8.1f ms\n", label, wall[c], cpu[c] }
  function ratio(label, a, b) { printf "== %-40s wall %4.1f   cpu %4.1f\n", label, wall[a] / wall[b], cpu[a] / cpu[b] }
  END {
    printf "== whole process, median of %d interleaved rounds       wall          cpu\n", rounds
    row("surftrace render > file", "render-file")
    row("cat > file", "cat-file")
    row("surftrace render | cat >/dev/null", "render-pipe")
    row("cat | cat >/dev/null", "cat-pipe")
    row("surftrace render --json > file", "json-file")
    row("surftrace render > /dev/null", "render-null")
    row("cat > /dev/null (no ratio)", "cat-null")
    printf "== render: %.2f M lines/s (output to a file, wall)\n", n / wall["render-file"] / 1000
    ratio("render / cat, output to a file:", "render-file", "cat-file")
    ratio("render / cat, output to a pipe:", "render-pipe", "cat-pipe")
    ratio("render --json / cat, output to a file:", "json-file", "cat-file")
  }'
