// Package skb follows packets through the kernel's network stack with
// kprobe events alone, no eBPF (`surftrace skb`, after cilium/pwru): a
// probe on every traceable function taking a struct sk_buff *, one line
// per function a matching packet passes, with its skb address, the
// packet's addresses and ports at that point, and where and why it was
// dropped.
//
// # Candidates
//
// The functions of available_filter_functions whose BTF prototype has a
// struct sk_buff * parameter (the same selection as `surftrace list
// --skb`), by name only: compiler clones (name.isra.0) have no prototype
// saying where the skb is. Each is compiled as an ordinary surftrace
// expression, so the kprobe blacklist, notrace functions and the
// argument registers of the architecture are handled as for any probe.
// About 1,500 on a Debian 6.1 kernel.
//
// # Where the headers are
//
// A fetch-arg cannot add two fetched values, so skb->head +
// skb->network_header cannot be dereferenced in the kernel, and where
// skb->data points differs between functions (the link header on
// receive before eth_type_trans, the network header in ip_rcv, the
// transport header in udp_rcv). Each probe therefore fetches head, data,
// network_header, len, protocol, mark and dev->ifindex, plus a window of
// 128 bytes starting 64 bytes before skb->data (`-64(+OFF(%di)):x64[16]`:
// kprobe arrays hold at most 64 elements, u64 words give the widest
// window). The network header is at head+network_header-(data-64) in the
// window: whether data points at the link, network or transport header,
// that is inside it for Ethernet (plus one VLAN tag), IPv4 with options
// and IPv6 with the ports behind it. Where the network header is not set
// yet (a socket's transmit path before IP) or the bytes there do not
// match skb->protocol, the packet is shown without a tuple rather than
// guessed.
//
// # Filtering and tracking
//
// The filter (ip_src, ip_dst, ip6_src, ip6_dst, b16_sport, b16_dport,
// proto, dev, mark, len) is evaluated in user space on every event: the
// addresses and ports lie at an offset from data that changes from
// function to function, which a kernel filter, comparing fields at fixed
// offsets, cannot follow. Once a packet matches, its skb address is
// followed through functions where its headers are unknown, until a
// function that frees it (kfree_skb_reason, consume_skb, kfree_skbmem…);
// pwru calls this --filter-track-skb and has it off by default.
// A clone or copy (skb_clone, skb_copy, pskb_copy: what a tap, a bridge
// flood or a forwarding path makes) is another sk_buff at another
// address, and its address is not linked to the original's: it is not
// followed as the same packet. It carries the same headers, so a filter
// on addresses, ports or protocol matches it on its own, and it shows up
// as a second path with its own skb address.
//
// Every probe event crosses trace_pipe, so the event rate is the number
// of probed functions a packet passes times the packet rate: 20 to 45
// events per UDP datagram or ping on loopback or a dummy device on the
// 6.1 test kernel (e2e scenario 12), each about 300 bytes of text. A UDP
// flood on loopback in the test VM (TCG emulation on a loaded 2-core
// host) put 8,437 events in 10 s through 109 probes (--funcs ip_* *udp*
// kfree_skb*) and 5,782 through all 1,494 (the probes slow the sender
// more than they add events), none lost with the 8 MB per-CPU buffer
// (--buffer); user space parses, filters and prints about 145,000
// events/s (BenchmarkPrinter), far above what the kernel produced. So
// the window design, one fetch per probe and all filtering in user
// space, loses nothing at these rates; --kernel-filter moves the dev,
// mark and len terms into the kernel for hosts where it would. The
// kernel's overrun count is reported at the end, never lost silently.
//
// # Drop reasons
//
// A function with an enum skb_drop_reason parameter (kfree_skb_reason and
// kfree_skb_list_reason on 5.17+, sk_skb_reason_drop on 6.11+) also
// fetches it, shown by enumerator name without the SKB_DROP_REASON_
// prefix, as the kernel's skb:kfree_skb tracepoint prints it
// (reason=NO_SOCKET). On kernels without reasons (5.10) the path ends at
// kfree_skb, the function that freed the packet.
//
// # Attaching
//
// All definitions go to kprobe_events in a few writes of many lines
// (ftrace.Session.AddBatch) and are enabled with one write to the
// group's enable file; Close removes them in batches too, through the
// session's undo writer, so a signal at any point leaves nothing. What
// remains is the kernel's own per-probe work, measured in the test VM
// (TCG emulation, host load ~10 on 2 cores, so slow and noisy): 1,085
// probes registered in 3.4 s (~320/s) and armed in 9.6 s, 83/s in all;
// disarmed in 14.6 s and removed in 70 s, 13/s in all, because the kernel
// removes a kprobe event with one RCU grace period each and cannot batch
// it from tracefs (all 1,494 probes of the kernel with its modules: 71 s
// to attach, 3 min 19 s to detach in the same VM). pwru publishes ~300
// attaches/s and 21-35 detaches/s on hardware, where a grace period is
// far shorter than under emulation; the stderr summary prints the
// figures of every run, and --funcs keeps the set, and the wait, small.
package skb
