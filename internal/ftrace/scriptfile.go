package ftrace

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// ErrUnsafeTarget: the file a script should be written to is a symbolic
// link or not a regular file. Root writing through a link planted in a
// shared directory (/tmp) would overwrite whatever it points to.
var ErrUnsafeTarget = errors.New("not a regular file")

// WriteScriptFile writes script to path as a new file of mode 0755 and
// renames it over path, so the result never follows a symbolic link and
// never keeps an existing file's owner or mode (a world-writable file
// stays no script of root's). A path that is a symbolic link or not a
// regular file is refused with ErrUnsafeTarget.
func WriteScriptFile(path string, script []byte) error {
	if st, err := os.Lstat(path); err == nil {
		switch {
		case st.Mode()&os.ModeSymlink != 0:
			return fmt.Errorf("write script %s: it is a symbolic link, %w; give the path it points to, or another name", path, ErrUnsafeTarget)
		case !st.Mode().IsRegular():
			return fmt.Errorf("write script %s: it exists and is %w", path, ErrUnsafeTarget)
		}
	} else if !os.IsNotExist(err) {
		return fmt.Errorf("write script: %w", err)
	}
	// CreateTemp opens with O_CREATE|O_EXCL: a name planted in the
	// directory makes it try another, never write through it.
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return fmt.Errorf("write script: %w", err)
	}
	tmp := f.Name()
	err = f.Chmod(0o755)
	if err == nil {
		_, err = f.Write(script)
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("write script %s: %w", path, err)
	}
	return nil
}
