package msglogs

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzImtaLogDir checks the IMTA_LOG lookup in imta_tailor: whatever the
// file holds, the MTA log directory is either unknown ("": BASE/log is
// used) or an absolute path on one line. A relative one would be read
// relative to wherever Nagios happens to start the plugin.
func FuzzImtaLogDir(f *testing.F) {
	for _, s := range []string{"IMTA_LOG=/var/opt/SUNWmsgsr/log\n", "! IMTA_LOG=/old\nIMTA_LOG = /new \n", "IMTA_LOG=log\n",
		"IMTA_LOG=\"/q\"\n", "IMTA_LOG=\n", "IMTA_LOG\n", "\x00=\xff\n", "IMTA_LOG=/a\r\n"} {
		f.Add(s)
	}
	path := filepath.Join(f.TempDir(), "imta_tailor")
	f.Fuzz(func(t *testing.T, content string) {
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		d := imtaLogDir(path)
		if d == "" {
			return
		}
		if !strings.Contains(content, "IMTA_LOG") || !filepath.IsAbs(d) || strings.ContainsAny(d, "\r\n\x00") {
			t.Fatalf("imta_tailor %q gave the MTA log directory %q", content, d)
		}
	})
}
