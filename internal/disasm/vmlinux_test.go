package disasm

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"

	"github.com/surftrace/surftrace/internal/testkernel"
)

// testKernelFile is a file of the committed test kernel (the Debian 6.1
// kernel of testdata/kernels); its image comes from the kernel cache.
func testKernelFile(t *testing.T, name string) string {
	t.Helper()
	if name == "vmlinuz" {
		return testkernel.Vmlinuz(t)
	}
	return filepath.Join(testkernel.Need(t), name)
}

var vmlinuxOnce struct {
	sync.Once
	path string
	err  error
}

// testVmlinux extracts the ELF from the test kernel's bzImage the way the
// kernel tree's scripts/extract-vmlinux does: find the xz stream's magic and
// unpack from there. xz complains about the bytes after the stream; the
// output is kept when it is an ELF. The result is cached across runs in the
// user cache directory (keyed by the bzImage's size and time).
func testVmlinux(t *testing.T) string {
	t.Helper()
	bz := testKernelFile(t, "vmlinuz")
	vmlinuxOnce.Do(func() {
		vmlinuxOnce.path, vmlinuxOnce.err = extractVmlinux(bz)
	})
	if vmlinuxOnce.err != nil {
		t.Skipf("extract vmlinux from %s: %v", bz, vmlinuxOnce.err)
	}
	return vmlinuxOnce.path
}

func extractVmlinux(bz string) (string, error) {
	st, err := os.Stat(bz)
	if err != nil {
		return "", err
	}
	dir, err := os.UserCacheDir()
	if err != nil {
		dir = os.TempDir()
	}
	dir = filepath.Join(dir, "surftrace-test")
	out := filepath.Join(dir, fmt.Sprintf("vmlinux-%d-%d", st.Size(), st.ModTime().Unix()))
	if isELF(out) {
		return out, nil
	}
	if _, err := exec.LookPath("xz"); err != nil {
		return "", fmt.Errorf("xz not installed")
	}
	data, err := os.ReadFile(bz)
	if err != nil {
		return "", err
	}
	i := bytes.Index(data, []byte("\xfd7zXZ\x00"))
	if i < 0 {
		return "", fmt.Errorf("no xz stream in %s", bz)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	tmp, err := os.CreateTemp(dir, "vmlinux-*")
	if err != nil {
		return "", err
	}
	defer os.Remove(tmp.Name())
	cmd := exec.Command("xz", "-dc")
	cmd.Stdin = bytes.NewReader(data[i:])
	cmd.Stdout = tmp
	runErr := cmd.Run() // "compressed data is corrupt" at the trailing bytes
	tmp.Close()
	if !isELF(tmp.Name()) {
		return "", fmt.Errorf("xz: %v: no ELF", runErr)
	}
	return out, os.Rename(tmp.Name(), out)
}

func isELF(path string) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	magic := make([]byte, 4)
	_, err = f.Read(magic)
	return err == nil && string(magic) == "\x7fELF"
}
