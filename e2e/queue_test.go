package e2e

import (
	"runtime"
	"slices"
	"sync"
	"testing"

	"github.com/surftrace/surftrace/e2e/kernels"
)

// The longest boots take the slots first, whatever order they arrive in.
func TestBootOrder(t *testing.T) {
	host, other := "amd64", "arm64"
	if runtime.GOARCH == "arm64" {
		host, other = other, host
	}
	q := newBootQueue(1)
	q.plan([]kernels.Kernel{{Name: "5.10", Arch: host}, {Name: "6.12-" + other, Arch: other}, {Name: "6.1", Arch: host}, {Name: "6.12", Arch: host}})
	if want := []string{"6.12-" + other, "6.12", "6.1", "5.10"}; !slices.Equal(q.order, want) {
		t.Fatalf("order %q, want %q", q.order, want)
	}
	var mu sync.Mutex
	var got []string
	var wg sync.WaitGroup
	for _, name := range []string{"5.10", "", "6.1", "6.12-" + other, "6.12"} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			q.acquire(name)
			mu.Lock()
			got = append(got, name)
			mu.Unlock()
			q.release()
		}()
	}
	wg.Wait()
	if want := []string{"6.12-" + other, "6.12", "6.1", "5.10", ""}; !slices.Equal(got, want) {
		t.Errorf("slots given to %q, want %q", got, want)
	}
}
