package main

import (
	"fmt"
	"sort"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// expandAbbrevs rewrites unique prefixes of long options into the whole
// name (--sta → --stack), as the original's argparse accepted them, for
// the command args select. An ambiguous prefix is a usage error naming
// the candidates. Values of options that take one, and everything after
// "--", are left alone.
func expandAbbrevs(root *cobra.Command, args []string) ([]string, error) {
	if len(args) > 0 && (args[0] == cobra.ShellCompRequestCmd || args[0] == cobra.ShellCompNoDescRequestCmd) {
		return args, nil
	}
	cmd := root
	if c, _, err := root.Find(args); err == nil && c != nil {
		cmd = c
	}
	if cmd.DisableFlagParsing {
		// Completion requests carry a command line being typed, whose
		// half-written options are not to be judged.
		return args, nil
	}
	cmd.InitDefaultHelpFlag()
	cmd.InitDefaultVersionFlag()
	flags := cmd.Flags()
	out := make([]string, 0, len(args))
	takesValue := false
	for i, a := range args {
		switch {
		case takesValue:
			takesValue = false
			out = append(out, a)
			continue
		case a == "--":
			return append(out, args[i:]...), nil
		case !strings.HasPrefix(a, "--") || len(a) == 2:
			if strings.HasPrefix(a, "-") && len(a) == 2 {
				if f := flags.ShorthandLookup(a[1:]); f != nil && f.NoOptDefVal == "" {
					takesValue = true
				}
			}
			out = append(out, a)
			continue
		}
		name, value, hasValue := strings.Cut(a[2:], "=")
		orig := map[string]bool(nil)
		if cmd == root {
			orig = originalLongFlags
		}
		f, err := longFlag(flags, name, orig)
		if err != nil {
			return nil, err
		}
		if f == nil {
			// Unknown: let the flag parser say so in its words.
			out = append(out, a)
			continue
		}
		full := "--" + f.Name
		if hasValue {
			full += "=" + value
		} else if f.NoOptDefVal == "" {
			takesValue = true
		}
		out = append(out, full)
	}
	return out, nil
}

// longFlag finds the option a long name or a unique prefix of it means;
// nil when nothing starts with it. Among several, the one option of orig
// (the original's) wins.
func longFlag(flags *pflag.FlagSet, name string, orig map[string]bool) (*pflag.Flag, error) {
	if f := flags.Lookup(name); f != nil {
		return f, nil
	}
	if name == "" {
		return nil, nil
	}
	var hits []*pflag.Flag
	flags.VisitAll(func(f *pflag.Flag) {
		if strings.HasPrefix(f.Name, name) && !f.Hidden {
			hits = append(hits, f)
		}
	})
	switch len(hits) {
	case 0:
		return nil, nil
	case 1:
		return hits[0], nil
	}
	// A prefix that was unique among the original's options keeps its
	// meaning when this tool adds a longer option (--mod is --mode, not
	// --module): scripts written for the original must not break.
	var theirs []*pflag.Flag
	for _, f := range hits {
		if orig[f.Name] {
			theirs = append(theirs, f)
		}
	}
	if len(theirs) == 1 {
		return theirs[0], nil
	}
	names := make([]string, len(hits))
	for i, f := range hits {
		names[i] = "--" + f.Name
	}
	sort.Strings(names)
	return nil, fmt.Errorf("%w: ambiguous option --%s could match %s", errUsage, name, strings.Join(names, ", "))
}

// originalLongFlags are the root command's long options that the original
// surftrace had too: a prefix unique among them keeps meaning them.
var originalLongFlags = map[string]bool{
	"stack": true, "show": true, "output": true, "file": true, "arch": true, "vmlinux": true,
	"mode": true, "db": true, "rip": true, "gdb": true, "func": true, "line": true,
}
