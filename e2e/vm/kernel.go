package vm

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/surftrace/surftrace/e2e/kernels"
)

// Sentinel errors of the harness; callers skip a test on ErrMissing.
var (
	// ErrMissing says something the VM needs (qemu, a host tool) is not on
	// this machine.
	ErrMissing = errors.New("missing")
	// ErrNoELF says a kernel image holds no uncompressed ELF we can find.
	ErrNoELF = errors.New("no vmlinux inside the image")
)

// Kernel is what the VM boots: an image (a bzImage, an ELF vmlinux with a
// PVH entry, or an arm64 Image) and the modules the scenarios load.
type Kernel struct {
	// Name is the matrix's name for it ("6.1", "6.12-arm64"), or "custom"
	// for an image given by SURFTRACE_KERNEL.
	Name  string
	Arch  string // uname -m: x86_64 or aarch64
	Image string // the image as found (bzImage, vmlinux or Image)
	// Modules are the module files to load, in load order.
	Modules []string
	// Tree is the unpacked matrix kernel; nil for a custom image.
	Tree *kernels.Tree
}

// GoArch is the GOARCH of the guest's binaries.
func (k Kernel) GoArch() string {
	if k.Arch == "aarch64" {
		return "arm64"
	}
	return "amd64"
}

// Foreign says the guest cannot borrow the host's programs.
func (k Kernel) Foreign() bool { return k.Arch != "x86_64" }

// Matrix is the kernel matrix the suite runs on.
func Matrix() (*kernels.Matrix, error) { return kernels.Load() }

// FindKernel returns the kernel to boot: SURFTRACE_KERNEL names any x86_64
// image (its modules are taken from a modules/ directory beside it, if
// any); otherwise the matrix kernel of that name ("" for the matrix's
// default), fetched into the kernel cache when it is not there yet
// (progress goes to progress, which may be nil).
func FindKernel(ctx context.Context, name string, progress io.Writer) (Kernel, error) {
	if img := os.Getenv("SURFTRACE_KERNEL"); img != "" {
		return customKernel(img)
	}
	m, err := kernels.Load()
	if err != nil {
		return Kernel{}, err
	}
	if name == "" {
		name = m.Default
	}
	mk, err := m.Kernel(name)
	if err != nil {
		return Kernel{}, err
	}
	f := kernels.NewFetcher(m, kernels.CacheDir())
	f.Progress = progress
	t, err := f.Fetch(ctx, mk)
	if err != nil {
		return Kernel{}, fmt.Errorf("test kernel %s: %w", name, err)
	}
	return Kernel{Name: mk.Name, Arch: mk.QemuArch(), Image: t.Image, Modules: t.Modules, Tree: t}, nil
}

func customKernel(image string) (Kernel, error) {
	if _, err := os.Stat(image); err != nil {
		return Kernel{}, fmt.Errorf("kernel image %s: %w (%w)", image, ErrMissing, err)
	}
	k := Kernel{Name: "custom", Arch: "x86_64", Image: image}
	mods, _ := filepath.Glob(filepath.Join(filepath.Dir(image), "modules", "*.ko"))
	k.Modules = mods
	return k, nil
}

// guestUserland returns the programs a foreign guest runs instead of the
// host's: its busybox and its tools with their libraries.
func guestUserland(ctx context.Context, k Kernel, progress io.Writer) (*kernels.Userland, error) {
	m, err := kernels.Load()
	if err != nil {
		return nil, err
	}
	f := kernels.NewFetcher(m, kernels.CacheDir())
	f.Progress = progress
	return f.FetchGuest(ctx, k.GoArch())
}

// Fetch puts kernel name (and, for another architecture, the userland its
// guest runs) in the cache ahead of Prepare: a run that fetches every
// kernel first, while it builds, waits on the network once instead of
// holding a boot slot for each download.
func Fetch(ctx context.Context, name string, progress io.Writer) error {
	k, err := FindKernel(ctx, name, progress)
	if err != nil || !k.Foreign() {
		return err
	}
	_, err = guestUserland(ctx, k, progress)
	return err
}
