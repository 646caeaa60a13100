package vm

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestWriteInitramfs(t *testing.T) {
	if _, err := os.Stat("/bin/busybox"); err != nil {
		t.Skip("no /bin/busybox (busybox-static) on this host")
	}
	dir := t.TempDir()
	mod := filepath.Join(dir, "dummy.ko")
	if err := os.WriteFile(mod, []byte("module"), 0o644); err != nil {
		t.Fatal(err)
	}
	dst := filepath.Join(dir, "initrd.cpio")
	g := Guest{
		Modules: []string{mod},
		Scripts: []Script{{Name: "01-a", Body: []byte("echo a\n")}},
		Files:   map[string][]byte{"/etc/extra": []byte("x")},
	}
	if err := WriteInitramfs(dst, g); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(dst)
	if err != nil {
		t.Fatal(err)
	}
	entries := map[string]cpioEntry{}
	for _, e := range readCpio(t, data) {
		if _, dup := entries[e.name]; dup {
			t.Errorf("%s twice in the archive", e.name)
		}
		entries[e.name] = e
	}
	checks := []struct {
		name, data string
		mode       uint32
	}{
		{"init", "", modeRegular | 0o755},
		{"bin/sh", "busybox", modeSymlink | 0o777},
		{"lib/e2e/common.sh", "", modeRegular | 0o755},
		{"scenarios/01-a.sh", "echo a\n", modeRegular | 0o755},
		{"lib/modules/e2e/dummy.ko", "module", modeRegular | 0o644},
		{"etc/e2e.conf", "MODULES=\"/lib/modules/e2e/dummy.ko\"\nSCENARIOS=\"01-a\"\nRESULTS=\"/dev/ttyS1\"\nCAPTURE=0\nINSTALL_APPLETS=0\n", modeRegular | 0o644},
		{"etc/extra", "x", modeRegular | 0o644},
		{"dev/console", "", modeCharDev | 0o600},
	}
	for _, c := range checks {
		e, ok := entries[c.name]
		switch {
		case !ok:
			t.Errorf("%s missing", c.name)
		case e.mode != c.mode:
			t.Errorf("%s mode %o, want %o", c.name, e.mode, c.mode)
		case c.data != "" && e.data != c.data:
			t.Errorf("%s holds %q, want %q", c.name, e.data, c.data)
		}
	}
	if !strings.HasPrefix(entries["init"].data, "#!/bin/sh") {
		t.Errorf("/init does not start with #!/bin/sh")
	}
	if _, ok := entries["usr/bin/surftrace"]; ok {
		t.Error("surftrace packed though none was given")
	}
}

func TestWriteInitramfsMissingTool(t *testing.T) {
	if _, err := os.Stat("/bin/busybox"); err != nil {
		t.Skip("no /bin/busybox (busybox-static) on this host")
	}
	err := WriteInitramfs(filepath.Join(t.TempDir(), "i"), Guest{HostTools: []string{"/nonexistent/tool"}})
	if !IsMissing(err) {
		t.Errorf("missing host tool: %v, want ErrMissing", err)
	}
}
