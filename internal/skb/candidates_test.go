package skb

import (
	"bufio"
	"compress/gzip"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/surftrace/surftrace/internal/compile"
	"github.com/surftrace/surftrace/internal/discover"
	"github.com/surftrace/surftrace/internal/kernel"
	"github.com/surftrace/surftrace/internal/ksyms"
	"github.com/surftrace/surftrace/internal/testkernel"
)

func gzLines(t *testing.T, path string) []string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	sc := bufio.NewScanner(zr)
	for sc.Scan() {
		out = append(out, sc.Text())
	}
	return out
}

func kernelSyms(t *testing.T) []discover.Symbol {
	d := testkernel.Need(t)
	f, err := os.Open(filepath.Join(d, "available_filter_functions.gz"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	syms, err := discover.ReadFilterFunctions(zr)
	if err != nil {
		t.Fatal(err)
	}
	return syms
}

// kernelWithSymbols is the bundled kernel's symbol side, so Build skips
// what the kernel would refuse.
func kernelWithSymbols(t *testing.T) *compile.Config {
	cfg := kernelConfig(t)
	d := testkernel.Need(t)
	names := map[string]bool{}
	for _, l := range gzLines(t, filepath.Join(d, "available_filter_functions.gz")) {
		names[strings.Fields(l)[0]] = true
	}
	cfg.Kernel = &compile.Kernel{Src: savedSyms{dir: d, traceable: names}, Eager: true}
	return cfg
}

// savedSyms is the bundled kernel's symbol side with
// CONFIG_KPROBE_EVENTS_ON_NOTRACE off and no offset checks.
type savedSyms struct {
	dir       string
	traceable map[string]bool
}

func (s savedSyms) Kallsyms() (*ksyms.Table, error) {
	return kernel.LoadKallsyms(filepath.Join(s.dir, "kallsyms.gz"))
}

func (s savedSyms) Blacklist() (*ksyms.Blacklist, error) {
	return kernel.LoadBlacklist(filepath.Join(s.dir, "kprobes-blacklist.gz"))
}

func (s savedSyms) Traceable() (map[string]bool, error)  { return s.traceable, nil }
func (savedSyms) NotraceOK() bool                        { return false }
func (savedSyms) CheckOffset(ksyms.Symbol, uint64) error { return nil }

// The bundled kernel's candidates are the vmlinux functions that take a
// struct sk_buff *; the usual path and the drop functions are among them.
func TestCandidatesKernel(t *testing.T) {
	cfg := kernelWithSymbols(t)
	syms := kernelSyms(t)
	cs, err := Candidates(syms, CandidateOptions{Types: cfg.Types})
	if err != nil {
		t.Fatal(err)
	}
	by := map[string]Candidate{}
	for _, c := range cs {
		by[c.Name()] = c
	}
	for name, arg := range map[string]int{"ip_rcv": 0, "ip_output": 2, "udp_rcv": 0, "kfree_skb_reason": 0, "consume_skb": 0, "__udp4_lib_rcv": 0} {
		c, ok := by[name]
		if !ok || c.Arg != arg {
			t.Errorf("%s: %+v %v, want argument %d", name, c, ok, arg)
		}
	}
	if by["kfree_skb_reason"].Reason != 1 || by["ip_rcv"].Reason != -1 {
		t.Errorf("reason index: %+v %+v", by["kfree_skb_reason"], by["ip_rcv"])
	}
	t0 := time.Now()
	p, err := Build(cs, cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d candidates, %d probes, %d skipped, built in %v", len(cs), len(p.Defs), len(p.Skipped), time.Since(t0))
	if len(p.Defs) < 1000 {
		t.Errorf("only %d probes", len(p.Defs))
	}
	for _, s := range p.Skipped {
		if !errors.Is(s.Err, compile.ErrNotProbeable) {
			t.Errorf("%s skipped for an unexpected reason: %v", s.Cand.Name(), s.Err)
		}
	}
}

// --funcs narrows (the functions that free an skb always stay), --max
// caps with an error that says how to proceed, and a pattern that matches
// nothing is an error only when no other one matches.
func TestCandidatesPatternAndMax(t *testing.T) {
	cfg := kernelConfig(t)
	syms := kernelSyms(t)
	cs, err := Candidates(syms, CandidateOptions{Types: cfg.Types, Patterns: []string{"ip_rcv*", "sk_skb_reason_drop"}})
	if err != nil {
		t.Fatal(err)
	}
	ends := map[string]bool{}
	for _, f := range endFuncs {
		ends[f] = true
	}
	got := map[string]bool{}
	for _, c := range cs {
		got[c.Func] = true
		if !strings.HasPrefix(c.Func, "ip_rcv") && !ends[c.Func] {
			t.Errorf("%s matches no pattern and frees no skb", c.Func)
		}
	}
	// 6.1: kfree_skb_reason carries the reason; sk_skb_reason_drop is 6.11+.
	for _, f := range []string{"ip_rcv", "kfree_skb_reason", "consume_skb"} {
		if !got[f] {
			t.Errorf("%s missing from %v", f, got)
		}
	}
	_, err = Candidates(syms, CandidateOptions{Types: cfg.Types, Patterns: []string{"ip_*"}, Max: 3})
	if !errors.Is(err, ErrTooMany) || !strings.Contains(err.Error(), "--max") {
		t.Errorf("cap: %v", err)
	}
	if _, err := Candidates(syms, CandidateOptions{Types: cfg.Types, Patterns: []string{"no_such_fn_*"}}); err == nil {
		t.Errorf("no match gave no error")
	}
}
