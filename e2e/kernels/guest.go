package kernels

import (
	"context"
	"debug/elf"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// Userland is a foreign-architecture guest's programs, unpacked from its
// own packages.
type Userland struct {
	// Busybox is the static busybox.
	Busybox string
	// Files maps a guest path to the host file that goes there: the tools
	// the scenarios call (tc, nc) and the shared objects they need.
	Files map[string]string
}

// GuestTools maps the paths the scenarios call tools by to where the
// packages put them.
var GuestTools = map[string][]string{
	"/usr/sbin/tc": {"sbin/tc", "usr/sbin/tc"},
	"/usr/bin/nc":  {"bin/nc.openbsd", "usr/bin/nc.openbsd"},
}

// FetchGuest returns the userland of arch's guest, fetching and unpacking
// its packages first when needed.
func (f *Fetcher) FetchGuest(ctx context.Context, arch string) (*Userland, error) {
	g, ok := f.Matrix.Guests[arch]
	if !ok {
		return nil, fmt.Errorf("%s names no guest packages for %s", MatrixFile, arch)
	}
	dir := filepath.Join(f.Dir, "guest-"+arch)
	want := strings.Join(g.Packages, " ") + "\n"
	if u, err := loadGuest(dir, arch, want); err == nil {
		return u, nil
	}
	unlock, err := f.lock()
	if err != nil {
		return nil, err
	}
	defer unlock()
	if u, err := loadGuest(dir, arch, want); err == nil {
		return u, nil
	}
	if err := f.apt.setup(f.suites()); err != nil {
		return nil, err
	}
	tmp, err := os.MkdirTemp(f.Dir, ".guest-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	f.say("downloading the %s guest's busybox and tools (%d packages)…", arch, len(g.Packages))
	for _, p := range g.Packages {
		if err := f.apt.download(ctx, tmp, p+":"+arch+"/"+g.Suite); err != nil {
			return nil, fmt.Errorf("%s guest: %w", arch, err)
		}
	}
	if err := os.RemoveAll(dir); err != nil {
		return nil, err
	}
	root := filepath.Join(dir, "root")
	if err := os.MkdirAll(root, 0o755); err != nil {
		return nil, err
	}
	debs, _ := filepath.Glob(filepath.Join(tmp, "*.deb"))
	for _, d := range debs {
		if out, err := exec.CommandContext(ctx, "dpkg-deb", "-x", d, root).CombinedOutput(); err != nil {
			return nil, fmt.Errorf("dpkg-deb -x %s: %w: %s", d, err, out)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, ".done"), []byte(want), 0o644); err != nil {
		return nil, err
	}
	return loadGuest(dir, arch, want)
}

func loadGuest(dir, arch, want string) (*Userland, error) {
	got, err := os.ReadFile(filepath.Join(dir, ".done"))
	if err != nil || string(got) != want {
		return nil, fmt.Errorf("%s guest not unpacked", arch)
	}
	root := filepath.Join(dir, "root")
	u := &Userland{Files: map[string]string{}}
	for _, p := range []string{"bin/busybox", "usr/bin/busybox"} {
		if st, err := os.Stat(filepath.Join(root, p)); err == nil && st.Mode().IsRegular() {
			u.Busybox = filepath.Join(root, p)
			break
		}
	}
	if u.Busybox == "" {
		return nil, fmt.Errorf("%s guest: no busybox in %s", arch, root)
	}
	var bins []string
	for guest, cands := range GuestTools {
		for _, c := range cands {
			p := filepath.Join(root, c)
			if real, err := filepath.EvalSymlinks(p); err == nil {
				u.Files[guest] = real
				bins = append(bins, real)
				break
			}
		}
		if _, ok := u.Files[guest]; !ok {
			return nil, fmt.Errorf("%s guest: no %s among %v", arch, guest, cands)
		}
	}
	libs, err := neededClosure(root, bins)
	if err != nil {
		return nil, fmt.Errorf("%s guest: %w", arch, err)
	}
	for g, h := range libs {
		u.Files[g] = h
	}
	return u, nil
}

// libDirs are where a Debian userland keeps shared objects, relative to
// its root, for the architectures the matrix has.
var libDirs = []string{"lib/aarch64-linux-gnu", "usr/lib/aarch64-linux-gnu", "lib", "usr/lib", "lib/x86_64-linux-gnu", "usr/lib/x86_64-linux-gnu"}

// neededClosure finds, under root, the dynamic loader and every shared
// object the binaries need (DT_NEEDED, transitively), as guest path →
// host file. It reads the ELF headers, so it works for any architecture.
func neededClosure(root string, bins []string) (map[string]string, error) {
	out := map[string]string{}
	seen := map[string]bool{}
	queue := append([]string(nil), bins...)
	for len(queue) > 0 {
		bin := queue[0]
		queue = queue[1:]
		f, err := elf.Open(bin)
		if err != nil {
			return nil, err
		}
		needed, _ := f.ImportedLibraries()
		for _, p := range f.Progs {
			if p.Type == elf.PT_INTERP {
				b := make([]byte, p.Filesz)
				p.ReadAt(b, 0)
				interp := strings.TrimRight(string(b), "\x00")
				host, err := filepath.EvalSymlinks(filepath.Join(root, interp))
				if err != nil {
					f.Close()
					return nil, fmt.Errorf("loader %s of %s: %w", interp, bin, err)
				}
				out[interp] = host
			}
		}
		f.Close()
		for _, n := range needed {
			if seen[n] {
				continue
			}
			seen[n] = true
			found := false
			for _, d := range libDirs {
				host, err := filepath.EvalSymlinks(filepath.Join(root, d, n))
				if err == nil {
					out["/"+d+"/"+n] = host
					queue = append(queue, host)
					found = true
					break
				}
			}
			if !found {
				return nil, fmt.Errorf("%s needs %s: not in the guest packages (add its package to the guest line of %s)", bin, n, MatrixFile)
			}
		}
	}
	return out, nil
}
