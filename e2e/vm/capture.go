package vm

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// saveCapture writes the files a guest captured into dir (replacing an
// earlier capture), and marks it complete. A capture cut short is not
// saved: the next boot captures again.
func saveCapture(dir string, r *Report) error {
	if !r.Captured || len(r.Files) == 0 {
		return fmt.Errorf("capture: the guest did not finish listing its kernel")
	}
	tmp := dir + ".new"
	if err := os.RemoveAll(tmp); err != nil {
		return fmt.Errorf("capture: %w", err)
	}
	for name, data := range r.Files {
		if strings.Contains(name, "..") || filepath.IsAbs(name) {
			return fmt.Errorf("capture: bad file name %q", name)
		}
		p := filepath.Join(tmp, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return fmt.Errorf("capture: %w", err)
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			return fmt.Errorf("capture: %w", err)
		}
	}
	if err := os.WriteFile(filepath.Join(tmp, ".done"), nil, 0o644); err != nil {
		return fmt.Errorf("capture: %w", err)
	}
	if err := os.RemoveAll(dir); err != nil {
		return fmt.Errorf("capture: %w", err)
	}
	return os.Rename(tmp, dir)
}
