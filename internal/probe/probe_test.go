package probe

import "testing"

func TestBadByte(t *testing.T) {
	for s, want := range map[string]int{
		"/usr/bin/bash:0x8a870": -1, "ip_output": -1, "": -1, "ünï": -1,
		"a b": 1, "/tmp/p:0x1166\vx": 13, "\fx": 0, "x\t": 1, "x\n": 1, "x\r": 1, "a\x7f": 1, "a\x01": 1,
	} {
		if got := BadByte(s); got != want {
			t.Errorf("BadByte(%q) = %d, want %d", s, got, want)
		}
	}
}

func TestBitfieldWidth(t *testing.T) {
	for s, want := range map[string]int{
		"b3@0/8": 3, "b64@0/64": 64, "b11@21/32": 11, "u8": 0, "b": 0, "b@0/8": 0, "bx@0/8": 0, "b3": 0, "": 0, "b99999999999999999999@0/8": 0,
	} {
		if got := BitfieldWidth(s); got != want {
			t.Errorf("BitfieldWidth(%q) = %d, want %d", s, got, want)
		}
	}
}
