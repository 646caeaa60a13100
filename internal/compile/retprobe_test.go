package compile

import (
	"strings"
	"testing"

	"github.com/surftrace/surftrace/internal/ftrace"
)

// retArgConfig is the bundled kernel's types and symbols with the
// features of a kernel whose return probes take $arg<N>.
func retArgConfig(t *testing.T, arch *Arch, warn func(string)) *Config {
	cfg := kernelConfig(t, arch)
	cfg.Features = func() (*ftrace.Features, error) {
		f := ftrace.Baseline61()
		f.RetArgN = true
		return f, nil
	}
	cfg.Warn = warn
	return cfg
}

// In a return probe %N compiles to $arg<N+1>, which the kernel saves at
// entry ($arg1 is the first argument), never to the clobbered register.
func TestReturnProbeArgs(t *testing.T) {
	arm, _ := LookupArch("aarch64")
	tests := []struct {
		arch *Arch
		src  string
		want string // a substring of the -S output
	}{
		{archX86_64, "r ip_output len=%2->len", "len=+0x70($arg3):u32"},
		{archX86_64, "r ip_output skb=%2 ret=$retval", "skb=$arg3:u64 ret=$retval:s32"},
		// Past the six registers the kernel reads the stack for $arg<N>.
		{archX86_64, "r ip_make_skb flags=%9 length=%4", "flags=$arg10:u32 length=$arg5:s32"},
		{arm, "r ip_make_skb flags=%9", "error: %9 (unsigned int flags) is passed on the stack, which $arg<N> cannot read on aarch64"},
		{arm, "r ip_output skb=%2", "skb=$arg3:u64"},
		// A clone has no prototype: one word per argument.
		{archX86_64, "r __netif_receive_skb_core pp=%0", "pp=$arg1:u64"},
		{archX86_64, "R tuprobe:func v=%0", "error: a user return probe cannot read entry arguments"},
	}
	for _, tc := range tests {
		got := show(tc.src, retArgConfig(t, tc.arch, nil))
		if !strings.Contains(got, tc.want) {
			t.Errorf("-a %s %s:\n got: %s\nwant: …%s…", tc.arch.Name, tc.src, got, tc.want)
		}
		if strings.Contains(got, "%di") || strings.Contains(got, "%dx") || strings.Contains(got, "%x2") {
			t.Errorf("%s reads a register at return: %s", tc.src, got)
		}
	}
}

// A register the user names in a return probe is read as written, with
// one warning for the whole run.
func TestReturnProbeRegisterWarns(t *testing.T) {
	var warnings []string
	cfg := retArgConfig(t, archX86_64, func(m string) { warnings = append(warnings, m) })
	for _, src := range []string{"r ip_output a=%dx", "r ip_output b=%si"} {
		if got := show(src, cfg); strings.HasPrefix(got, "error") {
			t.Fatalf("%s: %s", src, got)
		}
	}
	if len(warnings) != 1 || !strings.Contains(warnings[0], "%dx in a return probe is read when the function returns") {
		t.Errorf("warnings %q, want one about %%dx", warnings)
	}
	if show("p ip_output a=%dx", cfg); len(warnings) != 1 {
		t.Errorf("an entry probe warned: %q", warnings)
	}
}
