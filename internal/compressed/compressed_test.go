package compressed

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"io"
	"testing"

	"github.com/ulikunitz/xz"
)

// Each form is recognized by its first bytes and unpacked; anything else
// passes through as it is, and a stream that only starts like gzip is an
// error, not a silent pass-through.
func TestReader(t *testing.T) {
	const text = "ip_output [kernel]\ntcp_sendmsg\n"
	var gz, xzb bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write([]byte(text))
	zw.Close()
	xw, err := xz.NewWriter(&xzb)
	if err != nil {
		t.Fatal(err)
	}
	xw.Write([]byte(text))
	xw.Close()
	for _, tt := range []struct {
		in     []byte
		format string
	}{{[]byte(text), ""}, {gz.Bytes(), "gzip"}, {xzb.Bytes(), "xz"}, {nil, ""}} {
		r, format, err := Reader(bufio.NewReader(bytes.NewReader(tt.in)))
		if err != nil || format != tt.format {
			t.Fatalf("%q: format %q, %v; want %q", tt.format, format, err, tt.format)
		}
		got, err := io.ReadAll(r)
		if want := text; tt.in == nil {
			want = ""
			if string(got) != want || err != nil {
				t.Errorf("empty input: %q, %v", got, err)
			}
		} else if string(got) != want || err != nil {
			t.Errorf("%q: read %q, %v", tt.format, got, err)
		}
	}
	if _, format, err := Reader(bufio.NewReader(bytes.NewReader([]byte{0x1f, 0x8b, 0, 0}))); err == nil || format != "gzip" {
		t.Errorf("broken gzip: format %q, err %v", format, err)
	}
}
