#!/usr/bin/env bash
# Fetches the bundled test kernel's debug vmlinux (Debian package
# linux-image-6.1.0-56-amd64-dbg, an 858 MB download) into the surftrace
# cache directory, outside the repository, with the debug .ko of the
# modules the tests use (sch_htb, veth, dummy) in modules-dbg-RELEASE/
# beside it, for the DWARF benchmarks and the opt-in DWARF-vs-BTF tests:
#   export SURFTRACE_DEBUG_VMLINUX=$(scripts/get-debug-vmlinux.sh)
#   export SURFTRACE_DEBUG_MODULES=$(dirname "$SURFTRACE_DEBUG_VMLINUX")/modules-dbg-6.1.0-56-amd64
#   go test ./internal/compile/ ./cmd/surftrace/ -run DWARF
# Prints the vmlinux's path. Uses a private apt state, touching nothing of
# the system's.
set -euo pipefail
REL=6.1.0-56-amd64
DEST=${XDG_CACHE_HOME:-$HOME/.cache}/surftrace
OUT=$DEST/vmlinux-$REL
if [ -s "$OUT" ]; then echo "$OUT"; exit 0; fi
mkdir -p "$DEST"
W=$(mktemp -d "$DEST/apt.XXXXXX")
trap 'rm -rf "$W"' EXIT
mkdir -p "$W"/C/{lists/partial,cache/archives/partial}
# The security archive as this system's apt sources name it (a local
# mirror too), as the kernel fetcher of the VM suite finds it.
SEC=${SURFTRACE_DEBIAN_SECURITY:-$(
  {
    awk '$1 == "deb" && /-security/ { for (i = 2; i <= NF; i++) if ($i ~ /^[a-z]+:\/\//) { print $i; exit } }' \
      /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null
    awk 'BEGIN { RS = "" } /Suites:[^\n]*-security/ && /Types:[^\n]*deb/ {
      if (match($0, /URIs:[ \t]*[^ \t\n]+/)) { u = substr($0, RSTART, RLENGTH); sub(/URIs:[ \t]*/, "", u); print u; exit } }' \
      /etc/apt/sources.list.d/*.sources 2>/dev/null
  } | head -1
)}
if [ -z "$SEC" ]; then
  echo "no Debian security archive in the apt sources: set SURFTRACE_DEBIAN_SECURITY to its URI" >&2
  exit 1
fi
printf 'deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] %s bookworm-security main\n' "$SEC" >"$W/C/sources.list"
O=(-o "Dir::Etc::SourceList=$W/C/sources.list" -o Dir::Etc::SourceParts=/dev/null -o "Dir::State::Lists=$W/C/lists" -o "Dir::Cache=$W/C/cache")
apt-get "${O[@]}" update >&2
(cd "$W" && apt-get "${O[@]}" download "linux-image-$REL-dbg" >&2)
M=./usr/lib/debug/lib/modules/$REL/kernel
dpkg-deb --fsys-tarfile "$W"/linux-image-"$REL"-dbg_*.deb | tar -x -C "$W" "./usr/lib/debug/boot/vmlinux-$REL" \
  "$M/net/sched/sch_htb.ko" "$M/drivers/net/veth.ko" "$M/drivers/net/dummy.ko"
mkdir -p "$DEST/modules-dbg-$REL"
mv "$W/$M/net/sched/sch_htb.ko" "$W/$M/drivers/net/veth.ko" "$W/$M/drivers/net/dummy.ko" "$DEST/modules-dbg-$REL/"
mv "$W/usr/lib/debug/boot/vmlinux-$REL" "$OUT.tmp" && mv "$OUT.tmp" "$OUT"
echo "$OUT"
