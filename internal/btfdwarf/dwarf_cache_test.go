package btfdwarf

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// The cache serves the entry a previous run found (hit), is never served
// for a changed file (stale), and is not read without UseCache.
func TestDWARFCache(t *testing.T) {
	prog := buildUnits(t, "-O1", "-Wl,--build-id")
	dir := t.TempDir()
	d := loadLazy(t, prog)
	d.UseCache(dir)
	if d.lazy.cache == nil {
		t.Fatal("no cache: the program has no build-id?")
	}
	if _, err := d.Func("fa"); err != nil {
		t.Fatal(err)
	}
	fb, err := d.Func("fb")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.ForFunc("fa").TypeByName("struct only_b"); err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*"))
	if len(files) != 1 {
		t.Fatalf("cache files: %v", files)
	}
	data, err := os.ReadFile(files[0])
	if err != nil {
		t.Fatal(err)
	}
	text := string(data)
	for _, want := range []string{cacheMagic, "\nf fa\t", "\nf fb\t", "\nt struct only_b@"} {
		if !strings.Contains(text, want) {
			t.Errorf("cache lacks %q:\n%s", want, text)
		}
	}
	// Hit: point fa's entry at fb's; a run that reads the cache answers
	// fa with fb's prototype, which only the cache can have told it.
	fbOff := ""
	for _, line := range strings.Split(text, "\n") {
		if v, ok := strings.CutPrefix(line, "f fb\t"); ok {
			fbOff = v
		}
	}
	if _, err := strconv.ParseUint(fbOff, 10, 64); err != nil {
		t.Fatalf("fb's entry: %q", fbOff)
	}
	var out []string
	for _, line := range strings.Split(strings.TrimSpace(text), "\n") {
		if strings.HasPrefix(line, "f fa\t") {
			line = "f fa\t" + fbOff
		}
		out = append(out, line)
	}
	if err := os.WriteFile(files[0], []byte(strings.Join(out, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	hit := loadLazy(t, prog)
	hit.UseCache(dir)
	f, err := hit.Func("fa")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := f.Signature(), strings.Replace(fb.Signature(), "fb(", "fa(", 1); got != want {
		t.Errorf("cache not used: fa is %s, want %s", got, want)
	}
	// Without the cache the answer is the file's.
	cold := loadLazy(t, prog)
	if f, err := cold.Func("fa"); err != nil || f.Signature() != "int fa(struct pair *p)" {
		t.Errorf("without cache: %v %v", f, err)
	}
	// Stale: the file changed (here only its time); the old answers are
	// not served.
	later := time.Now().Add(time.Hour)
	if err := os.Chtimes(prog, later, later); err != nil {
		t.Fatal(err)
	}
	stale := loadLazy(t, prog)
	stale.UseCache(dir)
	if f, err := stale.Func("fa"); err != nil || f.Signature() != "int fa(struct pair *p)" {
		t.Errorf("stale cache served: %v %v", f, err)
	}
	// A damaged cache file is ignored, not trusted.
	if err := os.WriteFile(files[0], []byte("garbage\x00\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	bad := loadLazy(t, prog)
	bad.UseCache(dir)
	if f, err := bad.Func("fb"); err != nil || f.Signature() != fb.Signature() {
		t.Errorf("with a damaged cache: %v %v", f, err)
	}
}

func TestDefaultCacheDir(t *testing.T) {
	t.Setenv("SURFTRACE_CACHE", "/somewhere")
	if got := DefaultCacheDir(); got != "/somewhere/types" {
		t.Errorf("SURFTRACE_CACHE: %s", got)
	}
	t.Setenv("SURFTRACE_CACHE", "")
	t.Setenv("XDG_CACHE_HOME", "/xdg")
	if got := DefaultCacheDir(); got != "/xdg/surftrace/types" {
		t.Errorf("XDG_CACHE_HOME: %s", got)
	}
}
