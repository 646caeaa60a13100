package render

import (
	"strconv"

	"github.com/surftrace/surftrace/internal/numtext"
	"github.com/surftrace/surftrace/internal/probe"
)

// appendHeader appends the object's opening and the line's fixed fields.
func (r *Renderer) appendHeader(dst, b []byte) []byte {
	h := &r.hdr
	dst = append(dst, `{"task":`...)
	dst = appendJSONString(dst, h.comm.of(b))
	pid, _ := numtext.ParseDec(h.pid.of(b))
	dst = strconv.AppendUint(append(dst, `,"pid":`...), pid, 10)
	if h.hasTgid {
		tgid, _ := numtext.ParseDec(h.tgid.of(b))
		dst = strconv.AppendUint(append(dst, `,"tgid":`...), tgid, 10)
	}
	dst = strconv.AppendInt(append(dst, `,"cpu":`...), int64(h.cpu), 10)
	if h.hasFlags {
		dst = appendJSONString(append(dst, `,"flags":`...), h.flags.of(b))
	}
	dst = append(dst, `,"timestamp":`...)
	if ts := h.ts.of(b); isJSONNumber(ts) {
		dst = append(dst, ts...)
	} else {
		dst = appendJSONString(dst, ts)
	}
	return appendJSONString(append(dst, `,"event":`...), h.event.of(b))
}

// appendEvent appends a whole event object but its closing brace.
func (r *Renderer) appendEvent(dst, b []byte) []byte {
	dst = r.appendHeader(dst, b)
	if r.hasLoc {
		dst = appendJSONString(append(dst, `,"location":`...), r.loc.of(b))
		if r.hasFrom {
			dst = appendJSONString(append(dst, `,"ret_from":`...), r.from.of(b))
		}
	}
	dst = append(dst, `,"args":{`...)
	for i := range r.args {
		a := &r.args[i]
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = append(appendJSONString(dst, a.name.of(b)), ':')
		v := a.val.of(b)
		ok := false
		if a.display != probe.DisplayDefault || a.enum != nil {
			dst, ok = a.convert(dst, v, true)
		}
		if !ok {
			dst = appendJSONValue(dst, v)
		}
	}
	dst = append(dst, '}')
	if r.hasText {
		dst = appendJSONString(append(dst, `,"text":`...), r.text.of(b))
	}
	return dst
}
