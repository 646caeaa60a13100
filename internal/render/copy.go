package render

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
)

// Copy renders every line of src to w and flushes. It returns at src's
// EOF (a last line without a newline is rendered too), after
// opts.MaxEvents events, or at its first read or write error; a live
// caller stops it by closing src (the error then wraps os.ErrClosed).
//
// A stream (trace_pipe, a pipe, a terminal) is flushed whenever all it
// has delivered is rendered, so each event shows as soon as the kernel
// hands it over. When that data ends on a line boundary, as trace_pipe
// reads always do (they carry whole entries), JSON events are written
// too, except one still waiting for its stack in a stream that has stack
// blocks. A regular file is rendered in bulk, flushed only when buffers
// fill, so its rendering never depends on how reads happened to chunk it.
func Copy(w io.Writer, src io.Reader, opts Options) error {
	r := New(w, opts)
	bulk := isRegularFile(src)
	buf := make([]byte, 256<<10)
	start, end := 0, 0
	for {
		n, rerr := src.Read(buf[end:])
		scan := end // bytes before it hold no newline: don't search them again
		end += n
		for {
			i := bytes.IndexByte(buf[scan:end], '\n')
			if i < 0 {
				break
			}
			line := buf[start : scan+i]
			if limit := opts.MaxEvents; limit > 0 && r.events >= limit && r.startsEntry(line) {
				return flushed(r)
			}
			if err := r.Line(line); err != nil {
				return fmt.Errorf("write rendered trace: %w", err)
			}
			start = scan + i + 1
			scan = start
		}
		if rerr != nil {
			if start < end {
				if err := r.Line(buf[start:end]); err != nil {
					return fmt.Errorf("write rendered trace: %w", err)
				}
			}
			if err := r.Flush(); err != nil {
				return fmt.Errorf("write rendered trace: %w", err)
			}
			if errors.Is(rerr, io.EOF) {
				return nil
			}
			return fmt.Errorf("read trace: %w", rerr)
		}
		if !bulk && n > 0 {
			if start == end {
				// The last event is complete once its stack block, a
				// separate trace entry, has been read (with -s).
				if limit := opts.MaxEvents; limit > 0 && r.events >= limit && (!opts.Stacks || r.stacked) {
					return flushed(r)
				}
				r.Idle()
			} else {
				r.flushWriter()
			}
			if r.err != nil {
				return fmt.Errorf("write rendered trace: %w", r.err)
			}
		}
		if start > 0 {
			end = copy(buf, buf[start:end])
			start = 0
		}
		if end == len(buf) {
			// One line longer than the buffer: grow it, never cut the
			// line. A saved trace may hold a string value of any length,
			// and half a line would render as two wrong events.
			buf = append(buf, make([]byte, len(buf))...)
		}
	}
}

// isRegularFile tells a file on disk, read as fast as the disk allows,
// from a stream whose next read may block. tracefs files claim to be
// regular files of size 0.
func isRegularFile(src io.Reader) bool {
	f, ok := src.(interface{ Stat() (os.FileInfo, error) })
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode().IsRegular() && fi.Size() > 0
}

func flushed(r *Renderer) error {
	if err := r.Flush(); err != nil {
		return fmt.Errorf("write rendered trace: %w", err)
	}
	return nil
}
