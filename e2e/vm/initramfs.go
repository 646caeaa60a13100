package vm

import (
	"bufio"
	"bytes"
	"embed"
	"fmt"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"sort"
	"strings"
)

//go:embed guest
var guestFS embed.FS

// Script is a shell scenario the guest runs, under its name.
type Script struct {
	Name string // e.g. "04-udp": markers and results use it
	Body []byte
}

// Guest describes the initramfs: what to put in it and what to run.
type Guest struct {
	Busybox   string   // a static busybox; "" means /bin/busybox
	Surftrace string   // the static surftrace binary; "" leaves it out
	Modules   []string // kernel modules, loaded in this order
	Scripts   []Script // run in this order
	// HostTools are dynamically linked host programs copied with their
	// libraries and loader, at the same paths (tc, nc: busybox's lack UDP
	// and qdisc classes).
	HostTools []string
	// HostFiles are files copied as they are: guest path → host path (a
	// foreign guest's tools and libraries).
	HostFiles map[string]string
	// Files are extra files: guest path → content.
	Files map[string][]byte
	// ResultsTTY is the guest's device for the results port; "" is ttyS1.
	ResultsTTY string
	// Capture makes /init list what the kernel offers before the scenarios.
	Capture bool
}

// DefaultHostTools are the host programs the scenarios call by full path.
var DefaultHostTools = []string{"/usr/sbin/tc", "/usr/bin/nc"}

// WriteInitramfs writes the guest as an uncompressed newc cpio at dst.
// Uncompressed boots faster under emulation than gzip (the kernel's inflate
// runs emulated too) and costs only host memory. Errors wrap ErrMissing when
// a tool is not on the host.
func WriteInitramfs(dst string, g Guest) error {
	bb := g.Busybox
	if bb == "" {
		bb = "/bin/busybox"
	}
	// A foreign busybox cannot be asked for its applets here: /init
	// installs their links itself at boot.
	var applets []string
	if len(g.HostFiles) == 0 {
		var err error
		if applets, err = busyboxApplets(bb); err != nil {
			return err
		}
	} else if _, err := os.Stat(bb); err != nil {
		return fmt.Errorf("busybox %s: %w (%w)", bb, ErrMissing, err)
	}
	f, err := os.Create(dst)
	if err != nil {
		return fmt.Errorf("initramfs: %w", err)
	}
	defer f.Close()
	c := newCpioWriter(f)
	for _, d := range []string{"/proc", "/sys", "/dev", "/tmp", "/run", "/etc", "/root", "/mnt"} {
		c.Dir(d)
	}
	// The kernel opens /dev/console for init before devtmpfs is mounted.
	c.CharDev("/dev/console", 5, 1)
	if err := addFile(c, "/bin/busybox", bb, 0o755); err != nil {
		return err
	}
	hostNames := map[string]bool{}
	for _, t := range g.HostTools {
		hostNames[path.Base(t)] = true
	}
	for _, a := range applets {
		if a != "busybox" && !hostNames[a] {
			c.Symlink("/bin/"+a, "busybox")
		}
	}
	if len(applets) == 0 {
		c.Symlink("/bin/sh", "busybox")
	}
	if err := addHostTools(c, g.HostTools); err != nil {
		return err
	}
	hostFiles := make([]string, 0, len(g.HostFiles))
	for k := range g.HostFiles {
		hostFiles = append(hostFiles, k)
	}
	sort.Strings(hostFiles)
	for _, dst := range hostFiles {
		if err := addFile(c, dst, g.HostFiles[dst], 0o755); err != nil {
			return err
		}
	}
	if g.Surftrace != "" {
		if err := addFile(c, "/usr/bin/surftrace", g.Surftrace, 0o755); err != nil {
			return err
		}
	}
	var mods []string
	for _, m := range g.Modules {
		dst := "/lib/modules/e2e/" + filepath.Base(m)
		if err := addFile(c, dst, m, 0o644); err != nil {
			return err
		}
		mods = append(mods, dst)
	}
	var names []string
	for _, s := range g.Scripts {
		c.File("/scenarios/"+s.Name+".sh", s.Body, 0o755)
		names = append(names, s.Name)
	}
	tty := g.ResultsTTY
	if tty == "" {
		tty = "/dev/ttyS1"
	}
	conf := fmt.Sprintf("MODULES=%q\nSCENARIOS=%q\nRESULTS=%q\nCAPTURE=%d\nINSTALL_APPLETS=%d\n",
		strings.Join(mods, " "), strings.Join(names, " "), tty, boolInt(g.Capture), boolInt(len(applets) == 0))
	c.File("/etc/e2e.conf", []byte(conf), 0o644)
	if err := addGuestFiles(c); err != nil {
		return err
	}
	keys := make([]string, 0, len(g.Files))
	for k := range g.Files {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		c.File(k, g.Files[k], 0o644)
	}
	if err := c.Close(); err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("initramfs: %w", err)
	}
	return nil
}

// addGuestFiles puts the embedded guest/ scripts in place: init.sh becomes
// /init, the rest go to /lib/e2e/.
func addGuestFiles(c *cpioWriter) error {
	entries, err := guestFS.ReadDir("guest")
	if err != nil {
		return fmt.Errorf("guest scripts: %w", err)
	}
	for _, e := range entries {
		body, err := guestFS.ReadFile("guest/" + e.Name())
		if err != nil {
			return fmt.Errorf("guest scripts: %w", err)
		}
		dst := "/lib/e2e/" + e.Name()
		if e.Name() == "init.sh" {
			dst = "/init"
		}
		c.File(dst, body, 0o755)
	}
	return nil
}

func addFile(c *cpioWriter, dst, src string, perm uint32) error {
	data, err := os.ReadFile(src)
	if err != nil {
		return fmt.Errorf("initramfs: %w", err)
	}
	c.File(dst, data, perm)
	return nil
}

// busyboxApplets lists the applets the busybox binary was built with.
func busyboxApplets(bb string) ([]string, error) {
	out, err := exec.Command(bb, "--list").Output()
	if err != nil {
		return nil, fmt.Errorf("busybox %s: %w (%w)", bb, ErrMissing, err)
	}
	return strings.Fields(string(out)), nil
}

// addHostTools copies each program and the shared objects ldd names for
// it, the dynamic loader included, each at its host path.
func addHostTools(c *cpioWriter, tools []string) error {
	seen := map[string]bool{}
	for _, t := range tools {
		if _, err := os.Stat(t); err != nil {
			return fmt.Errorf("host tool %s: %w", t, ErrMissing)
		}
		libs, err := sharedLibs(t)
		if err != nil {
			return err
		}
		for _, p := range append([]string{t}, libs...) {
			if seen[p] {
				continue
			}
			seen[p] = true
			if err := addFile(c, p, p, 0o755); err != nil {
				return err
			}
		}
	}
	return nil
}

// sharedLibs lists the shared objects bin needs, the loader included.
func sharedLibs(bin string) ([]string, error) {
	out, err := exec.Command("ldd", bin).Output()
	if err != nil {
		// ldd fails on static binaries: they need nothing.
		if bytes.Contains(out, []byte("not a dynamic executable")) {
			return nil, nil
		}
		return nil, fmt.Errorf("ldd %s: %w", bin, err)
	}
	return parseLdd(out), nil
}

// parseLdd reads ldd's lines: "name => /path (addr)" and, for the loader,
// "/path (addr)"; the vdso has no path.
func parseLdd(out []byte) []string {
	var libs []string
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		for i, w := range f {
			if strings.HasPrefix(w, "/") && (i == 0 || f[i-1] == "=>") {
				libs = append(libs, w)
			}
		}
	}
	return libs
}

// boolInt spells a flag for the guest's shell.
func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
