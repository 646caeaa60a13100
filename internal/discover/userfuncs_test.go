package discover

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/surftrace/surftrace/internal/btfdwarf"
	"github.com/surftrace/surftrace/internal/uobj"
)

const fixtureC = `
struct pt { int a; long b; };
int add(struct pt *p, int n) { return p->a + n; }
static char *name(const char *s, unsigned len) { return (char *)s + len; }
int main(int argc, char **argv) { struct pt p = {argc, 0}; return add(&p, 1) + (name(argv[0], 0) != 0); }
`

func TestListUserFuncs(t *testing.T) {
	if _, err := exec.LookPath("gcc"); err != nil {
		t.Skip("gcc not installed")
	}
	dir := t.TempDir()
	src, bin := filepath.Join(dir, "fx.c"), filepath.Join(dir, "fx")
	if err := os.WriteFile(src, []byte(fixtureC), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("gcc", "-g", "-O0", "-o", bin, src).CombinedOutput(); err != nil {
		t.Fatalf("gcc: %v\n%s", err, out)
	}
	o, err := uobj.Open(bin)
	if err != nil {
		t.Fatal(err)
	}
	defer o.Close()
	d, err := btfdwarf.LoadDWARF(bin, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	es, err := ListUserFuncs(o.Funcs(), "*", d, "")
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, e := range es {
		got[e.Name] = e.Prototype
	}
	for name, want := range map[string]string{
		"add":  "int add(struct pt *p, int n)",
		"name": "char *name(char *s, unsigned int len)",
		"main": "int main(int argc, char **argv)",
	} {
		if got[name] != want {
			t.Errorf("%s: got %q, want %q", name, got[name], want)
		}
	}
	if _, err := ListUserFuncs(o.Funcs(), "ad", d, ""); err == nil || !strings.Contains(err.Error(), "did you mean add") {
		t.Errorf("got %v", err)
	}
	es, err = ListUserFuncs(o.Funcs(), "add", nil, "no debug info")
	if err != nil || len(es) != 1 || es[0].Note != "no debug info" {
		t.Errorf("got %+v, %v", es, err)
	}
}
