package compile

import (
	"bufio"
	"compress/gzip"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/surftrace/surftrace/internal/expr"
	"github.com/surftrace/surftrace/internal/ftrace"
	"github.com/surftrace/surftrace/internal/ksyms"
	"github.com/surftrace/surftrace/internal/testkernel"
)

// fuzzSymbols are the kernel functions the fuzz seeds name; the fuzz
// kernel's symbol table holds only these (and their clones), so that an
// unknown name costs a short suggestion search instead of one over the
// kernel's 150,000 symbols.
var fuzzSymbols = []string{
	"ip_output", "__netif_receive_skb_one_core", "__netif_receive_skb_core", "__dev_queue_xmit",
	"dev_queue_xmit", "tcp_rcv_established", "ip_local_deliver", "wake_up_new_task", "do_filp_open",
	"ip_make_skb", "vlan_do_receive", "timestamp_truncate", "regmap_field_alloc", "task_group_cache",
	"tcp_v6_connect", "ip_rcv",
}

// fuzzKernel is a small Kernel cut from the bundled kernel's tables.
func fuzzKernel(dir string) *Kernel {
	want := map[string]bool{}
	for _, s := range fuzzSymbols {
		want[s] = true
	}
	var text strings.Builder
	if f, err := os.Open(filepath.Join(dir, "kallsyms.gz")); err == nil {
		defer f.Close()
		if zr, err := gzip.NewReader(f); err == nil {
			sc := bufio.NewScanner(zr)
			for sc.Scan() {
				fs := strings.Fields(sc.Text())
				if len(fs) >= 3 && want[strings.SplitN(fs[2], ".", 2)[0]] {
					text.WriteString(sc.Text() + "\n")
				}
			}
		}
	}
	tab, err := ksyms.Parse(strings.NewReader(text.String()))
	traceable := map[string]bool{}
	for _, s := range fuzzSymbols {
		if s != "dev_queue_xmit" && s != "__netif_receive_skb_core" && s != "task_group_cache" {
			traceable[s] = true
		}
	}
	traceable["__netif_receive_skb_core.constprop.0"] = true
	return &Kernel{Src: symFuncs{
		kallsyms:  func() (*ksyms.Table, error) { return tab, err },
		traceable: func() (map[string]bool, error) { return traceable, nil },
	}, Eager: true}
}

// fuzzConfig compiles against the bundled kernel when it is there, else
// against the BTF of the C fixture.
var fuzzConfig = sync.OnceValue(func() *Config {
	if d := testkernel.Dir(); d != "" {
		if b, err := btf8(); err == nil {
			return &Config{Arch: archX86_64, Types: b, Kernel: fuzzKernel(d), User: fakeUser{}}
		}
	}
	return nil
})

func fuzzSeeds() []string {
	seeds := []string{
		"p ip_output a=%0", "r do_filp_open f=$retval->f_pos", "e sched/sched_stat_wait f:delay>1000000",
		"P tuprobe:func v=%0 a=%1->a", "R bash:readline cmd=!(char *)$retval",
		"p ip_output+4 r=%r12 s=$stack3 a=@task_group_cache", "p 0xffffffff8187c6d0 x=%ax",
		"p ip_output ip_dst=@(struct iphdr*)l3%2->daddr f:ip_dst==10.0.1.256",
		"p ip_output B16_d=@(struct udphdr*)l3%2->dest f:B16_d==0x2704||B16_d&1",
		"p tcp_v6_connect ip6_dst=%0->__sk_common.skc_v6_daddr mac_x=%0->__sk_common.skc_v6_daddr",
		"p wake_up_new_task c=%0->comm[15] x=%0->comm:string f:c~\"a*\"",
	}
	for _, g := range errorCases {
		seeds = append(seeds, g.src)
	}
	if raw, err := os.ReadFile(goldensFile); err == nil {
		for _, b := range splitBlocks(string(raw)) {
			for _, l := range b.lines {
				if !strings.HasPrefix(l, "#") && !strings.HasPrefix(l, "error:") && !strings.Contains(l, ":surftrace/") && !strings.Contains(l, " filter: ") && !strings.HasPrefix(l, "e:") {
					seeds = append(seeds, strings.TrimPrefix(strings.TrimPrefix(l, "-a aarch64 "), "-a x86 "))
				}
			}
		}
	}
	seeds = append(seeds, fixtureExprs...)
	return seeds
}

// FuzzCompile parses and compiles arbitrary expressions: the result is a
// definition or an *expr.Error pointing inside the expression, never a
// panic.
func FuzzCompile(f *testing.F) {
	cfg := fuzzConfig()
	if cfg == nil {
		_, bt := buildFixture(f, f.TempDir(), "5", 8)
		cfg = &Config{Arch: archX86_64, Types: bt, User: fakeUser{}}
	}
	for _, s := range fuzzSeeds() {
		f.Add(s)
	}
	// The same types on a kernel whose return probes read $arg<N>.
	retCfg := &Config{Arch: cfg.Arch, Types: cfg.Types, Kernel: cfg.Kernel, User: cfg.User,
		Features: func() (*ftrace.Features, error) {
			ft := ftrace.Baseline61()
			ft.RetArgN = true
			return ft, nil
		}}
	f.Fuzz(func(t *testing.T, src string) {
		checkCompile(t, src, cfg)
		checkCompile(t, src, retCfg)
	})
}

func checkCompile(t *testing.T, src string, cfg *Config) {
	e, err := expr.Parse(src)
	if err != nil {
		checkExprError(t, src, err)
		return
	}
	d, err := Compile(e, 0, cfg)
	if err != nil {
		checkExprError(t, src, err)
		return
	}
	if d == nil {
		t.Fatalf("%q: nil definition and nil error", src)
	}
	for _, a := range d.Args {
		if a.Name == "" || a.Fetch == "" {
			t.Fatalf("%q: empty argument %+v", src, a)
		}
	}
	if !d.Kind.IsDynamic() {
		return
	}
	if line := d.Line("g"); !strings.Contains(line, d.Target) {
		t.Fatalf("%q: definition %q lacks its target %q", src, line, d.Target)
	}
}

func checkExprError(t *testing.T, src string, err error) {
	var ee *expr.Error
	if !errors.As(err, &ee) {
		t.Fatalf("%q: error %T (%v) is not an *expr.Error", src, err, err)
	}
	if ee.Src != src {
		t.Fatalf("%q: error carries source %q", src, ee.Src)
	}
	if ee.Pos < 0 || ee.Pos > len(src) {
		t.Fatalf("%q: error position %d outside the expression (%v)", src, ee.Pos, err)
	}
	if ee.Msg == "" {
		t.Fatalf("%q: empty message", src)
	}
	_ = ee.Pretty()
}

// TestCompileSeedsBTFOnly runs the fuzz seeds with the BTF but no symbol
// table, as a DWARF-only or -S setup may: nothing may panic there either.
func TestCompileSeedsBTFOnly(t *testing.T) {
	types := kernelBTF(t, archX86_64)
	for _, s := range fuzzSeeds() {
		checkCompile(t, s, &Config{Arch: archX86_64, Types: types})
		checkCompile(t, s, &Config{Arch: archX86_64})
	}
}
