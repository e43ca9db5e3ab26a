package command

import (
	"bytes"
	"strings"
	"testing"
)

// FuzzCollector splits arbitrary output, cut into arbitrary chunks: every
// line is reported once, none is longer than the bound, and the tail is
// the end of the output.
func FuzzCollector(f *testing.F) {
	f.Add([]byte("a\nb\r\n\nlast"), uint8(3))
	f.Add([]byte(strings.Repeat("x", 100)+"\n"), uint8(7))
	f.Add([]byte{}, uint8(0))
	f.Fuzz(func(t *testing.T, out []byte, chunk uint8) {
		const maxLine, maxTail = 16, 32
		var got []string
		k := newCollector(Cmd{MaxLineBytes: maxLine, TailBytes: maxTail, OnLine: func(l string) { got = append(got, l) }})
		step := int(chunk)%9 + 1
		for i := 0; i < len(out); i += step {
			k.Write(out[i:min(i+step, len(out))])
		}
		k.Flush()
		r := k.result()
		want := bytes.Count(out, []byte("\n"))
		if len(out) > 0 && out[len(out)-1] != '\n' {
			want++
		}
		if r.Lines != want || len(got) != want {
			t.Fatalf("lines %d/%d, want %d", r.Lines, len(got), want)
		}
		for _, l := range got {
			if len(l) > maxLine {
				t.Fatalf("line of %d bytes", len(l))
			}
		}
		if len(r.Tail) > maxTail || !bytes.HasSuffix(out, r.Tail) || (len(out) <= maxTail && !bytes.Equal(r.Tail, out)) {
			t.Fatalf("tail %q of %q", r.Tail, out)
		}
	})
}
