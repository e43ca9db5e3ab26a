package layout

import (
	"path/filepath"
	"strings"
	"testing"
	"unicode"
)

// FuzzMTALogDir: whatever imta_tailor holds, the MTA log directory is an
// absolute path without control characters (a relative one would be read
// from wherever Nagios starts the plugin), taken from IMTA_LOG or the
// default.
func FuzzMTALogDir(f *testing.F) {
	for _, s := range []string{"IMTA_LOG=/var/opt/SUNWmsgsr/log\n", "! IMTA_LOG=/old\nIMTA_LOG = /new \n", "IMTA_LOG=log\n",
		"IMTA_LOG=\"/q\"\n", "IMTA_LOG=\n", "IMTA_LOG\n", "\x00=\xff\n", "IMTA_LOG=/a\r\n", "IMTA_LOG=/\x00\n"} {
		f.Add(s)
	}
	base := f.TempDir()
	l := New(base, "")
	f.Fuzz(func(t *testing.T, content string) {
		c := &Configuration{layout: l, tailor: ParseTailor(strings.NewReader(content))}
		d := c.MTALogDir()
		if !filepath.IsAbs(d.Value) || strings.ContainsFunc(d.Value, unicode.IsControl) {
			t.Fatalf("imta_tailor %q gave the MTA log directory %q", content, d.Value)
		}
		if d.Source == "imta_tailor" && !strings.Contains(content, "IMTA_LOG") {
			t.Fatalf("imta_tailor %q: %q taken from a file without IMTA_LOG", content, d.Value)
		}
	})
}
