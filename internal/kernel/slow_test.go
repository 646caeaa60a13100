package kernel

import (
	"bytes"
	"sync"
	"testing"
	"time"
)

// syncBuffer is a bytes.Buffer written from a timer's goroutine.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestSlowNote: a load that ends quickly says nothing; one that goes on
// says what is being loaded.
func TestSlowNote(t *testing.T) {
	var quick, slow syncBuffer
	SlowNote(&quick, "kernel types from quick")()
	stop := SlowNote(&slow, "kernel types from slow")
	defer stop()
	deadline := time.Now().Add(10 * time.Second)
	for slow.String() == "" && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	if slow.String() != "surftrace: loading kernel types from slow…\n" {
		t.Errorf("slow load said %q", slow.String())
	}
	if quick.String() != "" {
		t.Errorf("quick load said %q", quick.String())
	}
}
