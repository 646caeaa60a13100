// Command kernels fetches the VM suite's test kernels into the cache (what
// make test and make demo do on their own when a kernel is missing), or,
// with -policy, tells what to pin when the archive has moved on.
//
//	go run ./e2e/cmd/kernels [-k 6.1,6.12-arm64]   fetch and unpack, print where
//	go run ./e2e/cmd/kernels -policy 6.1           the archive's current version and sha256
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"

	"github.com/surftrace/surftrace/e2e/kernels"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "kernels:", err)
		os.Exit(1)
	}
}

func run() error {
	list := flag.String("k", os.Getenv("KERNELS"), "kernels of the matrix to fetch, comma-separated (default all)")
	policy := flag.String("policy", "", "print the archive's current version of this kernel's package, and its sha256")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	m, err := kernels.Load()
	if err != nil {
		return err
	}
	f := kernels.NewFetcher(m, kernels.CacheDir())
	f.Progress = os.Stderr
	if *policy != "" {
		k, err := m.Kernel(*policy)
		if err != nil {
			return err
		}
		ver, sum, err := f.Current(ctx, k)
		if err != nil {
			return err
		}
		fmt.Printf("kernel %s %s %s %s %s %s\n", k.Name, k.Arch, k.Suite, k.Package, ver, sum)
		return nil
	}
	ks, err := m.Select(*list)
	if err != nil {
		return err
	}
	for _, k := range ks {
		t, err := f.Fetch(ctx, k)
		if err != nil {
			return err
		}
		fmt.Printf("%s\t%s\t%s\n", k.Name, t.Release, t.Dir)
		if k.Arch != "amd64" {
			if _, err := f.FetchGuest(ctx, k.Arch); err != nil {
				return err
			}
		}
	}
	return nil
}
