package kernels

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
)

// ErrNoArchive says no Debian archive could be found in the system's apt
// sources to fetch kernels from.
var ErrNoArchive = errors.New("no Debian archive in the apt sources")

// ErrGone says a pinned package version is no longer in the archive.
var ErrGone = errors.New("no longer in the archive")

// archive is a Debian archive's address as the system's apt sources give
// it, with the keyring that signs it.
type archive struct{ uri, signedBy string }

// debianArchives finds the archive and the security archive among the
// system's apt sources, so that a local mirror is used as the system uses
// it. SURFTRACE_DEBIAN_MIRROR and SURFTRACE_DEBIAN_SECURITY override them.
func debianArchives() (main, security archive, err error) {
	for _, e := range systemSources() {
		for _, s := range e.suites {
			if strings.HasSuffix(s, "-security") || strings.HasSuffix(s, "/updates") {
				if security.uri == "" {
					security = archive{e.uri, e.signedBy}
				}
			} else if main.uri == "" && isDebianSuite(s) {
				main = archive{e.uri, e.signedBy}
			}
		}
	}
	key := "/usr/share/keyrings/debian-archive-keyring.gpg"
	if v := os.Getenv("SURFTRACE_DEBIAN_MIRROR"); v != "" {
		main = archive{v, key}
	}
	if v := os.Getenv("SURFTRACE_DEBIAN_SECURITY"); v != "" {
		security = archive{v, key}
	}
	for _, a := range []*archive{&main, &security} {
		if a.signedBy == "" {
			a.signedBy = key
		}
	}
	if main.uri == "" || security.uri == "" {
		return main, security, fmt.Errorf("%w (looked in /etc/apt/sources.list and sources.list.d for a Debian suite and its -security suite): set SURFTRACE_DEBIAN_MIRROR and SURFTRACE_DEBIAN_SECURITY to their URIs", ErrNoArchive)
	}
	return main, security, nil
}

// isDebianSuite tells a Debian release's suite from a third party's
// ("nodistro", "cloud-sdk-bookworm").
func isDebianSuite(s string) bool {
	base, _, _ := strings.Cut(s, "-")
	switch base {
	case "buster", "bullseye", "bookworm", "trixie", "forky", "sid", "stable", "oldstable", "testing", "unstable":
		return true
	}
	return false
}

type sourceEntry struct {
	uri, signedBy string
	suites        []string
}

// systemSources reads the one-line and deb822 apt sources of this system
// (binary "deb" entries only).
func systemSources() []sourceEntry {
	var out []sourceEntry
	files := []string{"/etc/apt/sources.list"}
	more, _ := filepath.Glob("/etc/apt/sources.list.d/*")
	files = append(files, more...)
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		switch {
		case strings.HasSuffix(f, ".sources"):
			out = append(out, parseDeb822(data)...)
		case strings.HasSuffix(f, ".list"):
			out = append(out, parseOneLine(data)...)
		}
	}
	return out
}

func parseOneLine(data []byte) []sourceEntry {
	var out []sourceEntry
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		line, _, _ := strings.Cut(sc.Text(), "#")
		f := strings.Fields(line)
		if len(f) < 3 || f[0] != "deb" {
			continue
		}
		e := sourceEntry{}
		i := 1
		if strings.HasPrefix(f[1], "[") {
			for ; i < len(f); i++ {
				opt := strings.Trim(f[i], "[]")
				if v, ok := strings.CutPrefix(opt, "signed-by="); ok {
					e.signedBy = v
				}
				if strings.HasSuffix(f[i], "]") {
					i++
					break
				}
			}
		}
		if i+1 >= len(f) {
			continue
		}
		e.uri, e.suites = f[i], []string{f[i+1]}
		out = append(out, e)
	}
	return out
}

func parseDeb822(data []byte) []sourceEntry {
	var out []sourceEntry
	for _, stanza := range strings.Split(string(data), "\n\n") {
		fields := map[string]string{}
		for _, line := range strings.Split(stanza, "\n") {
			if strings.HasPrefix(line, "#") {
				continue
			}
			k, v, ok := strings.Cut(line, ":")
			if ok && !strings.HasPrefix(k, " ") {
				fields[strings.ToLower(strings.TrimSpace(k))] = strings.TrimSpace(v)
			}
		}
		if !strings.Contains(" "+fields["types"]+" ", " deb ") || fields["enabled"] == "no" {
			continue
		}
		for _, uri := range strings.Fields(fields["uris"]) {
			out = append(out, sourceEntry{uri: uri, signedBy: fields["signed-by"], suites: strings.Fields(fields["suites"])})
		}
	}
	return out
}

// apt runs apt-get and apt-cache with a configuration of their own under
// the cache: its own sources list, lists, package cache and no status
// file, with amd64 and arm64 indexes.
type apt struct {
	dir     string
	updated bool
	mu      sync.Mutex
}

func newApt(cache string) *apt { return &apt{dir: filepath.Join(cache, "apt")} }

func (a *apt) options() []string {
	return []string{
		"-o", "Dir::Etc::SourceList=" + filepath.Join(a.dir, "sources.list"),
		"-o", "Dir::Etc::SourceParts=" + filepath.Join(a.dir, "sources.list.d"),
		"-o", "Dir::Etc::Preferences=" + filepath.Join(a.dir, "preferences"),
		"-o", "Dir::Etc::PreferencesParts=" + filepath.Join(a.dir, "preferences.d"),
		"-o", "Dir::State::Lists=" + filepath.Join(a.dir, "lists"),
		"-o", "Dir::State::status=" + filepath.Join(a.dir, "status"),
		"-o", "Dir::Cache=" + filepath.Join(a.dir, "cache"),
		"-o", "APT::Architecture=amd64",
		"-o", "APT::Architectures::=amd64", "-o", "APT::Architectures::=arm64",
		"-o", "Acquire::Languages=none",
		"-o", "APT::Sandbox::User=root",
		"-q",
	}
}

// setup writes the private configuration: every suite the matrix names,
// on the system's archives.
func (a *apt) setup(suites []string) error {
	main, sec, err := debianArchives()
	if err != nil {
		return err
	}
	var b strings.Builder
	seen := map[string]bool{}
	for _, s := range suites {
		if seen[s] {
			continue
		}
		seen[s] = true
		ar := main
		if strings.HasSuffix(s, "-security") {
			ar = sec
		}
		fmt.Fprintf(&b, "deb [signed-by=%s] %s %s main\n", ar.signedBy, ar.uri, s)
	}
	for _, d := range []string{"lists/partial", "cache/archives/partial", "sources.list.d", "preferences.d"} {
		if err := os.MkdirAll(filepath.Join(a.dir, d), 0o755); err != nil {
			return fmt.Errorf("apt cache: %w", err)
		}
	}
	if err := os.WriteFile(filepath.Join(a.dir, "status"), nil, 0o644); err != nil {
		return fmt.Errorf("apt cache: %w", err)
	}
	return os.WriteFile(filepath.Join(a.dir, "sources.list"), []byte(b.String()), 0o644)
}

// update refreshes the private lists, once per process.
func (a *apt) update(ctx context.Context) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.updated {
		return nil
	}
	if _, err := a.run(ctx, "", "apt-get", "update"); err != nil {
		return err
	}
	a.updated = true
	return nil
}

// listsPresent says whether the lists were ever fetched.
func (a *apt) listsPresent() bool {
	m, _ := filepath.Glob(filepath.Join(a.dir, "lists", "*Packages*"))
	return len(m) > 0
}

func (a *apt) run(ctx context.Context, dir, tool string, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, tool, append(a.options(), args...)...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "DEBIAN_FRONTEND=noninteractive", "LC_ALL=C")
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		return out.Bytes(), fmt.Errorf("%s %s: %w: %s", tool, strings.Join(args, " "), err, strings.TrimSpace(errb.String()))
	}
	return out.Bytes(), nil
}

// download fetches pkg (arch-qualified, with =version when pinned) into
// dir. When apt does not know the version, the lists are refreshed once
// and the download tried again; ErrGone wraps the final refusal.
func (a *apt) download(ctx context.Context, dir, pkg string) error {
	if !a.listsPresent() {
		if err := a.update(ctx); err != nil {
			return err
		}
	}
	_, err := a.run(ctx, dir, "apt-get", "download", pkg)
	if err != nil && !a.updated {
		if uerr := a.update(ctx); uerr != nil {
			return uerr
		}
		_, err = a.run(ctx, dir, "apt-get", "download", pkg)
	}
	if err != nil && (strings.Contains(err.Error(), "was not found") || strings.Contains(err.Error(), "Unable to locate") || strings.Contains(err.Error(), "Can't find a source")) {
		return fmt.Errorf("%w: %w", ErrGone, err)
	}
	return err
}

// policy returns the archive's current version of pkg and the size in
// bytes of its .deb.
func (a *apt) policy(ctx context.Context, pkg string) (version string, size int64, err error) {
	if err := a.update(ctx); err != nil {
		return "", 0, err
	}
	out, err := a.run(ctx, "", "apt-cache", "show", "--no-all-versions", pkg)
	if err != nil {
		return "", 0, err
	}
	for _, line := range strings.Split(string(out), "\n") {
		if v, ok := strings.CutPrefix(line, "Version: "); ok && version == "" {
			version = v
		}
		if v, ok := strings.CutPrefix(line, "Size: "); ok && size == 0 {
			fmt.Sscan(v, &size)
		}
	}
	if version == "" {
		return "", 0, fmt.Errorf("apt-cache show %s: no version", pkg)
	}
	return version, size, nil
}
