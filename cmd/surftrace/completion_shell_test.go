package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/surftrace/surftrace/internal/completion"
	"golang.org/x/sys/unix"
)

// ptyShell is an interactive shell on a pseudo-terminal, typed into as a
// user would.
type ptyShell struct {
	t      *testing.T
	master *os.File
	cmd    *exec.Cmd
	mu     sync.Mutex
	out    bytes.Buffer
}

func startPtyShell(t *testing.T, env []string, name string, args ...string) *ptyShell {
	t.Helper()
	master, err := os.OpenFile("/dev/ptmx", os.O_RDWR, 0)
	if err != nil {
		t.Skipf("no pseudo-terminals: %v", err)
	}
	if err := unix.IoctlSetPointerInt(int(master.Fd()), unix.TIOCSPTLCK, 0); err != nil {
		t.Fatal(err)
	}
	n, err := unix.IoctlGetInt(int(master.Fd()), unix.TIOCGPTN)
	if err != nil {
		t.Fatal(err)
	}
	slave, err := os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer slave.Close()
	cmd := exec.Command(name, args...)
	cmd.Env = env
	cmd.Stdin, cmd.Stdout, cmd.Stderr = slave, slave, slave
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true}
	if err := cmd.Start(); err != nil {
		master.Close()
		t.Fatal(err)
	}
	s := &ptyShell{t: t, master: master, cmd: cmd}
	go func() {
		buf := make([]byte, 4096)
		for {
			n, err := master.Read(buf)
			s.mu.Lock()
			s.out.Write(buf[:n])
			s.mu.Unlock()
			if err != nil {
				return
			}
		}
	}()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		master.Close()
	})
	return s
}

func (s *ptyShell) typeKeys(keys string) {
	if _, err := s.master.WriteString(keys); err != nil {
		s.t.Fatal(err)
	}
}

// waitFor returns the first match of re in the output after from, or
// fails after timeout.
func (s *ptyShell) waitFor(re *regexp.Regexp, from int, timeout time.Duration) ([]string, int) {
	s.t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		s.mu.Lock()
		text := s.out.String()
		s.mu.Unlock()
		if from <= len(text) {
			if m := re.FindStringSubmatchIndex(text[from:]); m != nil {
				var subs []string
				for i := 0; i < len(m); i += 2 {
					subs = append(subs, text[from+m[i]:from+m[i+1]])
				}
				return subs, from + m[1]
			}
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("no %q in the shell's output:\n%q", re, text[min(from, len(text)):])
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func (s *ptyShell) mark() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.out.Len()
}

// TestShellCompletion types expressions into real bash, zsh and fish
// (those installed), presses TAB, closes the quote and prints the words
// of the resulting line: each expression must stay one word, completed.
func TestShellCompletion(t *testing.T) {
	k := discKernel(t)
	bin, err := builtBinary()
	if err != nil {
		t.Fatalf("go build: %v", err)
	}
	if err := exec.Command(bin, "__complete_line", "bash", "surftrace p").Run(); err != nil {
		t.Skip("the binary has no __complete_line yet (root.go must register completion.NewCmd and completion.NewLineCmd)")
	}
	dir := t.TempDir()
	env := append(os.Environ(),
		"PATH="+filepath.Dir(bin)+":"+os.Getenv("PATH"), "TERM=dumb", "HOME="+dir,
		completion.EnvBTF+"="+filepath.Join(k, "vmlinux.btf.gz"), completion.EnvKallsyms+"="+filepath.Join(k, "kallsyms.gz"))
	for _, sh := range []string{"zsh", "fish"} {
		out, err := exec.Command(bin, "completion", sh).Output()
		if err != nil {
			t.Fatal(err)
		}
		name := map[string]string{"zsh": "_surftrace", "fish": "surftrace.fish"}[sh]
		if err := os.WriteFile(filepath.Join(dir, name), out, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	shells := map[string]string{
		"bash": "PS1='$ '; source <(surftrace completion bash)\n",
		"zsh":  "PS1='$ '; fpath=(" + dir + " $fpath); autoload -U compinit; compinit -u -D\n",
		"fish": "source " + dir + "/surftrace.fish\n",
	}
	cases := []struct{ typed, want string }{
		{"'p tcp_sendmsg_lo", "p tcp_sendmsg_locked"},
		{"'p tcp_sendm", "p tcp_sendmsg"},
		{"'p tcp_sendmsg x=%0->sk_rcvb", "p tcp_sendmsg x=%0->sk_rcvbuf"},
		{"'p ip_rcv x=!(struct sk_buff_h", "p ip_rcv x=!(struct sk_buff_head *)"},
		{"'p ip_rcv x=@(struct iphdr *)l3%0->sad", "p ip_rcv x=@(struct iphdr *)l3%0->saddr"},
		{"'e sched/sched_swi", "e sched/sched_switch"},
	}
	typeInShells(t, env, shells, cases)
}

// shellArgs start each shell interactive without the user's start-up files.
var shellArgs = map[string][]string{
	"bash": {"--norc", "--noprofile", "-i"},
	"zsh":  {"-f", "-i"},
	"fish": {"--no-config", "-i"},
}

// typeInShells runs setup in each shell, then for every case types
// `surftrace TYPED<TAB>`, closes the quote and has the shell print the
// line's words: the expression must be one word, completed to want.
func typeInShells(t *testing.T, env []string, setup map[string]string, cases []struct{ typed, want string }) {
	t.Helper()
	words := regexp.MustCompile(`W:surftrace\r?\nW:([^\r\n]*)\r?\n`)
	for _, name := range []string{"bash", "zsh", "fish"} {
		t.Run(name, func(t *testing.T) {
			if _, err := exec.LookPath(name); err != nil {
				skipOrFail(t, "%s not installed (scripts/deps.sh)", name)
			}
			s := startPtyShell(t, env, name, shellArgs[name]...)
			s.typeKeys(setup[name] + "echo READY\n")
			_, at := s.waitFor(regexp.MustCompile(`\nREADY`), 0, 20*time.Second)
			for _, c := range cases {
				// TAB, close the quote, go to the line's start and turn it
				// into a printf of its words.
				s.typeKeys("surftrace " + c.typed + "\t'\x01printf 'W:%s\\n' \n")
				m, end := s.waitFor(words, at, 30*time.Second)
				at = end
				if m[1] != c.want {
					t.Errorf("%s: %q completed to %q, want %q", name, c.typed, m[1], c.want)
				}
			}
			s.typeKeys("exit\n")
		})
	}
}

// TestFishCandidates asks fish itself (complete -C) what it offers: a
// word that must go on comes with its continuations, never with a made-up
// twin such as the word and a dot.
func TestFishCandidates(t *testing.T) {
	if _, err := exec.LookPath("fish"); err != nil {
		skipOrFail(t, "fish not installed (scripts/deps.sh)")
	}
	k := discKernel(t)
	bin, err := builtBinary()
	if err != nil {
		t.Fatalf("go build: %v", err)
	}
	dir := t.TempDir()
	script, err := exec.Command(bin, "completion", "fish").Output()
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "surftrace.fish"), script, 0o644); err != nil {
		t.Fatal(err)
	}
	env := append(os.Environ(), "PATH="+filepath.Dir(bin)+":"+os.Getenv("PATH"), "HOME="+dir,
		completion.EnvBTF+"="+filepath.Join(k, "vmlinux.btf.gz"), completion.EnvKallsyms+"="+filepath.Join(k, "kallsyms.gz"))
	for _, tc := range []struct{ typed, first, second string }{
		{"'p tcp_sendmsg_lo", "p tcp_sendmsg_locked", "p tcp_sendmsg_locked "},
		{"'p tcp_sendmsg x=%0->sk_rcvb", "p tcp_sendmsg x=%0->sk_rcvbuf", "p tcp_sendmsg x=%0->sk_rcvbuf "},
		{"'p tcp_sendmsg x=%0", "p tcp_sendmsg x=%0->", "p tcp_sendmsg x=%0->"},
	} {
		cmd := exec.Command("fish", "--no-config", "-c", "source "+dir+"/surftrace.fish; complete -C $argv[1]", "surftrace "+tc.typed)
		cmd.Env = env
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("fish: %v", err)
		}
		var words []string
		for _, l := range strings.Split(strings.TrimSuffix(string(out), "\n"), "\n") {
			w, _, _ := strings.Cut(l, "\t")
			words = append(words, w)
			if strings.HasSuffix(w, ".") {
				t.Errorf("%q: fish offers %q", tc.typed, w)
			}
		}
		if len(words) < 2 || words[0] != tc.first || !strings.HasPrefix(words[1], tc.second) {
			t.Errorf("%q: fish offers %q, want %q then %q…", tc.typed, words, tc.first, tc.second)
		}
	}
}
