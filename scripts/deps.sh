#!/usr/bin/env bash
# Installs what the build and the tests need on a fresh machine of this
# kind (Debian, root). Quiet and quick when everything is already there.
set -euo pipefail
need=()
command -v qemu-system-x86_64 >/dev/null || need+=(qemu-system-x86)
command -v qemu-system-aarch64 >/dev/null || need+=(qemu-system-arm)
command -v zstd >/dev/null || need+=(zstd)
[ -r /usr/share/keyrings/debian-archive-keyring.gpg ] || need+=(debian-archive-keyring)
[ -x /bin/busybox ] && file -L /bin/busybox 2>/dev/null | grep -q static || dpkg -s busybox-static >/dev/null 2>&1 || need+=(busybox-static)
command -v cpio >/dev/null || need+=(cpio)
command -v pahole >/dev/null || need+=(dwarves)
command -v gcc >/dev/null || need+=(gcc libc6-dev)
command -v objdump >/dev/null || need+=(binutils)
command -v xz >/dev/null || need+=(xz-utils)
command -v tc >/dev/null || need+=(iproute2)
dpkg -s netcat-openbsd >/dev/null 2>&1 || need+=(netcat-openbsd)
command -v file >/dev/null || need+=(file)
[ -x /usr/bin/time ] || need+=(time)
command -v bc >/dev/null || need+=(bc)
command -v strace >/dev/null || need+=(strace)
command -v dash >/dev/null || need+=(dash)
command -v zsh >/dev/null || need+=(zsh)
command -v fish >/dev/null || need+=(fish)
command -v chromium >/dev/null || need+=(chromium)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "deps: missing ${need[*]}; run as root or install them" >&2
    exit 1
  fi
  echo "deps: installing ${need[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
# tracefs: the host tests trace for real.
if [ "$(id -u)" -eq 0 ] && [ ! -e /sys/kernel/tracing/trace_pipe ]; then
  mount -t tracefs nodev /sys/kernel/tracing 2>/dev/null || true
fi
go mod download
