package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/surftrace/surftrace/internal/completion"
	"github.com/surftrace/surftrace/internal/kernel"
	"github.com/surftrace/surftrace/internal/wildcard"
)

// config holds the root command's flags.
type config struct {
	stack    bool
	show     bool
	output   string
	files    []string
	arch     string
	vmlinux  string
	mode     string
	db       string
	rip      string
	gdb      string
	fn       string
	line     string
	btf      string
	btfDir   string
	modules  []string
	noCache  bool
	kallsyms string
	json     bool
	quiet    bool
	count    int
	duration time.Duration
	exprs    []string
	ready    string    // --ready-file: touched once the probes are armed
	bufferKB int       // --buffer-size: the instance's per-CPU buffer
	notes    io.Writer // where slow loading is announced; nil: nowhere
	pid      int       // --pid: trace this process only
	cmdLine  string    // --cmd: run this command and trace it only
	// maxMatches caps the expansion of a probe point with wildcards.
	maxMatches int
	// kern is the target kernel, made once the flags are final, so that a
	// run reads each of its parts once.
	kern *kernel.Kernel
}

// errUsage marks errors in how surftrace was called (exit status 2).
var errUsage = kernel.ErrUsage

func exitCode(err error) int {
	if errors.Is(err, errUsage) {
		return 2
	}
	return 1
}

func newRootCmd() *cobra.Command {
	cfg := &config{}
	cmd := &cobra.Command{
		Use:   "surftrace [flags] EXPR [EXPR ...]",
		Short: "Trace kernel and user functions with one-line expressions",
		Long: `surftrace compiles expressions such as
  'p ip_output proto=@(struct iphdr*)l3%2->protocol ip_dst=@(struct iphdr*)l3%2->daddr f:proto==17'
against the running kernel's types into kprobe/uprobe definitions, programs
tracefs, and renders the events (ip_dst=10.0.1.221, not 3707830282).

EXPR is TYPE SYMBOL [NAME=VALUE ...] [f:FILTER] with TYPE one of
  p (kprobe)  r (kretprobe)  e (tracepoint SUBSYS/EVENT)  P (uprobe OBJ:FUNC)  R (uretprobe)`,
		Args:          cobra.ArbitraryArgs,
		SilenceUsage:  true,
		SilenceErrors: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg.exprs = args
			return run(cmd, cfg)
		},
	}
	f := cmd.Flags()
	f.BoolVarP(&cfg.stack, "stack", "s", false, "print the kernel call stack under every event")
	f.BoolVarP(&cfg.show, "show", "S", false, "only print the probe definitions and filters; touch nothing")
	f.StringVarP(&cfg.output, "output", "o", "", "also write a shell script that does the same tracing with echo/cat")
	f.StringArrayVarP(&cfg.files, "file", "f", nil, "read more expressions from `FILE`, one per line")
	f.StringVarP(&cfg.arch, "arch", "a", "", "x86_64, x86 or aarch64: decides the argument registers (default: the host's)")
	f.StringVarP(&cfg.vmlinux, "vmlinux", "v", "", "take kernel types from this ELF's DWARF instead of BTF")
	f.StringVarP(&cfg.mode, "mode", "m", "", "type source: btf (default) or dwarf (with -v); the original's gdb (= dwarf with -v), remote and local (= btf) are accepted")
	f.StringVarP(&cfg.db, "db", "d", "", "original's type database: not needed (types come from BTF)")
	f.StringVarP(&cfg.rip, "rip", "r", "", "original's remote type server: not needed")
	f.StringVarP(&cfg.gdb, "gdb", "g", "", "original's gdb path: not needed")
	f.StringVarP(&cfg.fn, "func", "F", "", "disassemble `FUNC` (or OBJ:FUNC) with the +offset of every instruction")
	f.StringVarP(&cfg.line, "line", "l", "", "disassemble the code of one source line `[OBJ:]FILE:LINE` (needs DWARF)")
	f.StringVar(&cfg.btf, "btf", "", "kernel types from this BTF `FILE` (raw, gzip or BTFHub .tar.xz)")
	f.StringVar(&cfg.btfDir, "btf-dir", "", "modules' BTF for --btf: split BTF files or MODULE.ko in `DIR` (default: btf/ or modules/ beside the --btf file)")
	f.StringArrayVar(&cfg.modules, "module", nil, "a module's BTF from the .BTF section of `FILE.ko` (repeatable)")
	f.BoolVar(&cfg.noCache, "no-cache", false, "do not read or write the cache of types found in -v VMLINUX's DWARF")
	f.StringVar(&cfg.kallsyms, "kallsyms", "", "symbol table of another kernel (`FILE`, plain or gzip), for -S, -F and -l")
	f.BoolVar(&cfg.json, "json", false, "print one JSON object per event")
	f.BoolVarP(&cfg.quiet, "quiet", "q", false, "quiet stderr: no set-up and teardown commands, start line or summary (lost events are still reported)")
	f.IntVarP(&cfg.count, "count", "c", 0, "stop after `N` events")
	f.IntVarP(&cfg.pid, "pid", "p", 0, "trace process `PID` only (its threads at start; P libc:… means the libc it has mapped)")
	f.StringVar(&cfg.cmdLine, "cmd", "", "run `'CMD ARGS'` once the probes are armed, trace it only, stop when it exits")
	f.StringVar(&cfg.ready, "ready-file", "", "touch `FILE` once the probes are armed (a ready signal for scripts, also with -q)")
	f.IntVar(&cfg.bufferKB, "buffer-size", 0, "per-CPU trace buffer of `KB` kilobytes (buffer_size_kb), against lost events")
	f.VarP(durationFlag{&cfg.duration}, "time", "t", "stop after `DURATION` (e.g. 10s)")
	f.IntVar(&cfg.maxMatches, "max-matches", wildcard.DefaultMax, "expand a probe point with * ? [...] to at most `N` probes")
	f.SortFlags = false
	cmd.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return fmt.Errorf("%w: %v (see surftrace --help)", errUsage, err)
	})
	cmd.ValidArgsFunction = completion.Expr
	cmd.RegisterFlagCompletionFunc("func", completion.FuncName(true))
	for _, sub := range subcommands() {
		cmd.AddCommand(sub)
	}
	cmd.Version = versionLine()
	cmd.SetVersionTemplate("{{.Version}}\n")
	cmd.SetOut(os.Stdout)
	cmd.SetErr(os.Stderr)
	return cmd
}

// subcommandList holds the subcommands; none inherits the root's flags.
var subcommandList = []func() *cobra.Command{newRenderCmd, newGraphCmd, newListCmd, newStructCmd, completion.NewCmd, completion.NewLineCmd, newVersionCmd, newSkbCmd}

func subcommands() []*cobra.Command {
	var out []*cobra.Command
	for _, f := range subcommandList {
		out = append(out, f())
	}
	return out
}
