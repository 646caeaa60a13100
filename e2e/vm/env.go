package vm

import (
	"context"
	"fmt"
	"path/filepath"
	"time"
)

// Options say what Prepare assembles.
type Options struct {
	// Scripts to run; when nil, the scenarios of ScenarioDir (default
	// e2e/scenarios of the repository), or only those named in Only.
	Scripts     []Script
	ScenarioDir string
	Only        []string
	// BzImage boots the compressed image as given (KASLR on) instead of
	// the extracted vmlinux.
	BzImage bool
	// WorkDir receives the initramfs and the console log.
	WorkDir string
	// Append is added to the kernel command line.
	Append string
	// Logf, if set, is told what was chosen and how long steps took.
	Logf func(format string, args ...any)
	// Build, if set, replaces BuildSurftrace: boots running side by side
	// share one build.
	Build func(ctx context.Context, root string) (string, error)
}

// Env is a prepared boot: everything qemu needs, on disk.
type Env struct {
	Root       string // the repository
	Kernel     Kernel
	Image      string // what -kernel gets
	PVH        bool   // Image is an extracted vmlinux booted through PVH
	Initrd     string
	ConsoleLog string
	Append     string
	Scripts    []Script
	// BuildErr is set when surftrace did not build: the guest then has no
	// surftrace, and the scenarios that run it fail, but the rest still run.
	BuildErr error
}

// Prepare finds the kernel, extracts its vmlinux (cached), builds
// surftrace and writes the initramfs. Errors wrap ErrMissing when this
// host cannot boot the VM at all.
func Prepare(ctx context.Context, o Options) (*Env, error) {
	logf := o.Logf
	if logf == nil {
		logf = func(string, ...any) {}
	}
	if err := Preflight(); err != nil {
		return nil, err
	}
	root, err := RepoRoot()
	if err != nil {
		return nil, err
	}
	k, err := FindKernel(root)
	if err != nil {
		return nil, err
	}
	e := &Env{Root: root, Kernel: k, Image: k.Image, Append: o.Append,
		ConsoleLog: filepath.Join(o.WorkDir, "console.log"), Initrd: filepath.Join(o.WorkDir, "initrd.cpio")}
	cache := CacheDir(root)
	if !o.BzImage {
		start := time.Now()
		img, pvh, err := BootImage(k.Image, cache)
		if err != nil {
			logf("booting %s as is: %v", k.Image, err)
		}
		e.Image, e.PVH = img, pvh
		logf("kernel %s (vmlinux ready in %v)", e.Image, time.Since(start).Round(time.Millisecond))
	}
	e.Scripts = o.Scripts
	if e.Scripts == nil {
		dir := o.ScenarioDir
		if dir == "" {
			dir = filepath.Join(root, "e2e", "scenarios")
		}
		if e.Scripts, err = LoadScripts(dir, o.Only...); err != nil {
			return nil, err
		}
	}
	start := time.Now()
	build := o.Build
	if build == nil {
		build = func(ctx context.Context, root string) (string, error) {
			return BuildSurftrace(ctx, root, filepath.Join(CacheDir(root), "surftrace"))
		}
	}
	bin, err := build(ctx, root)
	if err != nil {
		e.BuildErr = err
	}
	logf("surftrace built in %v", time.Since(start).Round(time.Millisecond))
	start = time.Now()
	g := Guest{Surftrace: bin, Modules: k.Modules(), Scripts: e.Scripts, HostTools: DefaultHostTools}
	if err := WriteInitramfs(e.Initrd, g); err != nil {
		return nil, fmt.Errorf("prepare vm: %w", err)
	}
	logf("initramfs written in %v", time.Since(start).Round(time.Millisecond))
	return e, nil
}

// Machine is the qemu boot of this environment.
func (e *Env) Machine(timeout time.Duration) Machine {
	return Machine{Kernel: e.Image, Initrd: e.Initrd, Append: e.Append, Timeout: timeout, ConsoleLog: e.ConsoleLog}
}

// ImageKind says how the kernel boots, for logs.
func (e *Env) ImageKind() string {
	if e.PVH {
		return "PVH vmlinux"
	}
	return "bzImage"
}
