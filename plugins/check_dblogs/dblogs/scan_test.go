package dblogs

import (
	"regexp"
	"testing"
)

func TestIsLogName(t *testing.T) {
	for name, want := range map[string]bool{
		"log.0000000014": true, "log.0000000000": true, "log.9999999999": true,
		"log.1": false, "log.000000014": false, "log.00000000014": false,
		"log.0000000001.bak": false, "LOG.0000000001": false, "log.000000000a": false,
		"__db.001": false, "folder.db": false, "xlog.000000001": false, "log_0000000001": false,
		"": false, "log.": false,
	} {
		if got := IsLogName(name); got != want {
			t.Errorf("IsLogName(%q) = %v, want %v", name, got, want)
		}
	}
}

var logNameRE = regexp.MustCompile(`^log\.[0-9]{10}$`)

// FuzzIsLogName: the hand-written matcher (fast on 100,000 names) agrees
// with the specification ^log\.[0-9]{10}$, and the sequence number reads
// back as the name.
func FuzzIsLogName(f *testing.F) {
	for _, s := range []string{"log.0000000041", "log.1", "__db.001", "log.000000004a", "log.0000000041\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		got := IsLogName(name)
		if got != logNameRE.MatchString(name) {
			t.Fatalf("IsLogName(%q) = %v, regexp says %v", name, got, !got)
		}
		if got {
			if seq := logSeq(name); seq > 9999999999 || name[4:] != pad10(seq) {
				t.Fatalf("logSeq(%q) = %d", name, seq)
			}
		}
	})
}

func pad10(n uint64) string {
	b := []byte("0000000000")
	for i := 9; i >= 0 && n > 0; i-- {
		b[i] = byte('0' + n%10)
		n /= 10
	}
	return string(b)
}
