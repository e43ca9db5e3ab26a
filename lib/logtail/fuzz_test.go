package logtail

import (
	"bytes"
	"testing"
)

// FuzzScan checks the line splitter's invariants on any input: it never
// consumes more than it was given, delivers no line break inside a line,
// never delivers more than maxLine bytes, and without cut lines stops right
// after a line break unless the input is final.
func FuzzScan(f *testing.F) {
	f.Add([]byte("a\nb\r\nc"), uint16(4), false)
	f.Add([]byte("0123456789\n"), uint16(3), true)
	f.Add([]byte{}, uint16(1), false)
	f.Add([]byte("\n\n\n"), uint16(1), false)
	f.Fuzz(func(t *testing.T, data []byte, maxLine uint16, final bool) {
		lr := newLineReader(int(maxLine%512) + 1)
		var lines, cut int64
		res, err := lr.scan(bytes.NewReader(data), int64(len(data)), final, false, nil, func(l []byte, c bool) {
			if bytes.IndexByte(l, '\n') >= 0 {
				t.Fatalf("line break inside line %q", l)
			}
			if len(l) > lr.maxLine {
				t.Fatalf("line of %d bytes with maxLine %d", len(l), lr.maxLine)
			}
			lines++
			if c {
				cut++
			}
		})
		if err != nil {
			t.Fatal(err)
		}
		if res.consumed < 0 || res.consumed > int64(len(data)) {
			t.Fatalf("consumed %d of %d", res.consumed, len(data))
		}
		if final && res.consumed != int64(len(data)) {
			t.Fatalf("final scan consumed %d of %d", res.consumed, len(data))
		}
		if cut == 0 {
			nl := int64(bytes.Count(data[:res.consumed], []byte("\n")))
			if !final && (res.consumed > 0 && data[res.consumed-1] != '\n' || lines != nl) {
				t.Fatalf("consumed %d (%d lines, %d breaks) of %q", res.consumed, lines, nl, data)
			}
		}
	})
}
