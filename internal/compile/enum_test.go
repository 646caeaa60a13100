package compile

import (
	"errors"
	"strconv"
	"strings"
	"testing"

	"github.com/surftrace/surftrace/internal/expr"
)

// A drop reason is shown without the kernel's SKB_DROP_REASON_ prefix,
// as the skb:kfree_skb tracepoint prints it; other enums keep their names.
func TestEnumNamesDropReason(t *testing.T) {
	cfg := kernelConfig(t, archX86_64)
	d, err := parseCompile("p kfree_skb_reason reason=%1", cfg)
	if err != nil {
		t.Fatal(err)
	}
	e := d.Args[0].Enum
	if e == nil {
		t.Fatal("reason has no enumerator names")
	}
	found := false
	for _, n := range e {
		if strings.HasPrefix(n, "SKB_DROP_REASON_") {
			t.Errorf("%s keeps the common prefix", n)
		}
		found = found || n == "NO_SOCKET"
	}
	if !found {
		t.Errorf("NO_SOCKET missing from %d names", len(e))
	}
	d, err = parseCompile("p tcp_set_state state=%1 old=%0->__sk_common.skc_state", cfg)
	if err != nil {
		t.Fatal(err)
	}
	if d.Args[0].Enum != nil {
		t.Errorf("an int argument got enumerator names")
	}
}

// A filter compares an enum-typed value with a name: the kernel gets
// the number.
func TestEnumFilterByName(t *testing.T) {
	cfg := kernelConfig(t, archX86_64)
	d, err := parseCompile("p kfree_skb_reason reason=%1 f:reason==NO_SOCKET", cfg)
	if err != nil {
		t.Fatal(err)
	}
	want := ""
	for v, n := range d.Args[0].Enum {
		if n == "NO_SOCKET" {
			want = "reason==" + itoa(v)
		}
	}
	if d.Filter != want {
		t.Errorf("filter %q, want %q", d.Filter, want)
	}
	for _, alt := range []string{"SKB_DROP_REASON_NO_SOCKET", "no_socket"} {
		d2, err := parseCompile("p kfree_skb_reason reason=%1 f:reason!="+alt, cfg)
		if err != nil {
			t.Fatal(err)
		}
		if d2.Filter != strings.Replace(want, "==", "!=", 1) {
			t.Errorf("%s: filter %q", alt, d2.Filter)
		}
	}
	d, err = parseCompile("p kfree_skb_reason reason=%1 f:reason==3", cfg)
	if err != nil || d.Filter != "reason==3" {
		t.Errorf("a number passes through: %v %v", d, err)
	}
	_, err = parseCompile("p kfree_skb_reason reason=%1 f:reason==NO_SOKET", cfg)
	if !errors.Is(err, ErrBadLiteral) || !strings.Contains(err.Error(), "NO_SOKET") {
		t.Fatalf("misspelt name: %v", err)
	}
	if p := prettyErr(err); !strings.Contains(p, "NO_SOCKET") || !strings.Contains(p, "^") {
		t.Errorf("no suggestion or caret:\n%s", p)
	}
}

func itoa(v int64) string { return strconv.FormatInt(v, 10) }

func prettyErr(err error) string {
	var ee *expr.Error
	if errors.As(err, &ee) {
		return ee.Pretty()
	}
	return err.Error()
}

// A tracepoint's enum field compares with a name too: the kernel's
// format says the field's type, the kernel's types its enumerators.
func TestEnumEventFilter(t *testing.T) {
	cfg := kernelConfig(t, archX86_64)
	b := kernelBTF(t, archX86_64)
	cfg.EventFields = func(sys, ev string) ([]string, error) {
		return []string{"skbaddr", "location", "protocol", "reason"}, nil
	}
	cfg.EventEnum = func(sys, ev, field string) map[int64]string {
		if sys != "skb" || ev != "kfree_skb" || field != "reason" {
			return nil
		}
		typ, err := b.TypeByName("enum skb_drop_reason")
		if err != nil {
			t.Fatal(err)
		}
		return EnumNames(typ)
	}
	d, err := parseCompile("e skb/kfree_skb f:reason==NO_SOCKET&&protocol==8", cfg)
	if err != nil {
		t.Fatal(err)
	}
	if d.Filter != "reason==2&&protocol==8" { // 6.1: SKB_NOT_DROPPED_YET 0, NOT_SPECIFIED 1, NO_SOCKET 2
		t.Errorf("filter %q", d.Filter)
	}
	if _, err := parseCompile("e skb/kfree_skb f:reason==NOPE", cfg); !errors.Is(err, ErrBadLiteral) {
		t.Errorf("unknown name: %v", err)
	}
}
