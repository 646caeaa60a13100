package vm

import (
	"context"
	"fmt"
	"io"
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
	// share one build. goarch is the guest's GOARCH.
	Build func(ctx context.Context, root, goarch string) (string, error)
	// Kernel names the matrix kernel to boot ("" for the default).
	Kernel string
	// Progress receives the kernel fetcher's lines (downloads); nil is
	// quiet.
	Progress io.Writer
	// Capture makes the guest list what the kernel offers (BTF, kallsyms,
	// function and event lists, blacklist, tracefs README) before the
	// scenarios; SaveCapture stores it in the kernel cache. By default it
	// is on when the cache has no capture of this kernel yet.
	Capture *bool
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
	// Capture says the guest lists what its kernel offers (see
	// Options.Capture).
	Capture bool
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
	k, err := FindKernel(ctx, o.Kernel, o.Progress)
	if err != nil {
		return nil, err
	}
	e := &Env{Root: root, Kernel: k, Image: k.Image, Append: o.Append,
		ConsoleLog: filepath.Join(o.WorkDir, "console.log"), Initrd: filepath.Join(o.WorkDir, "initrd.cpio")}
	e.Capture = k.Tree != nil && !k.Tree.HasCapture()
	if o.Capture != nil {
		e.Capture = *o.Capture && k.Tree != nil
	}
	cache := bootCache(k, CacheDir(root))
	if !o.BzImage && !k.Foreign() {
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
		build = func(ctx context.Context, root, goarch string) (string, error) {
			return BuildSurftrace(ctx, root, goarch, filepath.Join(CacheDir(root), "surftrace-"+goarch))
		}
	}
	bin, err := build(ctx, root, k.GoArch())
	if err != nil {
		e.BuildErr = err
	}
	logf("surftrace built in %v", time.Since(start).Round(time.Millisecond))
	start = time.Now()
	g := Guest{Surftrace: bin, Modules: k.Modules, Scripts: e.Scripts, HostTools: DefaultHostTools, Capture: e.Capture}
	if k.Foreign() {
		u, err := guestUserland(ctx, k, o.Progress)
		if err != nil {
			return nil, err
		}
		g.Busybox, g.HostTools, g.HostFiles, g.ResultsTTY = u.Busybox, nil, u.Files, "/dev/hvc0"
	}
	if err := WriteInitramfs(e.Initrd, g); err != nil {
		return nil, fmt.Errorf("prepare vm: %w", err)
	}
	logf("initramfs written in %v", time.Since(start).Round(time.Millisecond))
	return e, nil
}

// bootCache is where a kernel's extracted vmlinux is kept: beside the
// kernel in the kernel cache, else in fallback.
func bootCache(k Kernel, fallback string) string {
	if k.Tree != nil {
		return filepath.Join(k.Tree.Dir, "boot")
	}
	return fallback
}

// Machine is the qemu boot of this environment.
func (e *Env) Machine(timeout time.Duration) Machine {
	return Machine{Arch: e.Kernel.Arch, Kernel: e.Image, Initrd: e.Initrd, Append: e.Append, Timeout: timeout, ConsoleLog: e.ConsoleLog}
}

// ImageKind says how the kernel boots, for logs.
func (e *Env) ImageKind() string {
	switch {
	case e.PVH:
		return "PVH vmlinux"
	case e.Kernel.Arch == "aarch64":
		return "arm64 Image"
	}
	return "bzImage"
}

// SaveCapture stores what the guest listed (Report.Files) in the kernel
// cache, beside the kernel; a no-op when this boot captured nothing.
func (e *Env) SaveCapture(r *Report) error {
	if !e.Capture || e.Kernel.Tree == nil {
		return nil
	}
	return saveCapture(e.Kernel.Tree.Captured(), r)
}
