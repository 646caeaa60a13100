#!/usr/bin/env bash
# Memory of a streaming run: VmRSS (resident now) and VmHWM (peak) of a
# surftrace uprobe run once it is armed and streaming, in MB. The compile
# phase (DWARF of the object, symbol tables) sets the peak; what stays
# resident while streaming for hours is what counts for many runs at once.
# Needs root, tracefs with uprobe_events and gcc; says so and skips without.
set -euo pipefail
cd "$(dirname "$0")/.."
T=/sys/kernel/tracing
if [ "$(id -u)" -ne 0 ] || [ ! -e "$T/uprobe_events" ] || ! command -v gcc >/dev/null; then
  echo "== skipped the streaming RSS figures: needs root, $T/uprobe_events and gcc"
  exit 0
fi
[ -x bin/surftrace ] || CGO_ENABLED=0 go build -trimpath -o bin/surftrace ./cmd/surftrace
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
gcc -g -O0 -o "$tmp/fixture" cmd/surftrace/testdata/fixture.c

# rss LABEL EXPR...: start a run, wait until its instance traces, run the
# fixture, read /proc/PID/status, stop it with SIGINT.
rss() {
  local label=$1 pid inst i rss hwm
  shift
  bin/surftrace -q -t 60s "$@" >/dev/null 2>&1 &
  pid=$!
  for i in $(seq 400); do
    inst=$(ls -d "$T/instances/surftrace_$pid" "$T/instances/surftrace_${pid}_"* 2>/dev/null | head -1 || true)
    if [ -n "$inst" ] && [ "$(cat "$inst/tracing_on" 2>/dev/null)" = 1 ]; then break; fi
    sleep 0.05
  done
  "$tmp/fixture" 1000 0 >/dev/null
  sleep 0.5
  rss=$(awk '/^VmRSS/ {print $2}' "/proc/$pid/status")
  hwm=$(awk '/^VmHWM/ {print $2}' "/proc/$pid/status")
  kill -INT "$pid"
  wait "$pid" || true
  printf '%s: streaming VmRSS %.1f MB, peak VmHWM %.1f MB\n' "$label" "$(echo "$rss/1024" | bc -l)" "$(echo "$hwm/1024" | bc -l)"
}

echo "== RSS of a streaming uprobe run, after arming"
rss "P fixture:func (its DWARF)" "P $tmp/fixture:func v=%0 name=%1->name msg=%1->msg"
rss "P libc:getpid + fixture (libc's debug file if installed)" "P libc:getpid" "P $tmp/fixture:func v=%0"
