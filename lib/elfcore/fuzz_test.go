package elfcore_test

import (
	"bytes"
	"io"
	"testing"

	"github.com/msgstore-plugins/msgstore/lib/elfcore"
	"github.com/msgstore-plugins/msgstore/lib/elfcore/elfcoretest"
)

// countingReader counts the bytes Identify asks for.
type countingReader struct {
	r     io.ReaderAt
	asked int64
}

func (c *countingReader) ReadAt(p []byte, off int64) (int, error) {
	c.asked += int64(len(p))
	return c.r.ReadAt(p, off)
}

// maxRead is what Identify may read at most, whatever the file claims.
const maxRead = 64 + 64 + elfcore.MaxProgramHeaders*56 + elfcore.MaxNoteSegments*elfcore.MaxNoteBytes

func FuzzIdentify(f *testing.F) {
	for _, l := range elfcoretest.Layouts {
		b := elfcoretest.Core{Layout: l, Program: "imapd", Args: "imapd -d", PID: 4711, Signal: 11, Data: 16}.Bytes()
		f.Add(b, int64(0))
		f.Add(b[:len(b)/2], int64(0))
	}
	f.Add(elfcoretest.Executable(), int64(0))
	f.Add([]byte("core\n"), int64(0))
	f.Add([]byte{}, int64(1<<40))
	f.Fuzz(func(t *testing.T, data []byte, extra int64) {
		// extra claims a size larger than the data, as a file that
		// shrinks under the reader does.
		size := int64(len(data))
		if extra > 0 && extra < 1<<50 {
			size += extra
		}
		cr := &countingReader{r: bytes.NewReader(data)}
		info, err := elfcore.Identify(cr, size)
		if err != nil {
			t.Fatalf("Identify returned an error for in-memory data: %v", err)
		}
		if cr.asked > maxRead {
			t.Fatalf("read %d bytes, more than the cap %d", cr.asked, maxRead)
		}
		if info.Kind == elfcore.Core && info.Class != 32 && info.Class != 64 {
			t.Fatalf("core of class %d", info.Class)
		}
		if info.PID < 0 || info.Signal < 0 || info.Signal > 128 {
			t.Fatalf("pid %d signal %d", info.PID, info.Signal)
		}
		for _, s := range []string{info.Program, info.Args} {
			for i := 0; i < len(s); i++ {
				if s[i] < 0x20 || s[i] >= 0x7f {
					t.Fatalf("unprintable byte %#x in %q", s[i], s)
				}
			}
		}
		_ = info.Describe()
		_ = info.SignalName()
	})
}
