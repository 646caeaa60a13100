package discover

import (
	"sort"
	"strconv"
	"strings"

	"github.com/surftrace/surftrace/internal/btfdwarf"
	"github.com/surftrace/surftrace/internal/expr"
	"github.com/surftrace/surftrace/internal/probe"
	"github.com/surftrace/surftrace/internal/vocab"
)

// exprCtx is what an expression says before the word being completed.
type exprCtx struct {
	c      *Completer
	kind   *vocab.KindInfo // nil for a letter that is no kind
	symbol string          // the probe point as written
	args   []string        // complete NAME=VALUE words before the last one

	fnDone bool
	fn     *btfdwarf.Func
	types  btfdwarf.Source
}

// proto finds the probed function's prototype (nil when unknown: a
// clone, an offset inside the function, no types).
func (x *exprCtx) proto() *btfdwarf.Func {
	if x.fnDone {
		return x.fn
	}
	x.fnDone = true
	switch {
	case x.kind == nil || x.kind.Kind == probe.Event:
		// A tracepoint has fields, not a prototype.
	case !x.kind.User:
		if strings.ContainsAny(x.symbol, "+:") || x.c.Kernel == nil {
			return nil
		}
		if x.types = x.c.types(); x.types != nil {
			x.fn, _ = x.types.Func(x.symbol)
		}
	default:
		obj, fn, ok := strings.Cut(x.symbol, ":")
		if !ok || strings.Contains(fn, "+") || x.c.UserObject == nil {
			return nil
		}
		if _, t, err := x.c.UserObject(obj); err == nil && t != nil {
			x.types = t
			x.fn, _ = t.Func(fn)
		}
	}
	return x.fn
}

// typeSource is the types casts resolve in: the object's for user
// probes, the kernel's otherwise.
func (x *exprCtx) typeSource() btfdwarf.Source {
	x.proto()
	if x.types != nil {
		return x.types
	}
	if x.kind != nil && x.kind.User {
		return nil
	}
	x.types = x.c.types()
	return x.types
}

func (x *exprCtx) isReturn() bool { return x.kind != nil && x.kind.Return }

func (x *exprCtx) isEvent() bool { return x.kind != nil && x.kind.Kind == probe.Event }

// arg completes one NAME=VALUE word, or offers whole arguments named
// after the prototype's parameters and the filter.
func (x *exprCtx) arg(tok string) []Candidate {
	if x.isEvent() {
		return filterPrefix([]Candidate{{"f:", "filter on the event's fields"}}, tok)
	}
	name, val, ok := strings.Cut(tok, "=")
	if !ok {
		return append(filterPrefix(x.wholeArgs(), tok), prefixCandidates(tok)...)
	}
	return prepend(name+"=", x.value(val))
}

// prefixCandidates offers the name prefixes that extend a name begun
// (none for an empty word: the whole arguments come first).
func prefixCandidates(tok string) []Candidate {
	if tok == "" {
		return nil
	}
	var out []Candidate
	for _, p := range vocab.Prefixes() {
		if len(p.Prefix) > len(tok) && strings.HasPrefix(p.Prefix, tok) {
			out = append(out, Candidate{p.Prefix, p.Help})
		}
	}
	return out
}

// wholeArgs suggests NAME=%N for each parameter, $retval, $comm and f:.
func (x *exprCtx) wholeArgs() []Candidate {
	var out []Candidate
	if f := x.proto(); f != nil && !x.isReturn() {
		for i, p := range f.Proto.Params {
			n := p.Name
			if n == "" {
				n = "arg" + strconv.Itoa(i)
			}
			out = append(out, Candidate{n + "=%" + strconv.Itoa(i), Decl(p.Type, p.Name)})
		}
	}
	if x.isReturn() {
		out = append(out, Candidate{"ret=$retval", "the return value"})
	}
	out = append(out, Candidate{"comm=$comm", "the current task's name"}, Candidate{"f:", "a filter on the arguments"})
	return out
}

// value completes what follows NAME=: [FMT] [CAST] SOURCE {ACCESS}.
func (x *exprCtx) value(v string) []Candidate {
	fmtc := ""
	if len(v) > 0 && strings.IndexByte("SUX", v[0]) >= 0 && (len(v) == 1 || strings.IndexByte("%$@!", v[1]) >= 0) {
		fmtc, v = v[:1], v[1:]
	}
	var out []Candidate
	switch {
	case strings.HasPrefix(v, "!("):
		out = x.afterCast(v)
	case strings.HasPrefix(v, "@("):
		out = x.afterPacket(v)
	default:
		out = x.source(v, nil, false)
	}
	return prepend(fmtc, out)
}

// sources are the values an argument may start with.
func (x *exprCtx) sources() []Candidate {
	var out []Candidate
	if f := x.proto(); f != nil {
		for i, p := range f.Proto.Params {
			out = append(out, Candidate{"%" + strconv.Itoa(i), Decl(p.Type, p.Name)})
		}
	} else if x.kind != nil && x.kind.Kind != probe.Event && !x.kind.Return {
		out = append(out, Candidate{"%0", "first argument (no prototype: u64)"})
	}
	if x.isReturn() {
		ret := "the return value"
		if f := x.proto(); f != nil {
			ret = Decl(f.Proto.Ret, "")
		}
		out = append(out, Candidate{"$retval", ret})
	}
	out = append(out,
		Candidate{"$comm", "the current task's name"},
		Candidate{"!(", "cast: !(struct sock *)%0->…"},
		Candidate{"@(struct ", "packet header of an skb: @(struct iphdr *)l3%0->saddr"},
	)
	return out
}

// source completes SOURCE {ACCESS} given the type a cast imposes (nil:
// the source's own type); packet marks a packet cast, whose header gets
// the pseudo-members after it.
func (x *exprCtx) source(v string, cast *btfdwarf.Type, packet bool) []Candidate {
	n := sourceLen(v)
	if n == len(v) {
		cs := filterPrefix(x.sources(), v)
		if cast != nil {
			cs = filterPrefix(x.regSources(), v)
		}
		if len(cs) == 1 && cs[0].Word == v {
			// A complete source: go on to its members.
			return x.access(v, "", x.sourceType(v, cast), packet)
		}
		return cs
	}
	return x.access(v[:n], v[n:], x.sourceType(v[:n], cast), packet)
}

// regSources are the sources worth a cast: arguments, registers' usual
// holders and the return value.
func (x *exprCtx) regSources() []Candidate {
	var out []Candidate
	for i := range x.c.Arch.KernelArgs {
		out = append(out, Candidate{"%" + strconv.Itoa(i), "argument " + strconv.Itoa(i)})
	}
	if x.isReturn() {
		out = append(out, Candidate{"$retval", "the return value"})
	}
	return out
}

// sourceLen is the length of the source at the start of v: %N, %reg,
// $var, @sym or @0xaddr.
func sourceLen(v string) int {
	if v == "" || strings.IndexByte("%$@", v[0]) < 0 {
		return len(v)
	}
	i := 1
	for i < len(v) && isIdent(v[i]) {
		i++
	}
	return i
}

// sourceType is the C type of a complete source, or nil.
func (x *exprCtx) sourceType(src string, cast *btfdwarf.Type) *btfdwarf.Type {
	if cast != nil {
		return cast
	}
	f := x.proto()
	if f == nil {
		return nil
	}
	if src == "$retval" && x.isReturn() {
		return f.Proto.Ret
	}
	if len(src) > 1 && src[0] == '%' {
		if i, err := strconv.Atoi(src[1:]); err == nil && i < len(f.Proto.Params) {
			return f.Proto.Params[i].Type
		}
	}
	return nil
}

// afterCast completes "!(TYPE)SOURCE…": the type while the parenthesis
// is open, then the source with that type.
func (x *exprCtx) afterCast(v string) []Candidate {
	toks, end := closeParen(v)
	if end < 0 {
		return prepend("!(", x.castType(v[2:]))
	}
	t := x.parseCast(toks)
	return prepend(v[:end], x.source(v[end:], t, false))
}

// closeParen lexes v, which starts with "!(" or "@(", up to the ')' that
// closes it: the tokens inside the parentheses and the offset past the
// ')', or -1 while it is open.
func closeParen(v string) ([]expr.Token, int) {
	toks, _ := expr.ArgTokens(v)
	for i, t := range toks {
		if i >= 2 && t.Kind == expr.TokPunct && t.Text == ")" {
			return toks[2:i], t.Pos + 1
		}
	}
	return nil, -1
}

// castName reads the tokens of a cast's type: its words ("struct sock")
// and the number of stars after them.
func castName(toks []expr.Token) (name string, stars int) {
	var words []string
	for _, t := range toks {
		switch {
		case t.Kind == expr.TokIdent:
			words = append(words, t.Text)
		case t.Kind == expr.TokPunct && t.Text == "*":
			stars++
		}
	}
	return strings.Join(words, " "), stars
}

// parseCast resolves the type of a cast's tokens ("struct sock *", stars
// included) or nil.
func (x *exprCtx) parseCast(toks []expr.Token) *btfdwarf.Type {
	name, stars := castName(toks)
	src := x.typeSource()
	var t *btfdwarf.Type
	if src != nil {
		t, _ = src.TypeByName(name)
	} else {
		t, _ = btfdwarf.BuiltinType(name, x.c.Arch.PtrSize)
	}
	if t == nil {
		return nil
	}
	for range stars {
		t = btfdwarf.NewPointer(t, x.c.Arch.PtrSize)
	}
	return t
}

// castType completes the type inside "!(": keywords and base types,
// then struct and union names, each closed as a pointer cast.
func (x *exprCtx) castType(partial string) []Candidate {
	kw, rest, ok := strings.Cut(partial, " ")
	if !ok || kw != "struct" && kw != "union" && kw != "enum" {
		var out []Candidate
		for _, k := range []string{"struct ", "union "} {
			out = append(out, Candidate{Word: k})
		}
		for _, b := range []string{"char *)", "u8)", "u16)", "u32)", "u64)", "s8)", "s16)", "s32)", "s64)"} {
			out = append(out, Candidate{Word: b})
		}
		return filterPrefix(out, partial)
	}
	src := x.typeSource()
	tn, ok := src.(interface {
		TypeNames(func(string) bool) []string
	})
	if !ok {
		return nil
	}
	want := kw + " " + strings.TrimSpace(rest)
	names := tn.TypeNames(func(n string) bool { return strings.HasPrefix(n, want) })
	sort.Strings(names)
	out := make([]Candidate, 0, len(names))
	for _, n := range names {
		out = append(out, Candidate{Word: n + " *)"})
	}
	return out
}

// packetDatas are the members a packet header has besides its own.
func packetDatas() []Candidate {
	out := make([]Candidate, len(vocab.PacketDatas()))
	for i, pd := range vocab.PacketDatas() {
		out[i] = Candidate{pd.Name + "[", pd.Help}
	}
	return out
}

// isLayer reports whether t names a layer a packet cast counts from.
func isLayer(t expr.Token) bool {
	return t.Kind == expr.TokIdent && (t.Text == "l2" || t.Text == "l3" || t.Text == "l4")
}

// afterPacket completes "@(struct H *)LAYER SOURCE…".
func (x *exprCtx) afterPacket(v string) []Candidate {
	inside, end := closeParen(v)
	if end < 0 {
		var out []Candidate
		for _, h := range vocab.Headers() {
			if h.Offer {
				out = append(out, Candidate{Word: "@(struct " + h.Name + " *)"})
			}
		}
		return filterPrefix(out, v)
	}
	head, rest := v[:end], v[end:]
	hdr, _ := castName(inside)
	hdr = strings.TrimPrefix(hdr, "struct ")
	if rest == "" || rest == "l" {
		return prepend(head, filterPrefix([]Candidate{{"l2", "from the Ethernet header"}, {"l3", "from the IP header (default)"}, {"l4", "from the transport header"}, {"%", "the struct sk_buff * argument"}}, rest))
	}
	if toks, _ := expr.ArgTokens(rest); len(toks) > 0 && isLayer(toks[0]) {
		head, rest = head+toks[0].Text, rest[len(toks[0].Text):]
	}
	var t *btfdwarf.Type
	if src := x.typeSource(); src != nil {
		if h, err := src.TypeByName("struct " + hdr); err == nil {
			t = btfdwarf.NewPointer(h, x.c.Arch.PtrSize)
		}
	}
	n := sourceLen(rest)
	if n == len(rest) {
		// The skb argument: the parameters that are one.
		var out []Candidate
		for _, s := range x.sources() {
			if strings.HasPrefix(s.Word, "%") && strings.Contains(s.Desc, "struct sk_buff *") {
				out = append(out, s)
			}
		}
		if len(out) == 0 {
			out = filterPrefix(x.regSources(), "%")
		}
		out = filterPrefix(out, rest)
		if len(out) == 1 && out[0].Word == rest && t != nil {
			return prepend(head, x.access(rest, "", t, true))
		}
		return prepend(head, out)
	}
	return prepend(head, x.access(rest[:n], rest[n:], t, true))
}
