package kernels

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// Tree is a kernel unpacked in the cache.
type Tree struct {
	Kernel Kernel
	Dir    string
	// Image is the boot image as packaged: a bzImage on amd64, an Image on
	// arm64.
	Image string
	// Release is the kernel's uname -r.
	Release string
	// Modules are the uncompressed modules to load, in load order.
	Modules []string
}

// Captured is the directory holding what the kernel itself listed at its
// first boot (BTF, kallsyms, function and event lists, the kprobes
// blacklist, the tracefs README); see HasCapture.
func (t *Tree) Captured() string { return filepath.Join(t.Dir, "captured") }

// HasCapture says the first boot's capture is there.
func (t *Tree) HasCapture() bool {
	_, err := os.Stat(filepath.Join(t.Captured(), ".done"))
	return err == nil
}

// Fetcher fetches kernels into one cache; it may be used by several
// goroutines, and several processes may share the cache (a lock file
// serializes them).
type Fetcher struct {
	Matrix *Matrix
	Dir    string
	// Progress receives one line per step worth telling (downloads and
	// their size); nil is quiet.
	Progress io.Writer
	apt      *apt
}

// NewFetcher returns a fetcher for the matrix, on the cache directory.
func NewFetcher(m *Matrix, dir string) *Fetcher {
	return &Fetcher{Matrix: m, Dir: dir, apt: newApt(dir)}
}

func (f *Fetcher) say(format string, args ...any) {
	if f.Progress != nil {
		fmt.Fprintf(f.Progress, "kernels: "+format+"\n", args...)
	}
}

// lock takes the cache's lock file; the returned func releases it.
func (f *Fetcher) lock() (func(), error) {
	if err := os.MkdirAll(f.Dir, 0o755); err != nil {
		return nil, fmt.Errorf("kernel cache: %w", err)
	}
	fd, err := os.OpenFile(filepath.Join(f.Dir, ".lock"), os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, fmt.Errorf("kernel cache: %w", err)
	}
	if err := syscall.Flock(int(fd.Fd()), syscall.LOCK_EX); err != nil {
		fd.Close()
		return nil, fmt.Errorf("kernel cache lock: %w", err)
	}
	return func() { fd.Close() }, nil
}

func (f *Fetcher) suites() []string {
	var s []string
	for _, k := range f.Matrix.Kernels {
		s = append(s, k.Suite)
	}
	for _, g := range f.Matrix.Guests {
		s = append(s, g.Suite)
	}
	return s
}

// Fetch returns the kernel unpacked in the cache, downloading, checking
// and unpacking it first when it is not there yet.
func (f *Fetcher) Fetch(ctx context.Context, k Kernel) (*Tree, error) {
	dir := filepath.Join(f.Dir, k.Name)
	if t, err := f.load(k, dir); err == nil {
		return t, nil
	}
	unlock, err := f.lock()
	if err != nil {
		return nil, err
	}
	defer unlock()
	if t, err := f.load(k, dir); err == nil {
		return t, nil // another process fetched it meanwhile
	}
	if err := f.apt.setup(f.suites()); err != nil {
		return nil, err
	}
	deb, err := f.downloadKernel(ctx, k)
	if err != nil {
		return nil, err
	}
	defer os.Remove(deb)
	if err := f.unpackKernel(ctx, k, deb, dir); err != nil {
		return nil, err
	}
	return f.load(k, dir)
}

// stamp is what a complete unpacking records: a changed pin unpacks anew.
func stamp(k Kernel) string { return k.Package + " " + k.Version + " " + k.SHA256 + "\n" }

func (f *Fetcher) load(k Kernel, dir string) (*Tree, error) {
	got, err := os.ReadFile(filepath.Join(dir, ".done"))
	if err != nil || string(got) != stamp(k) {
		return nil, fmt.Errorf("kernel %s not unpacked", k.Name)
	}
	rel, err := os.ReadFile(filepath.Join(dir, "release"))
	if err != nil {
		return nil, fmt.Errorf("kernel %s: %w", k.Name, err)
	}
	t := &Tree{Kernel: k, Dir: dir, Image: filepath.Join(dir, "vmlinuz"), Release: strings.TrimSpace(string(rel))}
	order, _ := os.ReadFile(filepath.Join(dir, "modules", "modules.order"))
	for _, m := range strings.Fields(string(order)) {
		t.Modules = append(t.Modules, filepath.Join(dir, "modules", m))
	}
	return t, nil
}

func (f *Fetcher) downloadKernel(ctx context.Context, k Kernel) (string, error) {
	debs := filepath.Join(f.Dir, "debs")
	if err := os.MkdirAll(debs, 0o755); err != nil {
		return "", fmt.Errorf("kernel cache: %w", err)
	}
	pkg := k.Package + ":" + k.Arch + "=" + k.Version
	start := time.Now()
	f.say("downloading %s (%s %s, %s)…", k.Name, k.Package, k.Version, k.Arch)
	if err := f.apt.download(ctx, debs, pkg); err != nil {
		if errors.Is(err, ErrGone) {
			cur, _, perr := f.apt.policy(ctx, k.Package+":"+k.Arch)
			hint := ""
			if perr == nil {
				hint = fmt.Sprintf(" (the archive now has %s)", cur)
			}
			return "", fmt.Errorf("kernel %s: %s %s is no longer in the archive%s: pin the current version and its sha256 on the kernel's line of %s (go run ./e2e/cmd/kernels -policy %s prints both): %w",
				k.Name, k.Package, k.Version, hint, MatrixFile, k.Name, err)
		}
		return "", fmt.Errorf("kernel %s: %w", k.Name, err)
	}
	deb, err := findDeb(debs, k.Package, k.Arch)
	if err != nil {
		return "", err
	}
	sum, size, err := fileSHA256(deb)
	if err != nil {
		return "", err
	}
	if sum != k.SHA256 {
		os.Remove(deb)
		return "", fmt.Errorf("kernel %s: %s has sha256 %s, %s pins %s", k.Name, filepath.Base(deb), sum, MatrixFile, k.SHA256)
	}
	f.say("%s: %.0f MB in %v, sha256 checked", k.Name, float64(size)/1e6, time.Since(start).Round(100*time.Millisecond))
	return deb, nil
}

// findDeb finds the downloaded .deb of pkg (apt names it
// NAME_VERSION_ARCH.deb, the version's ':' escaped).
func findDeb(dir, pkg, arch string) (string, error) {
	m, _ := filepath.Glob(filepath.Join(dir, pkg+"_*_"+arch+".deb"))
	if len(m) == 0 {
		m, _ = filepath.Glob(filepath.Join(dir, pkg+"_*_all.deb"))
	}
	if len(m) != 1 {
		return "", fmt.Errorf("apt-get download %s: found %d .deb files in %s", pkg, len(m), dir)
	}
	return m[0], nil
}

func fileSHA256(path string) (string, int64, error) {
	fd, err := os.Open(path)
	if err != nil {
		return "", 0, err
	}
	defer fd.Close()
	h := sha256.New()
	n, err := io.Copy(h, fd)
	if err != nil {
		return "", 0, fmt.Errorf("%s: %w", path, err)
	}
	return hex.EncodeToString(h.Sum(nil)), n, nil
}

// unpackKernel extracts the image, config and wanted modules of deb into
// dir, replacing whatever was there.
func (f *Fetcher) unpackKernel(ctx context.Context, k Kernel, deb, dir string) error {
	tmp, err := os.MkdirTemp(f.Dir, ".unpack-")
	if err != nil {
		return fmt.Errorf("kernel cache: %w", err)
	}
	defer os.RemoveAll(tmp)
	if out, err := exec.CommandContext(ctx, "dpkg-deb", "-x", deb, tmp).CombinedOutput(); err != nil {
		return fmt.Errorf("dpkg-deb -x %s: %w: %s", deb, err, out)
	}
	images, _ := filepath.Glob(filepath.Join(tmp, "boot", "vmlinuz-*"))
	if len(images) != 1 {
		return fmt.Errorf("kernel %s: %d boot/vmlinuz-* in %s", k.Name, len(images), filepath.Base(deb))
	}
	release := strings.TrimPrefix(filepath.Base(images[0]), "vmlinuz-")
	if err := os.RemoveAll(dir); err != nil {
		return fmt.Errorf("kernel cache: %w", err)
	}
	if err := os.MkdirAll(filepath.Join(dir, "modules"), 0o755); err != nil {
		return fmt.Errorf("kernel cache: %w", err)
	}
	for src, dst := range map[string]string{
		images[0]: "vmlinuz",
		filepath.Join(tmp, "boot", "config-"+release): "config",
	} {
		if err := os.Rename(src, filepath.Join(dir, dst)); err != nil {
			return fmt.Errorf("kernel %s: %w", k.Name, err)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "release"), []byte(release+"\n"), 0o644); err != nil {
		return err
	}
	modTree := filepath.Join(tmp, "lib", "modules", release)
	if _, err := os.Stat(modTree); err != nil {
		modTree = filepath.Join(tmp, "usr", "lib", "modules", release)
	}
	if err := copyModules(ctx, modTree, filepath.Join(dir, "modules"), f.Matrix.Modules); err != nil {
		return fmt.Errorf("kernel %s: %w", k.Name, err)
	}
	return os.WriteFile(filepath.Join(dir, ".done"), []byte(stamp(k)), 0o644)
}

// Current downloads the archive's current version of k's package and
// returns that version and the .deb's sha256: the line to pin when the
// pinned version has gone.
func (f *Fetcher) Current(ctx context.Context, k Kernel) (version, sum string, err error) {
	if err := f.apt.setup(f.suites()); err != nil {
		return "", "", err
	}
	version, _, err = f.apt.policy(ctx, k.Package+":"+k.Arch)
	if err != nil {
		return "", "", err
	}
	tmp, err := os.MkdirTemp(f.Dir, ".policy-")
	if err != nil {
		return "", "", err
	}
	defer os.RemoveAll(tmp)
	if err := f.apt.download(ctx, tmp, k.Package+":"+k.Arch+"="+version); err != nil {
		return "", "", err
	}
	deb, err := findDeb(tmp, k.Package, k.Arch)
	if err != nil {
		return "", "", err
	}
	sum, _, err = fileSHA256(deb)
	return version, sum, err
}
