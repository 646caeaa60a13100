package graph

import (
	"strings"
	"testing"
)

// shape prints a tree as "f(g(h) i)" with totals in microseconds.
func shape(n *Node) string {
	var b strings.Builder
	var walk func(n *Node)
	walk = func(n *Node) {
		b.WriteString(n.Name + ":" + micros(n.Total))
		if n.IRQ {
			b.WriteString("!irq")
		}
		if len(n.Children) > 0 {
			b.WriteString("(")
			for i, c := range n.Children {
				if i > 0 {
					b.WriteString(" ")
				}
				walk(c)
			}
			b.WriteString(")")
		}
	}
	walk(n)
	return b.String()
}

// build feeds lines and returns the shapes of the calls and the stats.
func build(fn, text string) ([]string, []*Call, Stats) {
	b := NewBuilder(fn)
	var shapes []string
	var calls []*Call
	for _, l := range strings.Split(strings.TrimPrefix(text, "\n"), "\n") {
		if c := b.AddText(l); c != nil {
			shapes = append(shapes, shape(c.Root))
			calls = append(calls, c)
		}
	}
	return shapes, calls, b.Flush()
}

func TestBuilder(t *testing.T) {
	tests := []struct {
		name  string
		fn    string
		in    string
		want  []string
		stats Stats
	}{{
		name: "nested",
		fn:   "f",
		in: `
 0)               |  f() {
 0)   1.000 us    |    g();
 0)               |    h() {
 0)   2.000 us    |      i();
 0)   5.000 us    |    }
 0) + 10.000 us   |  }`,
		want:  []string{"f:10.000(g:1.000 h:5.000(i:2.000))"},
		stats: Stats{Calls: 1},
	}, {
		name: "other functions are skipped, calls inside them count",
		fn:   "f",
		in: `
 0)   1.000 us    |  mutex_unlock();
 0)               |  x() {
 0)   1.000 us    |    f();
 0)   3.000 us    |  }
 0)   4.000 us    |  f();`,
		want:  []string{"f:1.000", "f:4.000"},
		stats: Stats{Calls: 2},
	}, {
		name: "two CPUs interleaved, no task column",
		fn:   "f",
		in: `
 0)               |  f() {
 1)               |  f() {
 0)   1.000 us    |    a();
 1)   2.000 us    |    b();
 1)               |    c() {
 0)   3.000 us    |  }
 1)   1.000 us    |      d();
 1)   2.000 us    |    }
 1)   7.000 us    |  }`,
		want:  []string{"f:3.000(a:1.000)", "f:7.000(b:2.000 c:2.000(d:1.000))"},
		stats: Stats{Calls: 2},
	}, {
		name: "a task moves to another CPU inside a call",
		fn:   "f",
		in: `
 0)     sh-10      |               |  f() {
 0)     sh-10      |               |    schedule() {
 1)     sh-10      |   9.000 us    |    }
 0)     ls-11      |               |  f() {
 1)     sh-10      |  12.000 us    |  }
 0)     ls-11      |   1.000 us    |  }`,
		want:  []string{"f:12.000(schedule:9.000)", "f:1.000"},
		stats: Stats{Calls: 2},
	}, {
		name: "task switch blocks tell the tasks apart without the task column",
		fn:   "f",
		in: `
 0)               |  f() {
 0)               |    schedule() {
 ------------------------------------------
 0)     sh-10      =>     ls-11    
 ------------------------------------------

 0)               |  f() {
 0)   1.000 us    |  }
 ------------------------------------------
 0)     ls-11      =>     sh-10    
 ------------------------------------------

 0)   9.000 us    |    }
 0)  12.000 us    |  }`,
		want:  []string{"f:1.000", "f:12.000(schedule:9.000)"},
		stats: Stats{Calls: 2},
	}, {
		name: "interrupt marks flag the handler",
		fn:   "f",
		in: `
 0)               |  f() {
 0)   ==========> |
 0)               |    gic_handle_irq() {
 0)   1.000 us    |      handle_domain_irq();
 0)   3.000 us    |    }
 0)   <========== |
 0)   1.000 us    |    g();
 0)   6.000 us    |  }`,
		want:  []string{"f:6.000(gic_handle_irq:3.000!irq(handle_domain_irq:1.000) g:1.000)"},
		stats: Stats{Calls: 1},
	}, {
		name: "an interrupt printed before the entry of the function it interrupted",
		fn:   "f",
		in: `
 0)               |  f() {
 0)   1.000 us    |      irq_enter_rcu();
 0)   5.000 us    |      __sysvec_apic_timer_interrupt();
 0)               |    g() {
 0)   1.000 us    |      h();
 0)   9.000 us    |    }
 0)   2.000 us    |      irq_exit_rcu();
 0)   4.000 us    |    k();
 0)  16.000 us    |  }`,
		want:  []string{"f:16.000(g:9.000(irq_enter_rcu:1.000 __sysvec_apic_timer_interrupt:5.000 h:1.000) k:4.000(irq_exit_rcu:2.000))"},
		stats: Stats{Calls: 1},
	}, {
		name: "the exit of an entry never seen breaks the call",
		fn:   "f",
		in: `
 0)               |  f() {
 0)   1.000 us    |      a();
 0)   2.000 us    |    }
 0)   5.000 us    |  }`,
		stats: Stats{Dropped: 1, Orphans: 1},
	}, {
		name: "the tail of a call that started before the trace",
		fn:   "f",
		in: `
 0)   1.000 us    |      x();
 0)   2.000 us    |    }
 0) + 10.000 us   |  }
 0)               |  f() {
 0)   1.000 us    |  }`,
		want:  []string{"f:1.000"},
		stats: Stats{Calls: 1, Orphans: 2},
	}, {
		name: "lost events break the call they fall in",
		fn:   "f",
		in: `
 0)               |  f() {
 0)   1.000 us    |    a();
CPU:0 [LOST 12 EVENTS]
 0)   2.000 us    |    b();
 0)   5.000 us    |  }
 0)   1.000 us    |  f();`,
		want:  []string{"f:1.000"},
		stats: Stats{Calls: 1, Dropped: 1, Lost: 12},
	}, {
		name: "an entry shallower than the stack closes what was lost",
		fn:   "f",
		in: `
 0)               |  f() {
 0)               |    a() {
 0)               |      b() {
 0)               |  f() {
 0)   1.000 us    |  }`,
		want:  []string{"f:1.000"},
		stats: Stats{Calls: 1, Dropped: 1},
	}, {
		name: "an exit naming another function breaks the call",
		fn:   "f",
		in: `
 0)               |  f() {
 0)               |    a() {
 0)   1.000 us    |    } /* b */
 0)   2.000 us    |  } /* f */`,
		stats: Stats{Dropped: 1},
	}, {
		name: "recursion stays inside the outer call",
		fn:   "f",
		in: `
 0)               |  f() {
 0)   1.000 us    |    f();
 0)   3.000 us    |  }`,
		want:  []string{"f:3.000(f:1.000)"},
		stats: Stats{Calls: 1},
	}, {
		name: "an unfinished call is counted at the end",
		fn:   "f",
		in: `
 0)               |  f() {
 0)   1.000 us    |    g();`,
		stats: Stats{Unfinished: 1},
	}, {
		name: "with no name the first function entered at the top is taken",
		fn:   "",
		in: `
 0)   1.000 us    |  mutex_unlock();
 0)               |  f() {
 0)   2.000 us    |  }
 0)   1.000 us    |  g();`,
		want:  []string{"f:2.000"},
		stats: Stats{Calls: 1},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, _, st := build(tt.fn, tt.in)
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("calls:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
			if st != tt.stats {
				t.Errorf("stats %+v, want %+v", st, tt.stats)
			}
		})
	}
}

func TestCallMeta(t *testing.T) {
	_, calls, _ := build("f", `
   18.804686 |   1)     cat-115    |               |  f() {
   18.804690 |   1)     cat-115    |   1.000 us    |  }`)
	if len(calls) != 1 {
		t.Fatalf("%d calls", len(calls))
	}
	c := calls[0]
	if c.Seq != 1 || c.CPU != 1 || c.PID != 115 || c.Comm != "cat" || c.Time.String() != "18.804686s" {
		t.Errorf("call %+v", c)
	}
	if got, want := Describe(c), "call 1: f, cat-115, CPU 1, at 18.804686, 1.000 us"; got != want {
		t.Errorf("Describe = %q, want %q", got, want)
	}
}

func TestMergeAndSelf(t *testing.T) {
	_, calls, _ := build("f", `
 0)               |  f() {
 0)   1.000 us    |    g();
 0)   4.000 us    |  }
 0)               |  f() {
 0)   2.000 us    |    h();
 0)   3.000 us    |    g();
 0)   9.000 us    |  }`)
	total := calls[0].Root.Clone()
	Merge(total, calls[1].Root)
	if got, want := shape(total), "f:13.000(g:4.000 h:2.000)"; got != want {
		t.Errorf("merged %s, want %s", got, want)
	}
	if total.Calls != 2 || total.Children[0].Calls != 2 || total.Children[1].Calls != 1 {
		t.Errorf("call counts %d %d %d", total.Calls, total.Children[0].Calls, total.Children[1].Calls)
	}
	if got := micros(total.Self()); got != "7.000" {
		t.Errorf("self %s, want 7.000", got)
	}
	if got := shape(calls[0].Root); got != "f:4.000(g:1.000)" {
		t.Errorf("merging changed the source: %s", got)
	}
}

func TestHottest(t *testing.T) {
	_, calls, _ := build("f", `
 0)               |  f() {
 0)   1.000 us    |    a();
 0)               |    b() {
 0)   0.100 us    |      c();
 0)   5.000 us    |    }
 0)  10.000 us    |  }`)
	var names []string
	for _, n := range calls[0].Root.Hottest() {
		names = append(names, n.Name)
	}
	// c holds 1% of f: below the 5% the path needs to go on.
	if got := strings.Join(names, " "); got != "f b" {
		t.Errorf("hottest path %q, want \"f b\"", got)
	}
}
