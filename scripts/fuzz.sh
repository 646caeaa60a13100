#!/usr/bin/env bash
# make fuzz: run every fuzz target for DURATION (default 30s; "1000000x"
# counts executions instead), one after the other.
#   scripts/fuzz.sh [DURATION]
# A target fails when it finds an input that breaks it: Go writes that
# input to the package's testdata/fuzz/TARGET/, where it then stays as a
# regression seed (commit it with the fix).
#
# Go 1.26's fuzz coordinator can end a duration-limited run with a bare
# "context deadline exceeded" and no input written (golang/go#75804, fixed
# in Go 1.27), mostly on a loaded machine. That is reported as a flake,
# not a failure: only a written reproducer fails the run.
set -uo pipefail
cd "$(dirname "$0")/.."
DURATION=${1:-30s}

targets=(
  "FuzzParse ./internal/expr/"
  "FuzzCompile ./internal/compile/"
)
targets+=(
  "FuzzRender ./internal/render/"
  "FuzzParseLine ./internal/graph/"
  "FuzzBuilder ./internal/graph/"
  "FuzzArgs ./cmd/surftrace/"
  "FuzzBTF ./internal/btfdwarf/"
  "FuzzDWARF ./internal/btfdwarf/"
  "FuzzDWARFTables ./internal/btfdwarf/"
  "FuzzParseLDCache ./internal/uobj/"
  "FuzzOpenObject ./internal/uobj/"
  "FuzzFindNote ./internal/uobj/"
  "FuzzParseFormat ./internal/ftrace/"
  "FuzzParseErrorLog ./internal/ftrace/"
  "FuzzReadLost ./internal/ftrace/"
  "FuzzProbeName ./internal/ftrace/"
  "FuzzParse ./internal/ksyms/"
  "FuzzLoadBlacklist ./internal/ksyms/"
  "FuzzReadLists ./internal/discover/"
  "FuzzDecode ./internal/disasm/"
  "FuzzPlainText ./internal/render/"
  "FuzzReadDefs ./internal/render/"
  "FuzzParseFeatures ./internal/ftrace/"
  "FuzzExpand ./internal/wildcard/"
  "FuzzParseFilter ./internal/skb/"
  "FuzzParseEvent ./internal/skb/"
)

failed=0
for t in "${targets[@]}"; do
  read -r name pkg <<<"$t"
  corpus="$pkg/testdata/fuzz/$name"
  before=$(ls "$corpus" 2>/dev/null | sort)
  echo "== $name ($pkg) for $DURATION"
  log=$(mktemp)
  go test -run '^$' -fuzz "^${name}\$" -fuzztime "$DURATION" "$pkg" 2>&1 | tee "$log" | grep -v '^fuzz: elapsed' 
  rc=${PIPESTATUS[0]}
  grep '^fuzz: elapsed' "$log" | tail -1
  after=$(ls "$corpus" 2>/dev/null | sort)
  if [ "$rc" -ne 0 ]; then
    if [ "$before" = "$after" ] && grep -q 'context deadline exceeded' "$log"; then
      echo "$name: flake at the end of -fuzztime without a failing input (golang/go#75804); not a failure" >&2
    else
      echo "$name: FAILED; the failing input is in $corpus:" >&2
      comm -13 <(echo "$before") <(echo "$after") >&2
      failed=1
    fi
  fi
  rm -f "$log"
done
exit $failed
