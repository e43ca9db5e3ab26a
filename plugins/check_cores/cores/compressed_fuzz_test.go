package cores

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/msgstore-plugins/msgstore/lib/elfcore"
)

// FuzzIdentifyCompressed: a file named like a compressed core may hold
// anything. The decoders must answer, within their bounds, without a
// panic: a core, something else, or errDecode.
func FuzzIdentifyCompressed(f *testing.F) {
	for i, c := range compressions {
		b := compress(f, linuxImapd.Bytes(), c)
		f.Add(uint8(i), b)
		f.Add(uint8(i), b[:len(b)/2])
	}
	f.Add(uint8(0), []byte("(\xb5/\xfd"))
	path := filepath.Join(f.TempDir(), "core")
	f.Fuzz(func(t *testing.T, which uint8, data []byte) {
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		info, err := identifyCompressed(path, compressions[int(which)%len(compressions)])
		if err != nil {
			if !errors.Is(err, errDecode) {
				t.Fatalf("an error other than a decoding one: %v", err)
			}
			return
		}
		if info.Size > maxDecompressed || info.Kind == elfcore.Core && info.Truncated && info.Partial {
			t.Fatalf("info %+v", info)
		}
	})
}

// FuzzXzFirstBlock: the xz headers read before the LZMA2 decoder. Any
// bytes give a reader or an error, and the reader reads within bounds.
func FuzzXzFirstBlock(f *testing.F) {
	f.Add(compress(f, linuxImapd.Bytes(), "xz"))
	f.Add([]byte("\xfd7zXZ\x00\x00\x04\xe6\xd6\xb4\x46\x02\x00\x21\x01\x16\x00\x00\x00"))
	f.Add([]byte("\xfd7zXZ\x00\x00\x04\xe6\xd6\xb4\x46\x00"))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := xzFirstBlock(bufio.NewReader(bytes.NewReader(data)))
		if err != nil {
			return
		}
		n, _ := io.Copy(io.Discard, io.LimitReader(r, maxDecompressed+1))
		if n > maxDecompressed {
			t.Fatalf("%d bytes decompressed", n)
		}
	})
}
