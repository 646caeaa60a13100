package main

import (
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/surftrace/surftrace/internal/testkernel"
)

// TestExpandAbbrevs: unique prefixes of long options mean the option, as
// with the original's argparse; an ambiguous one names the candidates.
func TestExpandAbbrevs(t *testing.T) {
	tests := []struct {
		in, want []string
		err      string
	}{
		{[]string{"--sta", "p ip_output"}, []string{"--stack", "p ip_output"}, ""},
		{[]string{"--sh", "--vml=/tmp/v", "p x"}, []string{"--show", "--vmlinux=/tmp/v", "p x"}, ""},
		{[]string{"--outp", "--sta", "p x"}, []string{"--output", "--sta", "p x"}, ""},
		{[]string{"-o", "--sta", "p x"}, []string{"-o", "--sta", "p x"}, ""},
		{[]string{"--", "--sta"}, []string{"--", "--sta"}, ""},
		{[]string{"--vers"}, []string{"--version"}, ""},
		{[]string{"--he"}, []string{"--help"}, ""},
		{[]string{"--nosuch", "p x"}, []string{"--nosuch", "p x"}, ""},
		{[]string{"graph", "--dep", "3", "f"}, []string{"graph", "--depth", "3", "f"}, ""},
		{[]string{"--s", "p x"}, nil, "ambiguous option --s could match --show, --stack"},
		{[]string{"graph", "--mo", "tree", "f"}, []string{"graph", "--mode", "tree", "f"}, ""},
		{[]string{"graph", "--m", "f"}, nil, "ambiguous option --m could match --max-files, --mode"},
		{[]string{"__complete_line", "bash", "--s"}, []string{"__complete_line", "bash", "--s"}, ""},
		{[]string{"__complete", "--s"}, []string{"__complete", "--s"}, ""},
	}
	for _, tc := range tests {
		got, err := expandAbbrevs(newRootCmd(), tc.in)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%q: err %v, want %q", tc.in, err, tc.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%q: %v", tc.in, err)
			continue
		}
		if tc.want != nil && !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%q: got %q, want %q", tc.in, got, tc.want)
		}
	}
}

// TestOriginalFlags: every option of the original is accepted; none of
// its -m values is a usage error.
func TestOriginalFlags(t *testing.T) {
	d := testkernel.Need(t)
	btf := filepath.Join(d, "vmlinux.btf.gz")
	ks := filepath.Join(d, "kallsyms.gz")
	tests := []struct {
		args []string
		note string
	}{
		{[]string{"-m", "remote", "-r", "pylcc.openanolis.cn"}, "-m remote: types come from BTF"},
		{[]string{"-m", "local", "-d", "/tmp/db"}, "-m local: types come from BTF"},
		{[]string{"-m", "gdb", "-g", "/usr/bin/gdb"}, "-m gdb without -v VMLINUX"},
		{[]string{"--mod", "btf", "--sho"}, ""},
		{[]string{"--arch", "x86_64", "--stack"}, ""},
	}
	for _, tc := range tests {
		args := append([]string{"-S", "--btf", btf, "--kallsyms", ks}, tc.args...)
		r := surftrace(t, false, append(args, "p ip_output a=%0")...)
		if r.code != 0 || !strings.HasPrefix(r.stdout, "p:surftrace/f0 ip_output a=%di") {
			t.Errorf("%q: exit %d\nstdout %s\nstderr %s", tc.args, r.code, r.stdout, r.stderr)
		}
		if tc.note != "" && !strings.Contains(r.stderr, tc.note) {
			t.Errorf("%q: stderr lacks %q:\n%s", tc.args, tc.note, r.stderr)
		}
	}
	r := surftrace(t, false, "--s", "p ip_output")
	if r.code != 2 || !strings.Contains(r.stderr, "ambiguous option --s could match --show, --stack") {
		t.Errorf("--s: exit %d, stderr %s", r.code, r.stderr)
	}
}

// TestVersion: --version and `surftrace version` say version, commit and
// Go version.
func TestVersion(t *testing.T) {
	for _, args := range [][]string{{"--version"}, {"version"}, {"--vers"}} {
		r := surftrace(t, false, args...)
		if r.code != 0 || !strings.HasPrefix(r.stdout, "surftrace ") || !strings.Contains(r.stdout, "commit ") || !strings.Contains(r.stdout, " go1.") {
			t.Errorf("%q: exit %d, stdout %q, stderr %q", args, r.code, r.stdout, r.stderr)
		}
	}
}
