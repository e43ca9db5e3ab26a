package elfcore_test

import (
	"bytes"
	"errors"
	"io"
	"testing"

	"github.com/msgstore-plugins/msgstore/lib/elfcore"
	"github.com/msgstore-plugins/msgstore/lib/elfcore/elfcoretest"
)

// failingReader returns its bytes, then err.
type failingReader struct {
	b   []byte
	err error
}

func (f *failingReader) Read(p []byte) (int, error) {
	if len(f.b) == 0 {
		return 0, f.err
	}
	n := copy(p, f.b)
	f.b = f.b[n:]
	return n, nil
}

// stuckReader returns nothing and no error, forever.
type stuckReader struct{}

func (stuckReader) Read([]byte) (int, error) { return 0, nil }

func TestIdentifyPrefix(t *testing.T) {
	whole := elfcoretest.Core{Layout: elfcoretest.LinuxAMD64, Program: "imapd", PID: 4711, Signal: 11, Data: 1 << 20}.Bytes()
	small := elfcoretest.Core{Layout: elfcoretest.SolarisSPARC64, Program: "stored", PID: 28250, Signal: 6}.Bytes()
	boom := errors.New("corrupt stream")
	tests := []struct {
		name      string
		r         io.Reader
		limit     int
		kind      elfcore.Kind
		program   string
		partial   bool
		truncated bool
		err       error
	}{
		{"a prefix of a big core names it", bytes.NewReader(whole), 64 << 10, elfcore.Core, "imapd", true, false, nil},
		{"a core shorter than the limit is read whole", bytes.NewReader(small), 1 << 20, elfcore.Core, "stored", false, false, nil},
		{"a whole core cut short is truncated", bytes.NewReader(small[:len(small)-100]), 1 << 20, elfcore.Core, "stored", false, true, nil},
		{"a stream that fails after the headers is identified", &failingReader{small[:4096], boom}, 1 << 20, elfcore.Core, "stored", true, false, nil},
		{"a stream that fails at once is an error", &failingReader{small[:10], boom}, 1 << 20, 0, "", false, false, boom},
		{"an empty stream is an empty core", bytes.NewReader(nil), 1 << 20, elfcore.Empty, "", false, true, nil},
		{"text", bytes.NewReader([]byte("hello, world")), 1 << 20, elfcore.NotELF, "", false, false, nil},
		{"a reader that never returns anything gives up", stuckReader{}, 1 << 20, 0, "", false, false, io.ErrNoProgress},
		{"no limit reads one byte", bytes.NewReader(small), 0, elfcore.CutELF, "", true, false, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			info, err := elfcore.IdentifyPrefix(tt.r, tt.limit)
			if !errors.Is(err, tt.err) {
				t.Fatalf("error %v, want %v", err, tt.err)
			}
			if err != nil {
				return
			}
			if info.Kind != tt.kind || info.Program != tt.program || info.Partial != tt.partial || info.Truncated != tt.truncated {
				t.Errorf("kind %v program %q partial %v truncated %v", info.Kind, info.Program, info.Partial, info.Truncated)
			}
		})
	}
}
