package graph

import (
	"testing"
	"time"
)

func TestParseLine(t *testing.T) {
	us := time.Microsecond
	sec := time.Second
	tests := []struct {
		name string
		in   string
		want Line
	}{
		{"header", "# tracer: function_graph", Line{}},
		{"column header", "# CPU  DURATION                  FUNCTION CALLS", Line{}},
		{"blank", "", Line{}},
		{"switch separator", " ------------------------------------------", Line{}},
		{"entry", " 0)               |  do_sys_openat2() {",
			Line{Kind: KindEntry, CPU: 0, Func: "do_sys_openat2", Text: "do_sys_openat2() {"}},
		{"nested entry", " 0)               |      getname_flags.part.0() {",
			Line{Kind: KindEntry, CPU: 0, Depth: 2, Func: "getname_flags.part.0", Text: "getname_flags.part.0() {"}},
		{"leaf", " 0)   3.085 us    |          __cond_resched();",
			Line{Kind: KindLeaf, CPU: 0, Depth: 4, Duration: 3085, Func: "__cond_resched", Text: "__cond_resched();"}},
		{"exit with mark", " 0) + 23.285 us   |        }",
			Line{Kind: KindExit, CPU: 0, Depth: 3, Duration: 23285, Mark: '+', Text: "}"}},
		{"exit over 100us", " 1) ! 758.170 us  |  mutex_unlock();",
			Line{Kind: KindLeaf, CPU: 1, Duration: 758170, Mark: '!', Func: "mutex_unlock", Text: "mutex_unlock();"}},
		{"over 1ms", " 1) # 1948.700 us |  }",
			Line{Kind: KindExit, CPU: 1, Duration: 1948700, Mark: '#', Text: "}"}},
		{"over 10ms, two decimals", " 0)     init-1     | * 12795.41 us |  } /* schedule */",
			Line{Kind: KindExit, CPU: 0, Comm: "init", PID: 1, Duration: 12795410, Mark: '*', Func: "schedule", Text: "} /* schedule */"}},
		{"over 100ms, one decimal", " 1)   sleep-132    | @ 152463.6 us |  }",
			Line{Kind: KindExit, CPU: 1, Comm: "sleep", PID: 132, Duration: 152463600 * time.Nanosecond, Mark: '@', Text: "}"}},
		{"over 1s, no decimals", " 0)   sleep-131    | $ 1100931 us  |  }",
			Line{Kind: KindExit, CPU: 0, Comm: "sleep", PID: 131, Duration: 1100931 * us, Mark: '$', Text: "}"}},
		{"tail comment", " 0) + 17.643 us   |        } /* kmem_cache_alloc */",
			Line{Kind: KindExit, CPU: 0, Depth: 3, Duration: 17643, Mark: '+', Func: "kmem_cache_alloc", Text: "} /* kmem_cache_alloc */"}},
		{"abstime and proc", "   18.804686 |   0)     init-1     |               |  do_sys_openat2() {",
			Line{Kind: KindEntry, CPU: 0, Comm: "init", PID: 1, Time: 18*sec + 804686*us, Func: "do_sys_openat2", Text: "do_sys_openat2() {"}},
		{"abstime, proc, leaf", "   18.804698 |   0)     init-1     |   1.563 us    |          __cond_resched();",
			Line{Kind: KindLeaf, CPU: 0, Comm: "init", PID: 1, Time: 18*sec + 804698*us, Depth: 4, Duration: 1563, Func: "__cond_resched", Text: "__cond_resched();"}},
		{"proc with cut comm", " 1)   rcu_pre-15   |   7.294 us    |    _raw_spin_unlock();",
			Line{Kind: KindLeaf, CPU: 1, Comm: "rcu_pre", PID: 15, Depth: 1, Duration: 7294, Func: "_raw_spin_unlock", Text: "_raw_spin_unlock();"}},
		{"proc with dash in comm", " 0)  kworker-0-7    |               |  schedule() {",
			Line{Kind: KindEntry, CPU: 0, Comm: "kworker-0", PID: 7, Func: "schedule", Text: "schedule() {"}},
		{"idle task", " 1)    <idle>-0    |   2.1 us      |  schedule_idle();",
			Line{Kind: KindLeaf, CPU: 1, Comm: "<idle>", PID: 0, Duration: 2100, Func: "schedule_idle", Text: "schedule_idle();"}},
		{"task switch", " 1)     sh-113     =>     sh-114    ",
			Line{Kind: KindSwitch, CPU: 1, PrevComm: "sh", PrevPID: 113, Comm: "sh", PID: 114}},
		{"lost events", "CPU:1 [LOST 296554 EVENTS]", Line{Kind: KindLost, CPU: 1, Lost: 296554}},
		{"irq enter", " 0)   ==========> |", Line{Kind: KindIRQEnter, CPU: 0}},
		{"irq exit", " 0)   <========== |", Line{Kind: KindIRQExit, CPU: 0}},
		{"irq enter with proc", " 2)    <idle>-0    |   ==========> |", Line{Kind: KindIRQEnter, CPU: 2, Comm: "<idle>", PID: 0}},
		{"module function", " 0)               |      dummy_xmit [dummy]() {",
			Line{Kind: KindEntry, CPU: 0, Depth: 2, Func: "dummy_xmit [dummy]", Text: "dummy_xmit [dummy]() {"}},
		{"leaf with return value", " 0)   0.501 us    |    kfree(); /* = 0x0 */",
			Line{Kind: KindLeaf, CPU: 0, Depth: 1, Duration: 501, Func: "kfree", Text: "kfree(); /* = 0x0 */"}},
		{"exit with return value", " 0)   9.000 us    |  } /* do_sys_openat2 = 0x3 */",
			Line{Kind: KindExit, CPU: 0, Duration: 9 * us, Func: "do_sys_openat2", Text: "} /* do_sys_openat2 = 0x3 */"}},
		{"event inside the graph", " 0)               |      /* sched_switch: prev_comm=sh */",
			Line{Kind: KindComment, CPU: 0, Depth: 2, Text: "/* sched_switch: prev_comm=sh */"}},
		{"no cpu column", "   1.563 us    |    __cond_resched();",
			Line{Kind: KindLeaf, Depth: 1, Duration: 1563, Func: "__cond_resched", Text: "__cond_resched();"}},
		{"carriage return", " 0)   3.085 us    |  f();\r",
			Line{Kind: KindLeaf, CPU: 0, Duration: 3085, Func: "f", Text: "f();"}},
		{"garbage", "hello | world", Line{}},
		{"bad lost", "CPU:x [LOST 1 EVENTS]", Line{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want := tt.want
			// Unset columns read as unknown.
			if want.CPU == 0 && !hasCPU(tt.in) {
				want.CPU = -1
			}
			if want.PID == 0 && want.Comm == "" {
				want.PID = -1
			}
			if want.PrevPID == 0 && want.PrevComm == "" {
				want.PrevPID = -1
			}
			if want.Time == 0 {
				want.Time = -1
			}
			if want.Duration == 0 {
				want.Duration = -1
			}
			if got := ParseLine(tt.in); got != want {
				t.Errorf("ParseLine(%q)\n got %+v\nwant %+v", tt.in, got, want)
			}
		})
	}
}

func hasCPU(s string) bool {
	for i := 0; i+1 < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' && s[i+1] == ')' {
			return true
		}
	}
	return false
}

func TestParseDecimal(t *testing.T) {
	for _, tt := range []struct {
		in   string
		unit int64
		want time.Duration
		ok   bool
	}{
		{"0.205", 1000, 205, true},
		{"12795.41", 1000, 12795410, true},
		{"1100931", 1000, 1100931000, true},
		{"18.804313", 1e9, 18804313000, true},
		{"", 1000, 0, false},
		{"1.2x", 1000, 0, false},
		{"-1.0", 1000, 0, false},
	} {
		got, ok := parseDecimal(tt.in, tt.unit)
		if got != tt.want || ok != tt.ok {
			t.Errorf("parseDecimal(%q) = %v, %v; want %v, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func BenchmarkParseLine(b *testing.B) {
	lines := []string{
		"   18.804698 |   0)     init-1     |   1.563 us    |          __cond_resched();",
		" 0)               |      getname_flags.part.0() {",
		" 0) + 23.285 us   |        } /* kmem_cache_alloc */",
	}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		ParseLine(lines[i%len(lines)])
	}
}
