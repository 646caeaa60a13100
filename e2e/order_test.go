package e2e

import (
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/surftrace/surftrace/e2e/kernels"
)

// bootQueue bounds the boots running at once (each qemu keeps a core
// busy) and hands a free slot to the longest boot waiting: another
// architecture, emulated instruction by instruction, then the newest
// kernels, which boot and trace slowest. The suite then does not end
// waiting on one long boot started last. The boots of one run arrive
// together; a short settling time after the first lets them all queue
// before the first slot is given. A boot not in the order (KASLR, a
// custom kernel) comes after those in it.
type bootQueue struct {
	mu      sync.Mutex
	cond    *sync.Cond
	free    int
	order   []string
	waiting map[int]int // rank → boots waiting
	settled time.Time   // no slot is given before
}

// settle is how long the first boot waits for the others to queue.
const settle = 300 * time.Millisecond

var queue = newBootQueue(jobs())

func newBootQueue(n int) *bootQueue {
	q := &bootQueue{free: n, waiting: map[int]int{}}
	q.cond = sync.NewCond(&q.mu)
	return q
}

// plan sets the order for the kernels about to boot.
func (q *bootQueue) plan(ks []kernels.Kernel) {
	host := "amd64"
	if runtime.GOARCH == "arm64" {
		host = "arm64"
	}
	ks = slices.Clone(ks)
	slices.SortStableFunc(ks, func(a, b kernels.Kernel) int {
		if fa, fb := a.Arch != host, b.Arch != host; fa != fb {
			if fa {
				return -1
			}
			return 1
		}
		return compareVersions(b.Name, a.Name)
	})
	q.mu.Lock()
	defer q.mu.Unlock()
	q.order = q.order[:0]
	for _, k := range ks {
		q.order = append(q.order, k.Name)
	}
}

// acquire waits for a slot and for no longer boot to be waiting.
func (q *bootQueue) acquire(name string) {
	q.mu.Lock()
	defer q.mu.Unlock()
	r := slices.Index(q.order, name)
	if r < 0 {
		r = len(q.order)
	}
	if q.settled.IsZero() {
		q.settled = time.Now().Add(settle)
		time.AfterFunc(settle, func() { q.mu.Lock(); q.cond.Broadcast(); q.mu.Unlock() })
	}
	q.waiting[r]++
	for q.free == 0 || time.Now().Before(q.settled) || r > q.first() {
		q.cond.Wait()
	}
	q.waiting[r]--
	q.free--
	q.cond.Broadcast()
}

// release gives the slot back.
func (q *bootQueue) release() {
	q.mu.Lock()
	q.free++
	q.cond.Broadcast()
	q.mu.Unlock()
}

// first is the rank of the longest boot waiting.
func (q *bootQueue) first() int {
	best := len(q.order) + 1
	for r, n := range q.waiting {
		if n > 0 && r < best {
			best = r
		}
	}
	return best
}

// compareVersions orders "6.12-arm64" after "6.1" and "5.10": by the
// numbers of the version, then by the rest.
func compareVersions(a, b string) int {
	va, ra, _ := strings.Cut(a, "-")
	vb, rb, _ := strings.Cut(b, "-")
	na, nb := strings.Split(va, "."), strings.Split(vb, ".")
	for i := 0; i < len(na) && i < len(nb); i++ {
		x, _ := strconv.Atoi(na[i])
		y, _ := strconv.Atoi(nb[i])
		if x != y {
			return x - y
		}
	}
	if len(na) != len(nb) {
		return len(na) - len(nb)
	}
	return strings.Compare(ra, rb)
}
