package render

import (
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"testing"

	"github.com/surftrace/surftrace/internal/probe"
	"github.com/surftrace/surftrace/internal/vocab"
)

// The benchmark corpus: realistic trace_pipe output of the probes below,
// generated deterministically (a fixed PCG seed).

// corpusDefs are the compiled probes whose output genCorpus imitates.
func corpusDefs() []*probe.Def {
	a := func(name, typ string) probe.Arg {
		return probe.Arg{Name: name, Type: typ, Display: vocab.DisplayForName(name)}
	}
	return []*probe.Def{
		{Kind: probe.Kprobe, Name: "f0", Target: "ip_output", Args: []probe.Arg{a("proto", "u8"), a("ip_dst", "u32"), a("b16_dest", "u16"), a("comm", "string"), a("body", "string")}},
		{Kind: probe.Kretprobe, Name: "r1", Target: "tcp_sendmsg", Args: []probe.Arg{a("ret", "s32"), a("arg1", "x64")}},
		{Kind: probe.Uprobe, Name: "p2", Target: "/usr/bin/t:0x1139", Args: []probe.Arg{a("v", "s32"), a("name", "string"), a("s", "string")}},
		{Kind: probe.Uretprobe, Name: "r3", Target: "/usr/bin/t:0x1139", Args: []probe.Arg{a("ret", "u64")}},
		{Kind: probe.Kprobe, Name: "f4", Target: "__dev_queue_xmit", Args: []probe.Arg{a("mac_src", "x8[6]"), a("ip6_a", "x8[16]"), a("B32_mark", "x32"), a("len", "u32")}},
		{Kind: probe.Kprobe, Name: "f5", Target: "tcp_set_state", Args: []probe.Arg{a("state", "s32"), a("b64_seq", "u64"), a("ip_saddr", "u32"), a("ip_daddr", "u32"), a("bits", "b4@0/8")}},
		{Kind: probe.Event, Name: "sched_process_exec", Target: "sched/sched_process_exec"},
	}
}

// corpusSchema is the schema a live run of corpusDefs would use.
func corpusSchema() *Schema {
	s := SchemaFromDefs(corpusDefs())
	s.AddEvent("sched_process_exec", []string{"common_type", "common_flags", "common_preempt_count", "common_pid", "filename", "pid", "old_pid"})
	s.AddEvent("sched_switch", []string{"prev_comm", "prev_pid", "prev_prio", "prev_state", "next_comm", "next_pid", "next_prio"})
	return s
}

var (
	corpusComms  = []string{"nc", "<...>", "bash", "kworker/u8:2", "my prog-with dashes", "systemd-journal", "sshd", "<idle>", "curl", "t"}
	corpusFlags  = []string{"....", "d..1.", "..s1.", "dN.2.", ".....", "d.s3.", "DBZff"}
	corpusBodies = []string{"Hello World\\!  @", "GET / HTTP/1.1", "a b c", "", "ping", "x", "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3"}
	corpusNames  = []string{"a b", "libc.so.6", "/etc/passwd", "", "tab\there", "ünïcödé"}
	corpusFrames = []string{"ip_output", "__ip_queue_xmit+0x17d/0x410", "__tcp_transmit_skb+0x5a8/0xc00", "tcp_write_xmit+0x3a1/0x1360", "__tcp_push_pending_frames+0x32/0xf0", "tcp_sendmsg_locked+0xa2c/0xd30", "tcp_sendmsg+0x28/0x40", "sock_sendmsg+0x8f/0xa0", "__sys_sendto+0x10b/0x180", "do_syscall_64+0x5b/0xc0", "entry_SYSCALL_64_after_hwframe+0x64/0xce"}
)

// genCorpus returns n lines of trace_pipe text. mixed adds stack blocks
// after some events and lost-event lines; without it every line is an event.
func genCorpus(n int, mixed bool) []byte {
	rng := rand.New(rand.NewPCG(1, 2))
	out := make([]byte, 0, n*160)
	ts := uint64(12648619_000000)
	for lines := 0; lines < n; {
		ts += uint64(rng.IntN(500))
		cpu := rng.IntN(8)
		if mixed && rng.IntN(2000) == 0 {
			out = fmt.Appendf(out, "CPU:%d [LOST %d EVENTS]\n", cpu, 1+rng.IntN(5000))
			lines++
			continue
		}
		comm := corpusComms[rng.IntN(len(corpusComms))]
		pid := 1 + rng.IntN(4000000)
		hdr := func(out []byte) []byte {
			out = fmt.Appendf(out, "%16s-%-7d [%03d] %s %5d.%06d: ", comm, pid, cpu, corpusFlags[rng.IntN(len(corpusFlags))], ts/1000000, ts%1000000)
			return out
		}
		out = hdr(out)
		out = genEvent(out, rng)
		out = append(out, '\n')
		lines++
		if mixed && rng.IntN(10) == 0 && lines < n {
			out = hdr(out)
			out = append(out, "<stack trace>\n"...)
			lines++
			for k := 3 + rng.IntN(8); k > 0 && lines < n; k-- {
				out = append(out, " => "...)
				out = append(out, corpusFrames[rng.IntN(len(corpusFrames))]...)
				out = append(out, '\n')
				lines++
			}
		}
	}
	return out
}

func genEvent(out []byte, rng *rand.Rand) []byte {
	u32 := func() uint64 { return uint64(rng.Uint32()) }
	switch k := rng.IntN(100); {
	case k < 30:
		out = fmt.Appendf(out, `f0: (ip_output+0x0/0xd0) proto=%d ip_dst=%d b16_dest=%d comm="%s" body="%s"`,
			[]int{6, 17, 1}[rng.IntN(3)], u32(), rng.IntN(65536), corpusComms[rng.IntN(len(corpusComms))], corpusBodies[rng.IntN(len(corpusBodies))])
	case k < 45:
		out = fmt.Appendf(out, `r1: (__sys_sendto+0x10b/0x180 <- tcp_sendmsg) ret=%d arg1=0x%x`, rng.IntN(3000)-100, 0xffff888000000000|rng.Uint64()>>24)
	case k < 55:
		s := `"` + corpusNames[rng.IntN(len(corpusNames))] + `"`
		if rng.IntN(4) == 0 {
			s = faultText
		}
		out = fmt.Appendf(out, `p2: (0x55d0c0a011a9) v=%d name="%s" s=%s`, rng.IntN(200)-100, corpusNames[rng.IntN(len(corpusNames))], s)
	case k < 62:
		out = fmt.Appendf(out, `r3: (0x55d0c0a01200 <- 0x55d0c0a011a9) ret=%d`, rng.Uint64())
	case k < 72:
		out = append(out, `f4: (__dev_queue_xmit+0x0/0x10) mac_src={`...)
		for i := range 6 {
			if i > 0 {
				out = append(out, ',')
			}
			out = append(out, "0x"...)
			out = strconv.AppendUint(out, uint64(rng.IntN(256)), 16)
		}
		out = append(out, "} ip6_a={"...)
		for i := range 16 {
			if i > 0 {
				out = append(out, ',')
			}
			v := 0
			if i < 4 || i > 13 || rng.IntN(3) == 0 {
				v = rng.IntN(256)
			}
			out = append(out, "0x"...)
			out = strconv.AppendUint(out, uint64(v), 16)
		}
		out = fmt.Appendf(out, "} B32_mark=0x%x len=%d", u32(), rng.IntN(65536))
	case k < 82:
		out = fmt.Appendf(out, `f5: (tcp_set_state+0x0/0x2b0) state=%d b64_seq=%d ip_saddr=%d ip_daddr=%d bits=%d`, 1+rng.IntN(12), rng.Uint64(), u32(), u32(), rng.IntN(16))
	case k < 91:
		out = fmt.Appendf(out, `sched_process_exec: filename=/usr/bin/%s pid=%d old_pid=%d`, []string{"ls", "cat", "grep"}[rng.IntN(3)], rng.IntN(99999), rng.IntN(99999))
	default:
		out = fmt.Appendf(out, `sched_switch: prev_comm=%s prev_pid=%d prev_prio=120 prev_state=%s ==> next_comm=%s next_pid=%d next_prio=120`,
			"bash", rng.IntN(99999), []string{"S", "R", "D", "R+"}[rng.IntN(4)], "swapper/1", rng.IntN(99999))
	}
	return out
}

// TestWriteCorpus writes the benchmark corpus to the file named by
// $SURFTRACE_RENDER_CORPUS (scripts/bench-render.sh uses it); $SURFTRACE_RENDER_LINES
// sets the line count (default 1,000,000).
func TestWriteCorpus(t *testing.T) {
	path := os.Getenv("SURFTRACE_RENDER_CORPUS")
	if path == "" {
		t.Skip("SURFTRACE_RENDER_CORPUS not set: nothing to write")
	}
	n := 1_000_000
	if s := os.Getenv("SURFTRACE_RENDER_LINES"); s != "" {
		var err error
		if n, err = strconv.Atoi(s); err != nil {
			t.Fatalf("SURFTRACE_RENDER_LINES: %v", err)
		}
	}
	if err := os.WriteFile(path, genCorpus(n, true), 0o644); err != nil {
		t.Fatal(err)
	}
}
