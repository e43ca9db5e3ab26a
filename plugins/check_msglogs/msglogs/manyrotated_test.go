package msglogs

import (
	"fmt"
	"os"
	"testing"

	"github.com/msgstore-plugins/msgstore/lib/plugintest"
)

// Hundreds of rotated files (an expiry job that stopped) are counted, not
// kept: a rotation since the last check is still followed, since the
// newest rotated files are the ones kept.
func TestBinaryManyRotatedFiles(t *testing.T) {
	v := newServer(t)
	const old = 3 * keptRotated / 2
	for i := range old {
		if err := os.WriteFile(v.log(fmt.Sprintf("imap.0.%d", 1700000000+i)), []byte("old\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	v.run("-s", "imap", "--rotated-warning", "1000").Expect(t, "MSGLOGS", 0)
	v.append("imap", errLine)
	rotated := v.rotate("imap")
	o := v.run("-s", "imap", "--rotated-warning", "1000")
	o.Expect(t, "MSGLOGS", 1)
	perfValue(t, o, "imap_error", 1)
	perfValue(t, o, "imap_rotated", float64(old+2+1)) // + the sample's two + this rotation
	o.Contains(t, "imap: rotated since the last check: read "+rotated+", then imap")
	o = v.run("-s", "imap", "--rotated-warning", "100")
	o.Expect(t, "MSGLOGS", 1)
	o.Contains(t, fmt.Sprintf("imap: %d rotated files", old+3))
}

// Memory stays bounded with tens of thousands of rotated files: the log
// directory's every entry, and every rotated file's path, used to be kept.
func TestBinaryManyRotatedFilesMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("creates 30,000 files")
	}
	v := newServer(t)
	const n = 30000
	for i := range n {
		f, err := os.Create(v.log(fmt.Sprintf("imap.%d.1795000000", 100+i)))
		if err != nil {
			t.Fatal(err)
		}
		f.Close()
	}
	o, rss := plugintest.RunPeakRSS(t, v.bin, nil, "-B", v.s.Base(), "--state-dir", v.state, "-s", "imap")
	o.Expect(t, "MSGLOGS", 0)
	perfValue(t, o, "imap_rotated", n+2)
	if limit := int64(15e6); rss > limit {
		t.Errorf("peak RSS %.1f MB with %d rotated files, over %.0f MB", float64(rss)/1e6, n, float64(limit)/1e6)
	}
}
