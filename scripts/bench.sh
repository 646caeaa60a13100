#!/usr/bin/env bash
# make bench: the figures the issues ask for.
#  1. compile time of the article's 5 network expressions, BTF loaded (Go benchmark)
#  2. the whole `surftrace -S` process on this host: wall time and max RSS, median of 10
#  3. render throughput and `surftrace render` vs `cat` (scripts/bench-render.sh)
#  4. RSS of a streaming uprobe run after arming (scripts/bench-rss.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
CGO_ENABLED=0 go build -trimpath -o bin/surftrace ./cmd/surftrace

# The test kernel's debug vmlinux, when fetched (scripts/get-debug-vmlinux.sh):
# the DWARF benchmarks run on it.
DBG=${SURFTRACE_DEBUG_VMLINUX:-${XDG_CACHE_HOME:-$HOME/.cache}/surftrace/vmlinux-6.1.0-56-amd64}
if [ -r "$DBG" ]; then export SURFTRACE_DEBUG_VMLINUX=$DBG; fi

echo "== compile benchmark (BTF already loaded; DWARF opened each time, cold and cached)"
go test -run '^$' -bench 'BenchmarkCompile' -benchmem ./internal/compile/ | grep -E '^Benchmark|ns/op' || true

EXPRS=(
  'p ip_output proto=@(struct iphdr*)l3%2->protocol ip_dst=@(struct iphdr*)l3%2->daddr b16_dest=@(struct udphdr*)l3%2->dest comm=$comm body=@(struct udphdr*)l3%2->Sdata[0] f:proto==17&&ip_dst==10.0.1.221&&b16_dest==9988'
  'p __netif_receive_skb_one_core proto=@(struct iphdr *)l3%0->protocol ip_src=@(struct iphdr *)%0->saddr ip_dst=@(struct iphdr *)l3%0->daddr data=X@(struct iphdr *)l3%0->sdata[1] f:proto==1&&ip_src==127.0.0.1'
  'p __dev_queue_xmit proto=@(struct iphdr *)l2%0->protocol ip_dst=@(struct iphdr *)l2%0->daddr f:proto==1'
  'p tcp_rcv_established aseq=@(struct tcphdr*)l4%1->ack_seq b32_seq=@(struct tcphdr*)l4%1->seq'
  'p ip_local_deliver ihl=@(struct iphdr *)l3%0->ihl ver=@(struct iphdr *)l3%0->version'
)
# wall_ms CMD...: one run's wall time in milliseconds (date's ns clock;
# /usr/bin/time only has 10 ms steps).
wall_ms() { local t0 t1; t0=$(date +%s%N); "$@" >/dev/null 2>&1; t1=$(date +%s%N); echo $(( (t1 - t0) / 1000 )); }
median() { sort -n | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }

if [ -r /sys/kernel/btf/vmlinux ] && [ -x /usr/bin/time ]; then
  echo "== surftrace -S, the article's 5 network expressions, /sys/kernel/btf/vmlinux (median of 10)"
  bin/surftrace -S "${EXPRS[@]}" >/dev/null
  us=$(for i in $(seq 10); do wall_ms bin/surftrace -S "${EXPRS[@]}"; done | median)
  kb=$(for i in $(seq 10); do /usr/bin/time -f '%M' bin/surftrace -S "${EXPRS[@]}" 2>&1 >/dev/null | tail -1; done | median)
  printf 'surftrace -S: wall %.1f ms, max RSS %.1f MB\n' "$(echo "$us/1000" | bc -l)" "$(echo "$kb/1024" | bc -l)"
  for c in "cat /sys/kernel/btf/vmlinux" "true"; do
    us=$(for i in $(seq 10); do wall_ms $c; done | median)
    printf 'for scale, %s: wall %.1f ms\n' "$c" "$(echo "$us/1000" | bc -l)"
  done
else
  echo "== skipped the -S process figures: no /sys/kernel/btf/vmlinux or /usr/bin/time"
fi

# DWARF: the article's expressions with -S -v on the test kernel's debug
# vmlinux, without the type cache (cold) and with it (cached), each as a
# ratio to pahole -F dwarf -C sk_buff on the same file in the same run.
if [ -r "$DBG" ] && [ -x /usr/bin/time ] && command -v pahole >/dev/null; then
  echo "== surftrace -S -v $DBG, the article's 5 expressions (median of 10)"
  cache=$(mktemp -d)
  dwarf() { SURFTRACE_CACHE=$1 bin/surftrace -S -a x86_64 -v "$DBG" "${EXPRS[@]}"; }
  cold() { local c; c=$(mktemp -d); dwarf "$c"; rm -rf "$c"; }
  cached() { dwarf "$cache"; }
  pah() { pahole -F dwarf -C sk_buff "$DBG"; }
  cached >/dev/null
  p_us=$(for i in $(seq 10); do wall_ms pah; done | median)
  p_kb=$(for i in $(seq 10); do /usr/bin/time -f '%M' pahole -F dwarf -C sk_buff "$DBG" 2>&1 >/dev/null | tail -1; done | median)
  printf 'pahole -F dwarf -C sk_buff: wall %.1f ms, max RSS %.1f MB\n' "$(echo "$p_us/1000" | bc -l)" "$(echo "$p_kb/1024" | bc -l)"
  for mode in cold cached; do
    us=$(for i in $(seq 10); do wall_ms $mode; done | median)
    kb=$(for i in $(seq 10); do
      c=$cache
      if [ $mode = cold ]; then c=$(mktemp -d); fi
      SURFTRACE_CACHE=$c /usr/bin/time -f '%M' bin/surftrace -S -a x86_64 -v "$DBG" "${EXPRS[@]}" 2>&1 >/dev/null | tail -1
      if [ $mode = cold ]; then rm -rf "$c"; fi
    done | median)
    printf 'surftrace -S -v, %s: wall %.1f ms (%.1fx pahole), max RSS %.1f MB (%.1fx pahole)\n' "$mode" \
      "$(echo "$us/1000" | bc -l)" "$(echo "$us/($p_us+1)" | bc -l)" "$(echo "$kb/1024" | bc -l)" "$(echo "$kb/$p_kb" | bc -l)"
  done
  rm -rf "$cache"
else
  echo "== skipped -S -v: no debug vmlinux at $DBG (fetch it with scripts/get-debug-vmlinux.sh,"
  echo "   858 MB, or set SURFTRACE_DEBUG_VMLINUX), or no pahole (scripts/deps.sh)"
fi

if [ -x scripts/bench-render.sh ]; then
  bash scripts/bench-render.sh
fi

if [ -x scripts/bench-rss.sh ]; then
  bash scripts/bench-rss.sh
fi
