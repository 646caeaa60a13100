package btfdwarf

import (
	"strings"
	"testing"

	"github.com/surftrace/surftrace/internal/testkernel"
)

func TestFuncsBulk(t *testing.T) {
	b := kernelBTF(t)
	fs, err := b.Funcs(func(n string) bool { return strings.HasPrefix(n, "tcp_v4_") })
	if err != nil {
		t.Fatal(err)
	}
	if len(fs) < 20 {
		t.Fatalf("only %d tcp_v4_ functions", len(fs))
	}
	seen := map[string]bool{}
	for _, f := range fs {
		if seen[f.Name] {
			t.Errorf("%s returned twice", f.Name)
		}
		seen[f.Name] = true
		one, err := b.Func(f.Name)
		if err != nil || one.Signature() != f.Signature() {
			t.Errorf("%s: bulk %q, Func %v %v", f.Name, f.Signature(), one, err)
		}
	}
	if !seen["tcp_v4_rcv"] || seen["tcp_sendmsg"] {
		t.Errorf("match not honoured: %v", seen)
	}
}

func TestTypeNames(t *testing.T) {
	b := kernelBTF(t)
	names := b.TypeNames(func(string) bool { return true })
	have := map[string]bool{}
	for _, n := range names {
		if have[n] {
			t.Errorf("%s listed twice", n)
		}
		have[n] = true
	}
	for _, want := range []string{"struct sk_buff", "union bpf_attr", "enum sock_type", "atomic_t", "u64"} {
		if !have[want] {
			t.Errorf("%s not listed", want)
		}
	}
	if have["struct "] || have["int"] {
		t.Error("anonymous types or base types listed")
	}
	t.Logf("%d named structs, unions, enums and typedefs", len(names))
}

// BenchmarkFuncsAll decodes every function's prototype, as `list '*'`
// does, from a fresh load.
func BenchmarkFuncsAll(b *testing.B) {
	kernelBTF(b)
	for b.Loop() {
		fresh, err := LoadBTF(testkernel.Dir()+"/vmlinux.btf.gz", 8)
		if err != nil {
			b.Fatal(err)
		}
		fs, err := fresh.Funcs(func(string) bool { return true })
		if err != nil || len(fs) < 40000 {
			b.Fatalf("%d functions, %v", len(fs), err)
		}
	}
}
