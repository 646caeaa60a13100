#!/usr/bin/env bash
# make bench: the figures the issues ask for.
#  1. compile time of the article's 5 network expressions, BTF loaded (Go benchmark)
#  2. the whole `surftrace -S` process on this host: wall time and max RSS, median of 10
#  3. render throughput and `surftrace render` vs `cat` (scripts/bench-render.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
CGO_ENABLED=0 go build -trimpath -o bin/surftrace ./cmd/surftrace

echo "== compile benchmark (BTF already loaded)"
go test -run '^$' -bench 'BenchmarkCompile' -benchmem ./internal/compile/ | grep -E '^Benchmark|ns/op' || true

EXPRS=(
  'p ip_output proto=@(struct iphdr*)l3%2->protocol ip_dst=@(struct iphdr*)l3%2->daddr b16_dest=@(struct udphdr*)l3%2->dest comm=$comm body=@(struct udphdr*)l3%2->Sdata[0] f:proto==17&&ip_dst==10.0.1.221&&b16_dest==9988'
  'p __netif_receive_skb_one_core proto=@(struct iphdr *)l3%0->protocol ip_src=@(struct iphdr *)%0->saddr ip_dst=@(struct iphdr *)l3%0->daddr data=X@(struct iphdr *)l3%0->sdata[1] f:proto==1&&ip_src==127.0.0.1'
  'p __dev_queue_xmit proto=@(struct iphdr *)l2%0->protocol ip_dst=@(struct iphdr *)l2%0->daddr f:proto==1'
  'p tcp_rcv_established aseq=@(struct tcphdr*)l4%1->ack_seq b32_seq=@(struct tcphdr*)l4%1->seq'
  'p ip_local_deliver ihl=@(struct iphdr *)l3%0->ihl ver=@(struct iphdr *)l3%0->version'
)
if [ -r /sys/kernel/btf/vmlinux ] && [ -x /usr/bin/time ]; then
  echo "== surftrace -S, 5 network expressions, /sys/kernel/btf/vmlinux (10 runs, median)"
  bin/surftrace -S "${EXPRS[@]}" >/dev/null
  for i in $(seq 10); do
    /usr/bin/time -f '%e %M' bin/surftrace -S "${EXPRS[@]}" 2>&1 >/dev/null | tail -1
  done | sort -n | awk '{w[NR]=$1; r[NR]=$2} END {
      n=asort(r, rs); printf "wall median %.0f ms (min %.0f, max %.0f); max RSS median %.1f MB\n", w[int((NR+1)/2)]*1000, w[1]*1000, w[NR]*1000, rs[int((n+1)/2)]/1024 }'
  echo "== for scale: cat /sys/kernel/btf/vmlinux, and /bin/true"
  for c in "cat /sys/kernel/btf/vmlinux" "true"; do
    for i in $(seq 10); do /usr/bin/time -f '%e' $c 2>&1 >/dev/null | tail -1; done | sort -n | awk -v c="$c" '{w[NR]=$1} END {printf "%s: median %.0f ms\n", c, w[int((NR+1)/2)]*1000}'
  done
else
  echo "== skipped the -S process figures: no /sys/kernel/btf/vmlinux or /usr/bin/time (apt-get install time)"
fi

if [ -x scripts/bench-render.sh ]; then
  bash scripts/bench-render.sh
fi
