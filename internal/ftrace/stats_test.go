package ftrace

import (
	"fmt"
	"os"
	"reflect"
	"testing"
)

func TestReadOverruns(t *testing.T) {
	fs := fakeTree(t, "per_cpu/cpu0/stats", "per_cpu/cpu1/stats", "per_cpu/cpu1/trace_pipe")
	stats := "entries: 10\noverrun: %d\ncommit overrun: 7\nbytes: 0\noldest event ts:     0.000000\nnow ts:   324.492721\ndropped events: %d\nread events: 3\n"
	os.WriteFile(fs.Path("per_cpu/cpu0/stats"), []byte(fmt.Sprintf(stats, 0, 0)), 0o644)
	os.WriteFile(fs.Path("per_cpu/cpu1/stats"), []byte(fmt.Sprintf(stats, 12, 3)), 0o644)
	got, err := readOverruns(fs.Path("per_cpu"))
	if err != nil {
		t.Fatal(err)
	}
	if want := map[int]uint64{0: 0, 1: 15}; !reflect.DeepEqual(got, want) {
		t.Errorf("readOverruns = %v, want %v", got, want)
	}
}
