package ftrace

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

func TestShQuote(t *testing.T) {
	tests := []struct{ in, want string }{
		{"1", "1"},
		{"/sys/kernel/tracing/uprobe_events", "/sys/kernel/tracing/uprobe_events"},
		{"-:surftrace_1/p0", "-:surftrace_1/p0"},
		{"", "''"},
		{"proto==17", "'proto==17'"},
		{"p:g/f0 ip_output proto=+0x9(+0xc8(%dx)):u8", "'p:g/f0 ip_output proto=+0x9(+0xc8(%dx)):u8'"},
		{"it's", `'it'\''s'`},
		{"$HOME `id` \"q\"", "'$HOME `id` \"q\"'"},
	}
	for _, tt := range tests {
		if got := shQuote(tt.in); got != tt.want {
			t.Errorf("shQuote(%q) = %s, want %s", tt.in, got, tt.want)
		}
	}
}

// nasty holds values a filter or definition might carry that a shell
// would mangle if quoted wrongly.
var nasty = []string{
	"plain",
	"comm == \"it's\"",
	"x == '$HOME' || y == \"$(id)\" || z == `id`",
	`s ~ "a\*b" && t == "\n\\"`,
	"-n",
	"-e x",
	"-E",
	"-:g/p0",
	"multi\nline",
	"!*?~#;&|<>(){}[] \t end",
	"",
}

// shellWrite's command, run by each shell at hand, writes exactly the
// value and a newline: what the Writer itself writes.
func TestShellWriteRoundTrip(t *testing.T) {
	shells := 0
	for _, sh := range []string{"sh", "dash", "bash", "busybox"} {
		path, err := exec.LookPath(sh)
		if err != nil {
			continue
		}
		shells++
		for _, v := range nasty {
			for _, appendTo := range []bool{false, true} {
				file := filepath.Join(t.TempDir(), "out")
				if err := os.WriteFile(file, nil, 0o644); err != nil {
					t.Fatal(err)
				}
				cmd := shellWrite(v, file, appendTo)
				args := []string{"-c", cmd}
				if sh == "busybox" {
					args = append([]string{"sh"}, args...)
				}
				if out, err := exec.Command(path, args...).CombinedOutput(); err != nil {
					t.Fatalf("%s -c %s: %v\n%s", sh, cmd, err, out)
				}
				got, _ := os.ReadFile(file)
				if string(got) != v+"\n" {
					t.Errorf("%s: %s wrote %q, want %q", sh, cmd, got, v+"\n")
				}
			}
		}
	}
	if shells == 0 {
		t.Skip("no shell found")
	}
}
