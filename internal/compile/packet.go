package compile

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/surftrace/surftrace/internal/btfdwarf"
	"github.com/surftrace/surftrace/internal/expr"
	"github.com/surftrace/surftrace/internal/suggest"
	"github.com/surftrace/surftrace/internal/vocab"
)

// packetInfo rides on the pointer a packet cast produces.
type packetInfo struct {
	hdr     string // "iphdr"
	hdrType *btfdwarf.Type
}

var charType = &btfdwarf.Type{Kind: btfdwarf.Int, Name: "char", Size: 1, Signed: true, Char: true}

// packet applies @(struct H *)LAYER to an skb: the result points at
// skb->data plus the headers between LAYER and H.
func (c *compiler) packet(a *expr.Arg, v *value) (*value, error) {
	pc := a.Packet
	pos := a.At(pc.Pos)
	castLen := len("@(struct ") + len(pc.Header)
	h := vocab.LookupHeader(pc.Header)
	if h == nil {
		return nil, c.errf(pos+9, len(pc.Header), ErrUnknownType, "@(struct %s *) is not a packet header surftrace knows", pc.Header).
			WithHint("one of " + vocab.HeaderList() + "; for any other type use !(struct NAME *)")
	}
	hl := h.Layer
	layer := 3
	if pc.Layer != "" {
		layer = int(pc.Layer[1] - '0')
	}
	if hl < layer {
		return nil, c.errf(pos, castLen, ErrType, "struct %s is below layer l%d: at l%d skb->data points past it", pc.Header, layer, layer).
			WithHint(fmt.Sprintf("read %s at l%d or lower, e.g. @(struct %s *)l%d", pc.Header, hl, pc.Header, hl))
	}
	srcPos := a.At(a.Source.Pos)
	if v.typ == nil {
		e := c.errf(srcPos, len(v.what), ErrType, "%s has no type here; a packet cast needs a struct sk_buff *", v.what)
		var hint []string
		if c.noProtoWhy != "" {
			hint = append(hint, c.noProtoWhy)
		}
		if c.altHint != "" {
			hint = append(hint, "probe "+c.altHint)
		}
		hint = append(hint, fmt.Sprintf("or state the type: @(struct %s *)%s!(struct sk_buff *)%s (use struct sk_buff ** where the function takes one)", pc.Header, pc.Layer, strings.SplitN(v.what, " ", 2)[0]))
		return nil, e.WithHint(strings.Join(hint, "; "))
	}
	skb, err := c.skbPointer(v, srcPos)
	if err != nil {
		return nil, err
	}
	if c.types == nil {
		return nil, c.errf(pos, castLen, ErrType, "a packet cast needs kernel types")
	}
	skbT, _ := skb.typ.Elem()
	data, ok := skbT.Lookup("data")
	if !ok {
		return nil, c.errf(srcPos, len(v.what), ErrType, "struct sk_buff has no member data in %s", c.types.Describe())
	}
	ht, err := c.types.TypeByName("struct " + pc.Header)
	if err != nil {
		return nil, c.errf(pos+9, len(pc.Header), ErrUnknownType, "struct %s is not in %s", pc.Header, c.types.Describe())
	}
	// The header starts after those below it between the layer
	// skb->data points at and its own, each taken at its fixed size (an
	// iphdr without options), as the original does. For IPv6 read
	// layer-4 headers at l4, or from an skb whose data points there: from
	// l3 the 40-byte ipv6hdr is not known to be there.
	start := h.Start(layer)
	return &value{
		typ:    btfdwarf.NewPointer(ht, c.arch.PtrSize),
		base:   skb.expr(),
		off:    int64(data.BitOffset / 8),
		add:    int64(start),
		packet: &packetInfo{hdr: pc.Header, hdrType: ht},
		what:   fmt.Sprintf("(struct %s *)l%d", pc.Header, layer),
	}, nil
}

// skbPointer checks the source is a struct sk_buff *, following one more
// pointer when the function takes struct sk_buff ** (never read the
// wrong memory silently).
func (c *compiler) skbPointer(v *value, pos int) (*value, error) {
	t := v.typ
	if t.Kind == btfdwarf.Pointer {
		el, _ := t.Elem()
		if isSkb(el) {
			return v, nil
		}
		if el.Kind == btfdwarf.Pointer {
			if el2, _ := el.Elem(); isSkb(el2) {
				return v.deref(0, el), nil
			}
		}
	}
	return nil, c.errf(pos, len(strings.SplitN(v.what, " ", 2)[0]), ErrType, "a packet cast reads an skb, but %s is %s", v.what, t).
		WithHint("use the argument that is a struct sk_buff *")
}

func isSkb(t *btfdwarf.Type) bool {
	return t != nil && t.Kind == btfdwarf.Struct && t.Name == "struct sk_buff"
}

// packetMember resolves ->member of a packet header, including the
// xdata pseudo-members (cdata[i] …) that read past it.
func (c *compiler) packetMember(a *expr.Arg, v *value, acc, next *expr.Access) (*value, bool, error) {
	name := *acc.Arrow
	pos := a.At(acc.Pos) + 2
	p := v.packet
	if pd := vocab.LookupPacketData(name); pd != nil {
		w := pd.Width
		if next == nil || next.Index == nil {
			return nil, false, c.errf(pos, len(name), ErrArgument, "%s needs an index, e.g. %s[0]", name, name)
		}
		i, err := strconv.ParseInt(*next.Index, 0, 64)
		if err != nil || i < 0 {
			return nil, false, c.errf(a.At(next.Pos), len(*next.Index)+2, ErrArgument, "bad index %s", *next.Index)
		}
		step := int64(max(w, 1))
		var t *btfdwarf.Type
		if w == 0 {
			t = btfdwarf.NewArray(charType, 0)
		} else {
			t = &btfdwarf.Type{Kind: btfdwarf.Int, Name: fmt.Sprintf("u%d", w*8), Size: w}
		}
		nv := v.deref(int64(p.hdrType.Size)+i*step, t)
		nv.what = fmt.Sprintf("%s->%s[%d]", v.what, name, i)
		return nv, true, nil
	}
	m, ok := p.hdrType.Lookup(name)
	if !ok {
		names := p.hdrType.MemberNames()
		for _, pd := range vocab.PacketDatas() {
			names = append(names, pd.Name)
		}
		hint := suggest.DidYouMean(suggest.Closest(name, names, 4))
		if hint == "" {
			hint = "its members: " + strings.Join(names, ", ")
		}
		return nil, false, c.errf(pos, len(name), ErrUnknownMember, "struct %s has no member %q", p.hdr, name).WithHint(hint)
	}
	nv := v.deref(int64(m.BitOffset/8), m.Type)
	c.setBits(nv, m)
	nv.what = v.what + "->" + name
	return nv, false, nil
}
