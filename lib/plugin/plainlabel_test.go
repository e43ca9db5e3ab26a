package plugin

import (
	"regexp"
	"testing"
)

// plainLabelRE is the regexp plainLabel replaced: the reference.
var plainLabelRE = regexp.MustCompile(`^[A-Za-z0-9_.:/+-]+$`)

func TestPlainLabel(t *testing.T) {
	for _, l := range []string{"", "imap_error", "a.b:c/d+e-f", "a b", "a'b", "é", "\xff", "a=b", "UPPER9"} {
		if got, want := plainLabel(l), plainLabelRE.MatchString(l); got != want {
			t.Errorf("plainLabel(%q) = %v, want %v", l, got, want)
		}
	}
}

func FuzzPlainLabel(f *testing.F) {
	f.Add("imap_error")
	f.Add("a b")
	f.Fuzz(func(t *testing.T, l string) {
		if got, want := plainLabel(l), plainLabelRE.MatchString(l); got != want {
			t.Fatalf("plainLabel(%q) = %v, want %v", l, got, want)
		}
	})
}
