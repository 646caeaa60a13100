package main

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestLiveEventWildcard traces `e syscalls/sys_enter_exec*`: both
// sys_enter_execve and sys_enter_execveat are enabled, and an exec by
// this test shows (syscall events print as "sys_execve(filename: …").
func TestLiveEventWildcard(t *testing.T) {
	bin := requireLive(t)
	for _, ev := range []string{"sys_enter_execve", "sys_enter_execveat"} {
		if _, err := os.Stat(filepath.Join(tracefsRoot, "events/syscalls", ev, "format")); err != nil {
			t.Skipf("kernel has no syscalls/%s tracepoint: %v", ev, err)
		}
	}
	comm := filepath.Base(os.Args[0])
	if len(comm) > 15 {
		comm = comm[:15]
	}
	p := start(t, bin, "-t", "30s", `e syscalls/sys_enter_exec* f:comm=="`+comm+`"`)
	p.waitSetUp()
	log := strings.Join(p.Stderr(), "\n")
	for _, ev := range []string{"sys_enter_execve", "sys_enter_execveat"} {
		if !strings.Contains(log, "/events/syscalls/"+ev+"/enable") {
			t.Errorf("%s not enabled:\n%s", ev, log)
		}
	}
	execAll(t, "/bin/true")
	p.waitLines("a sys_enter_execve event", func(ls []string) bool {
		for _, l := range ls {
			if strings.Contains(l, " sys_execve(filename: ") {
				return true
			}
		}
		return false
	})
	p.signal(syscall.SIGINT)
	p.waitOK()
	p.assertClean()
}
