package msglogs

import (
	"fmt"
	"os"
	"testing"
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
