package vm

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// Sentinel errors of the harness; callers skip a test on ErrMissing.
var (
	// ErrMissing says something the VM needs (kernel, qemu, a host tool)
	// is not on this machine.
	ErrMissing = errors.New("missing")
	// ErrNoELF says a kernel image holds no uncompressed ELF we can find.
	ErrNoELF = errors.New("no vmlinux inside the image")
)

// DefaultKernel is the stock kernel the suite is written against, in the
// shared kernels directory beside the repository.
const DefaultKernel = "debian-6.1.0-56-amd64"

// Kernel is what the VM boots: an image (a bzImage, or an ELF vmlinux with a
// PVH entry) and the directory holding the modules the scenarios load.
type Kernel struct {
	Image      string // the image as found (bzImage or vmlinux)
	ModulesDir string // "" when the kernel has no modules/ beside it
}

// FindKernel locates the kernel to boot. SURFTRACE_KERNEL names any image
// (its modules are taken from a modules/ directory beside it, if any);
// otherwise SURFTRACE_KERNEL_DIR names a kernel directory holding vmlinuz
// and modules/; otherwise the default test kernel under
// ../shared/kernels/ from the repository root is used. The error wraps
// ErrMissing when no image exists.
func FindKernel(repoRoot string) (Kernel, error) {
	if img := os.Getenv("SURFTRACE_KERNEL"); img != "" {
		return kernelAt(img, filepath.Join(filepath.Dir(img), "modules"))
	}
	dir := os.Getenv("SURFTRACE_KERNEL_DIR")
	if dir == "" {
		dir = filepath.Join(repoRoot, "..", "shared", "kernels", DefaultKernel)
	}
	return kernelAt(filepath.Join(dir, "vmlinuz"), filepath.Join(dir, "modules"))
}

func kernelAt(image, modules string) (Kernel, error) {
	if _, err := os.Stat(image); err != nil {
		return Kernel{}, fmt.Errorf("kernel image %s: %w (%w)", image, ErrMissing, err)
	}
	k := Kernel{Image: image}
	if st, err := os.Stat(modules); err == nil && st.IsDir() {
		k.ModulesDir = modules
	}
	return k, nil
}

// Modules lists the kernel modules to load in the guest, in load order.
func (k Kernel) Modules() []string {
	if k.ModulesDir == "" {
		return nil
	}
	mods, _ := filepath.Glob(filepath.Join(k.ModulesDir, "*.ko"))
	return mods
}
