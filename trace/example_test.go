package trace_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"

	"github.com/surftrace/surftrace/trace"
)

// savedKernel is the Debian 6.1 kernel committed with the repository:
// its BTF and kallsyms, as `surftrace --kallsyms` takes them.
var savedKernel = trace.Options{
	BTF:      "../testdata/kernels/debian-6.1.0-56-amd64/vmlinux.btf.gz",
	Kallsyms: "../testdata/kernels/debian-6.1.0-56-amd64/kallsyms.gz",
	Arch:     "x86_64",
}

// Compile an expression against a saved kernel and show what it becomes.
func ExampleCompile() {
	probes, err := trace.Compile([]string{
		"p ip_output proto=@(struct iphdr*)l3%2->protocol ip_dst=@(struct iphdr*)l3%2->daddr f:proto==17",
	}, savedKernel)
	if err != nil {
		fmt.Println(err)
		return
	}
	p := probes[0]
	fmt.Println(p.Definition())
	fmt.Println("filter:", p.Filter())
	for _, a := range p.Args() {
		fmt.Printf("%s: %s (%s)\n", a.Name, a.CType, a.FetchType)
	}
	// Output:
	// p:surftrace/f0 ip_output proto=+0x9(+0xd0(%dx)):u8 ip_dst=+0x10(+0xd0(%dx)):u32
	// filter: proto==17
	// proto: __u8 (u8)
	// ip_dst: __be32 (u32)
}

// A mistake in an expression comes back as an *Error pointing at it.
func ExampleError() {
	_, err := trace.Compile([]string{"p ip_output proto=@(struct iphdr*)l3%2->protcol"}, savedKernel)
	var te *trace.Error
	if errors.As(err, &te) {
		fmt.Printf("expression %d, col %d:\n%s\n", te.Index, te.Pos+1, te.Caret())
	}
	// Output:
	// expression 0, col 41:
	// struct iphdr has no member "protcol"
	//     p ip_output proto=@(struct iphdr*)l3%2->protcol
	//                                             ^~~~~~~
	// did you mean protocol?
}

// Trace the running kernel until Ctrl-C or the tenth event: which task
// sends UDP, to which address.
func ExampleRun() {
	probes, err := trace.Compile([]string{
		"p ip_output proto=@(struct iphdr*)l3%2->protocol ip_dst=@(struct iphdr*)l3%2->daddr f:proto==17",
	}, trace.Options{})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	n := 0
	err = trace.Run(ctx, probes, func(e trace.Event) error {
		dst, _ := e.Get("ip_dst") // a net.IP
		fmt.Printf("%s (pid %d) -> %v\n", e.Task, e.Pid, dst)
		if n++; n == 10 {
			return trace.Stop
		}
		return nil
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
	}
}
