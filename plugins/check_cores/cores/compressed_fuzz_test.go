package cores

import (
	"errors"
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
