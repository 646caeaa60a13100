package trace

import (
	"fmt"
	"io"
	"os"
	"os/exec"
	"time"
)

// launchDrain is how long a --cmd run keeps reading after the command
// exited, for the events still in the kernel's buffer.
const launchDrain = 300 * time.Millisecond

// launched is the --cmd command, started held: a shell that waits on a
// pipe before it execs the command, so its pid (which exec keeps) is
// known to the filters before the command runs, and none of its calls
// happens before the probes are armed.
type launched struct {
	cmd  *exec.Cmd
	gate *os.File // closing it without a write makes the shell give up
	done chan struct{}
	err  error
}

// launch starts line held; release lets it run.
func launch(line string) (*launched, error) {
	r, w, err := os.Pipe()
	if err != nil {
		return nil, fmt.Errorf("--cmd: %w", err)
	}
	c := exec.Command("/bin/sh", "-c", `read -r _ <&3 || exit 125; exec 3<&-; exec `+line)
	c.Stdin, c.Stdout, c.Stderr = os.Stdin, os.Stdout, os.Stderr
	c.ExtraFiles = []*os.File{r}
	if err := c.Start(); err != nil {
		r.Close()
		w.Close()
		return nil, fmt.Errorf("--cmd: start %q: %w", line, err)
	}
	r.Close()
	l := &launched{cmd: c, gate: w, done: make(chan struct{})}
	go func() {
		l.err = c.Wait()
		close(l.done)
	}()
	return l, nil
}

// pid is the command's process id.
func (l *launched) pid() int { return l.cmd.Process.Pid }

// release lets the command run.
func (l *launched) release() error {
	_, err := l.gate.Write([]byte("go\n"))
	l.gate.Close()
	if err != nil {
		return fmt.Errorf("--cmd: the command is gone before it ran: %w", err)
	}
	return nil
}

// whenDone calls stop once the command has exited and the events it
// caused had time to arrive, and says how it ended on w.
func (l *launched) whenDone(w io.Writer, stop func()) {
	go func() {
		<-l.done
		time.Sleep(launchDrain)
		if w != nil {
			fmt.Fprintf(w, "surftrace: the command (pid %d) %s\n", l.pid(), l.cmd.ProcessState)
		}
		stop()
	}()
}

// abort ends a command that never ran, or is still running when tracing
// stops: it must not outlive the run that started it.
func (l *launched) abort() {
	l.gate.Close()
	select {
	case <-l.done:
		return
	case <-time.After(100 * time.Millisecond):
	}
	l.cmd.Process.Kill()
	<-l.done
}
