package skb

// freeFuncs release an sk_buff: after one of them the address may carry
// another packet, so a followed skb is forgotten there. kfree_skb_reason
// (5.17+) and sk_skb_reason_drop (6.11+) take the drop reason; kfree_skb
// is the 5.10 drop; the others free without dropping.
var freeFuncs = map[string]bool{
	"kfree_skb_reason":        true,
	"sk_skb_reason_drop":      true,
	"kfree_skb":               true,
	"kfree_skb_list_reason":   true,
	"__kfree_skb":             true,
	"consume_skb":             true,
	"napi_consume_skb":        true,
	"__consume_stateless_skb": true,
	"kfree_skbmem":            true,
	"kfree_skb_partial":       true,
}

// IsFree reports whether fn releases the skb it is given.
func IsFree(fn string) bool { return freeFuncs[fn] }

// Tracker decides which events to show: those of a packet the filter
// matched, anywhere on its path. Once a packet matches at one function
// its skb address is followed through functions where the filter cannot
// tell (before the IP header is built, after it is pulled, inside a
// tunnel) until a free function releases it.
type Tracker struct {
	Filter *Filter
	follow map[uint64]struct{}
}

// maxFollowed bounds the followed addresses: skbs freed by a function
// that is not probed would otherwise pile up. Past it the set restarts.
const maxFollowed = 1 << 16

// Show reports whether the event is shown, and updates what is followed.
func (t *Tracker) Show(ev *Event, p *Packet, fn string) bool {
	if t.Filter == nil {
		return true
	}
	if t.follow == nil {
		t.follow = make(map[uint64]struct{})
	}
	_, followed := t.follow[ev.Skb]
	show := followed || t.Filter.Match(ev, p)
	switch {
	case show && IsFree(fn):
		delete(t.follow, ev.Skb)
	case show && !followed:
		if len(t.follow) >= maxFollowed {
			clear(t.follow)
		}
		t.follow[ev.Skb] = struct{}{}
	}
	return show
}

// Followed is the number of skbs being followed.
func (t *Tracker) Followed() int { return len(t.follow) }
