package vm

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
)

// ModulePath is the Go module the harness belongs to; RepoRoot looks for it.
const ModulePath = "github.com/surftrace/surftrace"

// RepoRoot walks up from the working directory to the go.mod of surftrace.
func RepoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", fmt.Errorf("repo root: %w", err)
	}
	for {
		mod, err := os.ReadFile(filepath.Join(dir, "go.mod"))
		if err == nil && bytes.HasPrefix(mod, []byte("module "+ModulePath+"\n")) {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("repo root: no go.mod of %s above the working directory", ModulePath)
		}
		dir = parent
	}
}

// CacheDir is where extracted kernels and built binaries are kept between
// runs (gitignored).
func CacheDir(root string) string { return filepath.Join(root, "e2e", ".cache") }

// BuildSurftrace builds the static binary the guest runs (for goarch)
// into out, or takes SURFTRACE_BIN when set for an amd64 guest. go build
// is incremental, so an unchanged tree costs little. The error carries the
// compiler's output.
func BuildSurftrace(ctx context.Context, root, goarch, out string) (string, error) {
	if bin := os.Getenv("SURFTRACE_BIN"); bin != "" && goarch == "amd64" {
		return bin, nil
	}
	goBin, err := exec.LookPath("go")
	if err != nil {
		goBin = filepath.Join(os.Getenv("GOROOT"), "bin", "go")
		if _, err := os.Stat(goBin); err != nil {
			goBin = "/usr/local/go/bin/go"
		}
	}
	if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
		return "", fmt.Errorf("build surftrace: %w", err)
	}
	cmd := exec.CommandContext(ctx, goBin, "build", "-trimpath", "-o", out, "./cmd/surftrace")
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux", "GOARCH="+goarch)
	if msg, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("build surftrace: %w\n%s", err, msg)
	}
	return out, nil
}

// LoadScripts reads the scenarios NN-name.sh of dir in name order; with
// names given, only those (by name, without .sh), in dir order.
func LoadScripts(dir string, names ...string) ([]Script, error) {
	paths, err := filepath.Glob(filepath.Join(dir, "*.sh"))
	if err != nil {
		return nil, fmt.Errorf("scenarios: %w", err)
	}
	sort.Strings(paths)
	want := map[string]bool{}
	for _, n := range names {
		want[n] = true
	}
	var out []Script
	for _, p := range paths {
		name := strings.TrimSuffix(filepath.Base(p), ".sh")
		if len(names) > 0 && !want[name] {
			continue
		}
		body, err := os.ReadFile(p)
		if err != nil {
			return nil, fmt.Errorf("scenarios: %w", err)
		}
		out = append(out, Script{Name: name, Body: body})
		delete(want, name)
	}
	if len(want) > 0 {
		var missing []string
		for n := range want {
			missing = append(missing, n)
		}
		sort.Strings(missing)
		return nil, fmt.Errorf("scenarios %s not in %s: %w", strings.Join(missing, ", "), dir, ErrMissing)
	}
	return out, nil
}

// Preflight checks the host has what a boot needs; the error wraps
// ErrMissing and names every missing piece (the suite skips on it;
// scripts/deps.sh installs them).
func Preflight() error {
	var missing []string
	for _, tool := range []string{qemuBinaries["x86_64"], qemuBinaries["aarch64"], "ldd", "apt-get", "dpkg-deb", "xz", "zstd"} {
		if _, err := exec.LookPath(tool); err != nil {
			missing = append(missing, tool)
		}
	}
	for _, f := range append([]string{"/bin/busybox"}, DefaultHostTools...) {
		if _, err := os.Stat(f); err != nil {
			missing = append(missing, f)
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("%s: %w", strings.Join(missing, ", "), ErrMissing)
	}
	return nil
}

// IsMissing reports whether err says something is not on this machine.
func IsMissing(err error) bool { return errors.Is(err, ErrMissing) }
