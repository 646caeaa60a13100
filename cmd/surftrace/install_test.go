package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/surftrace/surftrace/internal/completion"
)

// TestMakeInstall: `make install` into a fresh prefix puts the binary,
// the surfGraph link and the completion files where bash-completion, zsh
// and fish look for them, and the installed files complete in each shell.
func TestMakeInstall(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary through make (-short)")
	}
	if _, err := exec.LookPath("make"); err != nil {
		skipOrFail(t, "make not installed")
	}
	k := discKernel(t)
	prefix := t.TempDir()
	build := filepath.Join(t.TempDir(), "surftrace")
	cmd := exec.Command("make", "-C", "../..", "install", "PREFIX="+prefix, "BIN="+build)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("make install: %v\n%s", err, out)
	}
	bin := filepath.Join(prefix, "bin")
	for _, f := range []string{
		"bin/surftrace", "bin/surfGraph",
		"share/bash-completion/completions/surftrace",
		"share/zsh/site-functions/_surftrace",
		"share/fish/vendor_completions.d/surftrace.fish",
	} {
		if _, err := os.Stat(filepath.Join(prefix, f)); err != nil {
			t.Errorf("not installed: %v", err)
		}
	}
	out, err := exec.Command(filepath.Join(bin, "surfGraph"), "--help").CombinedOutput()
	if err != nil || !strings.Contains(string(out), "surfGraph -f FUNC") {
		t.Errorf("surfGraph --help: %v\n%s", err, out)
	}
	out, err = exec.Command(filepath.Join(bin, "surftrace"), "--version").Output()
	if err != nil || !strings.HasPrefix(string(out), "surftrace ") || strings.Contains(string(out), "surftrace devel") {
		t.Errorf("installed --version does not carry the make version: %v %q", err, out)
	}
	env := append(os.Environ(),
		"PATH="+bin+":"+os.Getenv("PATH"), "TERM=dumb", "HOME="+t.TempDir(),
		completion.EnvBTF+"="+filepath.Join(k, "vmlinux.btf.gz"), completion.EnvKallsyms+"="+filepath.Join(k, "kallsyms.gz"))
	share := filepath.Join(prefix, "share")
	setup := map[string]string{
		"bash": "PS1='$ '; source " + share + "/bash-completion/completions/surftrace\n",
		"zsh":  "PS1='$ '; fpath=(" + share + "/zsh/site-functions $fpath); autoload -U compinit; compinit -u -D\n",
		"fish": "set fish_complete_path " + share + "/fish/vendor_completions.d $fish_complete_path\n",
	}
	typeInShells(t, env, setup, []struct{ typed, want string }{
		{"'p tcp_sendmsg_lo", "p tcp_sendmsg_locked"},
		{"'p tcp_sendmsg x=%0->sk_rcvb", "p tcp_sendmsg x=%0->sk_rcvbuf"},
	})
}
