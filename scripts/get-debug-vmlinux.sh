#!/usr/bin/env bash
# Fetches the bundled test kernel's debug vmlinux (Debian package
# linux-image-6.1.0-56-amd64-dbg, an 858 MB download) into the surftrace
# cache directory, outside the repository, for the DWARF benchmarks and
# the opt-in DWARF-vs-BTF test:
#   SURFTRACE_DEBUG_VMLINUX=$(scripts/get-debug-vmlinux.sh) go test ./internal/compile/ -run DWARF
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
printf 'deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian-security bookworm-security main\n' >"$W/C/sources.list"
O=(-o "Dir::Etc::SourceList=$W/C/sources.list" -o Dir::Etc::SourceParts=/dev/null -o "Dir::State::Lists=$W/C/lists" -o "Dir::Cache=$W/C/cache")
apt-get "${O[@]}" update >&2
(cd "$W" && apt-get "${O[@]}" download "linux-image-$REL-dbg" >&2)
dpkg-deb --fsys-tarfile "$W"/linux-image-"$REL"-dbg_*.deb | tar -x -C "$W" "./usr/lib/debug/boot/vmlinux-$REL"
mv "$W/usr/lib/debug/boot/vmlinux-$REL" "$OUT.tmp" && mv "$OUT.tmp" "$OUT"
echo "$OUT"
