package skb

import "testing"

// A packet matched once is followed where its headers are unknown, and
// forgotten when freed; a new packet at the same address must match
// again.
func TestTracker(t *testing.T) {
	f, err := ParseFilter("b16_dport==9999", nil)
	if err != nil {
		t.Fatal(err)
	}
	tr := &Tracker{Filter: f}
	match, p := event(t, udp4, "")
	unknown := *match
	unknown.NH = 0 // network header not set here
	pu := Decode(&unknown)
	if tr.Show(&unknown, &pu, "udp_send_skb") {
		t.Fatal("an unknown packet was shown before it matched")
	}
	if !tr.Show(match, p, "ip_output") || tr.Followed() != 1 {
		t.Fatal("the matching packet was not shown")
	}
	if !tr.Show(&unknown, &pu, "dev_hard_start_xmit") {
		t.Fatal("the followed skb was not shown where its headers are unknown")
	}
	if !tr.Show(&unknown, &pu, "kfree_skb_reason") || tr.Followed() != 0 {
		t.Fatal("the free was not shown, or the skb is still followed")
	}
	if tr.Show(&unknown, &pu, "ip_rcv") {
		t.Fatal("a freed address is still followed")
	}
	all := &Tracker{}
	if !all.Show(&unknown, &pu, "x") {
		t.Fatal("without a filter every event is shown")
	}
}
