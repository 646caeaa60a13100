package vocab

import (
	"strings"

	"github.com/surftrace/surftrace/internal/probe"
)

// KindInfo describes one probe kind, the letter that starts an expression.
type KindInfo struct {
	Kind probe.Kind
	// What names the kernel facility ("kprobe").
	What string
	// User says the probe is in a user program (uprobe_events); Return
	// that it fires when the function returns.
	User, Return bool
	// Help is the line shell completion shows beside the letter.
	Help string
	// TargetHint tells how to write the probe point after the letter.
	TargetHint string
}

// Letter is the kind's letter as a string ("p").
func (k *KindInfo) Letter() string { return string(rune(k.Kind)) }

// kinds are the probe kinds in the order help lists them.
var kinds = []KindInfo{
	{Kind: probe.Kprobe, What: "kprobe", Help: "kprobe: a kernel function's entry (p FUNC[+OFF])",
		TargetHint: "name a kernel function, e.g. 'p ip_output', 'p dev_qdisc_enqueue+23'"},
	{Kind: probe.Kretprobe, What: "kretprobe", Return: true, Help: "kretprobe: a kernel function's return",
		TargetHint: "name a kernel function, e.g. 'p ip_output', 'p dev_qdisc_enqueue+23'"},
	{Kind: probe.Event, What: "tracepoint", Help: "tracepoint (e SUBSYS/EVENT)",
		TargetHint: "write the tracepoint as SUBSYS/EVENT, e.g. 'e sched/sched_process_exec'"},
	{Kind: probe.Uprobe, What: "uprobe", User: true, Help: "uprobe: a user function (P OBJ:FUNC[+OFF])",
		TargetHint: "write the user function as OBJ:FUNC, e.g. 'P bash:readline' or 'P /usr/lib/x86_64-linux-gnu/libc.so.6:getpid'"},
	{Kind: probe.Uretprobe, What: "uretprobe", User: true, Return: true, Help: "uretprobe: a user function's return",
		TargetHint: "write the user function as OBJ:FUNC, e.g. 'P bash:readline' or 'P /usr/lib/x86_64-linux-gnu/libc.so.6:getpid'"},
}

// LookupKind returns the kind a word names ("p"), or nil.
func LookupKind(word string) *KindInfo {
	if len(word) != 1 {
		return nil
	}
	return KindOf(probe.Kind(word[0]))
}

// KindOf returns the row of kind k, or nil for a letter that is no kind.
func KindOf(k probe.Kind) *KindInfo {
	for i := range kinds {
		if kinds[i].Kind == k {
			return &kinds[i]
		}
	}
	return nil
}

// KindList spells the kinds for a message: "p (kprobe), r (kretprobe), …".
func KindList() string {
	parts := make([]string, len(kinds))
	for i := range kinds {
		parts[i] = kinds[i].Letter() + " (" + kinds[i].What + ")"
	}
	return strings.Join(parts, ", ")
}
