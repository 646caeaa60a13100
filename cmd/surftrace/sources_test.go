package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// --btf refuses what cannot be a BTF file without reading it.
func TestShowRefusesSpecialBTF(t *testing.T) {
	r := surftrace(t, false, "-S", "--btf", "/dev/zero", "p ip_output")
	if r.code == 0 || !strings.Contains(r.stderr, "not a regular file") {
		t.Errorf("--btf /dev/zero: code %d, stderr %s", r.code, r.stderr)
	}
}

// -v reads and writes the type cache under $SURFTRACE_CACHE/types;
// --no-cache neither reads nor writes it.
func TestShowDWARFCacheFlag(t *testing.T) {
	if _, err := exec.LookPath("gcc"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("gcc not installed")
		}
		t.Skip("gcc not installed")
	}
	dir := t.TempDir()
	src := filepath.Join(dir, "k.c")
	if err := os.WriteFile(src, []byte("struct pair { int a; long b; };\nint fa(struct pair *p) { return p->a; }\nint main(void) { return 0; }\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	vmlinux := filepath.Join(dir, "vmlinux")
	if out, err := exec.Command("gcc", "-g", "-O1", "-Wl,--build-id", "-o", vmlinux, src).CombinedOutput(); err != nil {
		t.Fatalf("gcc: %v\n%s", err, out)
	}
	kallsyms := filepath.Join(dir, "kallsyms")
	if err := os.WriteFile(kallsyms, []byte("ffffffff81000000 T fa\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"kprobes-blacklist", "available_filter_functions"} {
		body := ""
		if name == "available_filter_functions" {
			body = "fa\n"
		}
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cache := filepath.Join(dir, "cache")
	t.Setenv("SURFTRACE_CACHE", cache)
	want := "p:surftrace/f0 fa b=+0x8(%di):s64"
	run := func(extra ...string) {
		t.Helper()
		args := append([]string{"-S", "-a", "x86_64", "-v", vmlinux, "--kallsyms", kallsyms}, extra...)
		r := surftrace(t, false, append(args, "p fa b=%0->b")...)
		if r.code != 0 || strings.TrimSpace(r.stdout) != want {
			t.Fatalf("%v: code %d\n%s%s\nwant %s", extra, r.code, r.stdout, r.stderr, want)
		}
	}
	run("--no-cache")
	if _, err := os.Stat(filepath.Join(cache, "types")); err == nil {
		t.Error("--no-cache wrote the cache")
	}
	run()
	files, _ := filepath.Glob(filepath.Join(cache, "types", "*"))
	if len(files) != 1 {
		t.Fatalf("cache files after a run: %v", files)
	}
	run() // served from the cache
}
