package logtail

import (
	"bytes"
	"io"
)

// Line reading with bounded memory: a fixed buffer, no allocation per line,
// and lines longer than a cap delivered cut (their first MaxLine bytes) with
// the rest skipped, so that a 10 MB line with no newline costs the buffer and
// nothing more.

// DefaultMaxLine is the longest line delivered whole; longer lines are cut.
const DefaultMaxLine = 64 << 10

// bufferSize is the read buffer: large reads keep system calls few.
const bufferSize = 256 << 10

// LineFunc receives one line without its line break (and without a '\r'
// before it). line is only valid during the call. cut reports that the
// line was longer than the cap and only its beginning is given.
type LineFunc func(line []byte, cut bool)

// lineReader splits a stream into lines. It is reused across files of one
// run so that the buffer is allocated once.
type lineReader struct {
	buf     []byte
	maxLine int
}

func newLineReader(maxLine int) *lineReader {
	if maxLine <= 0 {
		maxLine = DefaultMaxLine
	}
	return &lineReader{maxLine: maxLine}
}

// buffer allocates the read buffer on first use: a run with nothing new
// to read allocates nothing.
func (lr *lineReader) buffer() []byte {
	if lr.buf == nil {
		size := bufferSize
		if size < 2*lr.maxLine {
			size = 2 * lr.maxLine
		}
		lr.buf = make([]byte, size)
	}
	return lr.buf
}

// scanResult says how far a scan got.
type scanResult struct {
	consumed  int64 // bytes fully dealt with (the next read starts here)
	inLong    bool  // consumed ends inside a cut line: skip to its end next time
	lines     int64 // lines delivered
	cutLines  int64 // of which cut
	stoppedBy error // non-nil when stop() asked to stop early
}

// scan reads at most limit bytes from r and calls fn for every complete
// line. A last line without a line break is delivered only when final is
// true (the file will not grow any more, e.g. a rotated log); otherwise it
// is left unconsumed, so that a line being written is read whole next
// time. skipFirst continues a cut line from a previous scan: bytes up to the
// first line break are skipped. stop is polled once per buffer fill.
func (lr *lineReader) scan(r io.Reader, limit int64, final, skipFirst bool, stop func() error, fn LineFunc) (scanResult, error) {
	var res scanResult
	if limit <= 0 && !skipFirst {
		return res, nil
	}
	buf := lr.buffer()
	start, end := 0, 0 // buf[start:end] holds unprocessed bytes
	skipping := skipFirst
	var remaining = limit
	eof := false
	for {
		// Deliver every complete line in the buffer.
		for start < end {
			i := bytes.IndexByte(buf[start:end], '\n')
			if i < 0 {
				break
			}
			switch {
			case skipping:
				skipping = false
			case i > lr.maxLine:
				deliver(buf[start:start+lr.maxLine], true, fn, &res)
				res.cutLines++
			default:
				deliver(buf[start:start+i], false, fn, &res)
			}
			start += i + 1
			res.consumed += int64(i + 1)
		}
		pending := end - start
		if !skipping && pending >= lr.maxLine {
			// An over-long line: deliver its head, skip the rest.
			deliver(buf[start:start+lr.maxLine], true, fn, &res)
			res.cutLines++
			skipping = true
		}
		if skipping && pending > 0 {
			res.consumed += int64(pending)
			start = end
			pending = 0
		}
		if eof || remaining <= 0 {
			if pending > 0 && final {
				deliver(buf[start:end], false, fn, &res)
				res.consumed += int64(pending)
				pending = 0
			}
			res.inLong = skipping && !final
			return res, nil
		}
		if stop != nil {
			if err := stop(); err != nil {
				res.stoppedBy = err
				res.inLong = skipping
				return res, nil
			}
		}
		// Make room: move the pending bytes to the front.
		if start > 0 {
			copy(buf, buf[start:end])
			end -= start
			start = 0
		}
		want := len(buf) - end
		if int64(want) > remaining {
			want = int(remaining)
		}
		n, err := r.Read(buf[end : end+want])
		end += n
		remaining -= int64(n)
		if err == io.EOF {
			eof = true
		} else if err != nil {
			res.inLong = skipping
			return res, err
		}
		if n == 0 && !eof {
			// A reader that returns nothing without EOF: treat as the end
			// rather than spin.
			eof = true
		}
	}
}

func deliver(line []byte, cut bool, fn LineFunc, res *scanResult) {
	if n := len(line); n > 0 && line[n-1] == '\r' {
		line = line[:n-1]
	}
	res.lines++
	fn(line, cut)
}
