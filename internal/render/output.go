package render

import "io"

// outSize is how much rendered output collects before it is written: large
// enough that a bulk render makes few write calls, small enough to sit in
// the CPU cache.
const outSize = 64 << 10

// The renderer appends its output straight into r.buf, so a text line is
// copied once from the input to what is written (a bufio.Writer would copy
// it again from the line being built). r.buf is written to r.w when it
// reaches outSize, on Idle and on Flush.

// put appends a whole output line and its newline.
func (r *Renderer) put(b []byte) {
	if r.err != nil {
		return
	}
	r.buf = append(append(r.buf, b...), '\n')
	r.spill()
}

// spill writes the output once enough of it has collected.
func (r *Renderer) spill() {
	if len(r.buf) >= outSize {
		r.flushWriter()
	}
}

// flushWriter writes all collected output; after a write error nothing is
// written any more and r.err keeps the first error.
func (r *Renderer) flushWriter() {
	if r.err == nil && len(r.buf) > 0 {
		n, err := r.w.Write(r.buf)
		if err == nil && n < len(r.buf) {
			err = io.ErrShortWrite
		}
		r.err = err
	}
	r.buf = r.buf[:0]
}
