package stored

import (
	"strings"
	"testing"
)

// FuzzTail checks what is kept of the stored utility's output for the
// message: whatever it writes, in whatever chunks, the tail holds at most
// max bytes and its last line is one trimmed line of the output's end.
func FuzzTail(f *testing.F) {
	f.Add([]byte("starting\nstored is running\n\n"), uint8(3), uint8(16))
	f.Add([]byte("a\r\nb \t\r\n"), uint8(1), uint8(1))
	f.Add([]byte{}, uint8(0), uint8(0))
	f.Fuzz(func(t *testing.T, out []byte, chunk, limit uint8) {
		tl := &tail{max: int(limit) + 1}
		step := int(chunk)%13 + 1
		for i := 0; i < len(out); i += step {
			tl.Write(out[i:min(i+step, len(out))])
		}
		if len(tl.buf) > tl.max {
			t.Fatalf("kept %d bytes, max %d", len(tl.buf), tl.max)
		}
		if keep := out[max(0, len(out)-tl.max):]; string(tl.buf) != string(keep) {
			t.Fatalf("kept %q, want %q", tl.buf, keep)
		}
		l := tl.lastLine()
		if strings.ContainsAny(l, "\n") || l != strings.TrimSpace(l) || !strings.Contains(string(out), l) {
			t.Fatalf("last line %q of %q", l, out)
		}
	})
}
