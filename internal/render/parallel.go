package render

import (
	"bytes"
	"errors"
	"fmt"
	"io"
)

// A regular file in text mode is rendered in parts of about bulkChunk
// bytes of whole lines by up to maxBulkWorkers goroutines, and written in
// order. In text mode nothing carries from one line to the next but an
// event whose string runs past the end of a part; the part after such a
// one is rendered again, in order, with that event carried in, so the
// output is the same as one Renderer's, byte for byte.
const (
	bulkChunk      = 512 << 10
	maxBulkWorkers = 4
)

// chunk is one part of the file and what rendering it gave.
type chunk struct {
	data  []byte // whole lines; the file's last line may lack its newline
	out   []byte // the rendered text
	lost  []lostReport
	join  []byte // an event still open at the end of data, not in out
	joins int
	err   error // what ended the file after data (io.EOF at its end)
	ready chan struct{}
}

type lostReport struct {
	cpu int
	n   uint64
}

// partRenderer renders parts, keeping their output and lost-event reports
// for the writer to pass on in file order.
type partRenderer struct {
	r   *Renderer
	cur *chunk
}

func newPartRenderer(opts Options) *partRenderer {
	p := &partRenderer{}
	opts.OnLost = func(cpu int, n uint64) { p.cur.lost = append(p.cur.lost, lostReport{cpu, n}) }
	p.r = New(nil, opts)
	return p
}

// render renders c.data, continuing the open event join (joins lines).
func (p *partRenderer) render(c *chunk, join []byte, joins int) {
	r := p.r
	p.cur = c
	c.lost = c.lost[:0]
	r.buf = c.out[:0]
	r.join = append(r.join[:0], join...)
	r.joins = joins
	for data := c.data; len(data) > 0; {
		i := bytes.IndexByte(data, '\n')
		if i < 0 {
			r.Line(data)
			break
		}
		r.Line(data[:i])
		data = data[i+1:]
	}
	c.join = append(c.join[:0], r.join...)
	c.joins = r.joins
	c.out = r.buf
	r.buf = nil
}

// copyParallel is Copy of a regular file in text mode with workers
// goroutines rendering.
func copyParallel(w io.Writer, src io.Reader, opts Options, workers int) error {
	n := 2*workers + 2
	free := make(chan *chunk, n)
	for range n {
		free <- &chunk{data: make([]byte, 0, bulkChunk+bulkChunk/4), ready: make(chan struct{}, 1)}
	}
	work := make(chan *chunk, n)
	order := make(chan *chunk, n)
	stop := make(chan struct{})
	defer close(stop)
	go readChunks(src, free, work, order, stop)
	for range workers {
		go func() {
			p := newPartRenderer(opts)
			for c := range work {
				p.render(c, nil, 0)
				c.ready <- struct{}{}
			}
		}()
	}
	seq := newPartRenderer(opts) // renders again a part that starts inside an event
	var join []byte
	joins := 0
	for c := range order {
		<-c.ready
		if len(join) > 0 {
			seq.render(c, join, joins)
		}
		for _, l := range c.lost {
			if opts.OnLost != nil {
				opts.OnLost(l.cpu, l.n)
			}
		}
		if err := writeAll(w, c.out); err != nil {
			return fmt.Errorf("write rendered trace: %w", err)
		}
		join, joins = append(join[:0], c.join...), c.joins
		rerr := c.err
		free <- c
		if rerr == nil {
			continue
		}
		if len(join) > 0 {
			// The file ends inside a string: render the event as it is.
			r := seq.r
			r.buf = r.buf[:0]
			r.join = append(r.join[:0], join...)
			r.flushJoin()
			if err := writeAll(w, r.buf); err != nil {
				return fmt.Errorf("write rendered trace: %w", err)
			}
		}
		if errors.Is(rerr, io.EOF) {
			return nil
		}
		return fmt.Errorf("read trace: %w", rerr)
	}
	return nil // not reached: the last part carries the end of the file
}

// readChunks cuts src into parts of whole lines, handed to the workers and,
// in the same order, to the writer. It stops after the part that carries
// the end of the file or a read error, or when stop is closed.
func readChunks(src io.Reader, free chan *chunk, work, order chan<- *chunk, stop <-chan struct{}) {
	defer close(work)
	defer close(order)
	var carry []byte // the start of a line the last part cut off
	for {
		var c *chunk
		select {
		case c = <-free:
		case <-stop:
			return
		}
		c.data = append(c.data[:0], carry...)
		c.err = nil
		for {
			if len(c.data) == cap(c.data) {
				// One line longer than the part: grow it, never cut the line.
				c.data = append(c.data, make([]byte, cap(c.data))...)[:len(c.data)]
			}
			n, err := src.Read(c.data[len(c.data):cap(c.data)])
			c.data = c.data[:len(c.data)+n]
			if err != nil {
				c.err = err
				break
			}
			if len(c.data) >= bulkChunk && bytes.IndexByte(c.data[len(c.data)-n:], '\n') >= 0 {
				break
			}
		}
		if c.err == nil {
			i := bytes.LastIndexByte(c.data, '\n') + 1
			carry = append(carry[:0], c.data[i:]...)
			c.data = c.data[:i]
		}
		select {
		case order <- c:
		case <-stop:
			return
		}
		select {
		case work <- c:
		case <-stop:
			return
		}
		if c.err != nil {
			return
		}
	}
}

// writeAll writes b, as bufio.Writer would, reporting a short write.
func writeAll(w io.Writer, b []byte) error {
	if len(b) == 0 {
		return nil
	}
	n, err := w.Write(b)
	if err == nil && n < len(b) {
		err = io.ErrShortWrite
	}
	return err
}
