package msglogs

import (
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"syscall"

	"github.com/msgstore-plugins/msgstore/lib/logtail"
	"testing"
)

// oldRotatedRE is the regexp rotatedName replaced; the tests keep it as the
// reference the hand-written matcher must agree with.
func oldRotatedRE(svc string) *regexp.Regexp {
	if svc == "mta" {
		return regexp.MustCompile(`^mail\.log_(.+)$`)
	}
	return regexp.MustCompile(`^` + regexp.QuoteMeta(svc) + `\.(\d+)\.(\d+)(\.(gz|Z|bz2|xz))?$`)
}

var oldCompressedRE = regexp.MustCompile(`\.(gz|Z|bz2|xz)$`)

func checkRotatedAgainstRegexp(t *testing.T, svc, name string) {
	t.Helper()
	seq, epoch, compressed, ok := rotatedName(svc, name)
	m := oldRotatedRE(svc).FindStringSubmatch(name)
	if ok != (m != nil) {
		t.Fatalf("rotatedName(%q, %q) ok=%v, regexp match=%v", svc, name, ok, m != nil)
	}
	if !ok {
		return
	}
	wantCompressed := svc != "mta" && m[3] != "" || svc == "mta" && oldCompressedRE.MatchString(name)
	if compressed != wantCompressed {
		t.Fatalf("rotatedName(%q, %q) compressed=%v, want %v", svc, name, compressed, wantCompressed)
	}
	if svc != "mta" && (seq != m[1] || epoch != m[2]) {
		t.Fatalf("rotatedName(%q, %q) = %q, %q, want %q, %q", svc, name, seq, epoch, m[1], m[2])
	}
}

func TestRotatedName(t *testing.T) {
	tests := []struct {
		svc, name string
		ok        bool
	}{
		{"imap", "imap.12.1700000000", true},
		{"imap", "imap.12.1700000000.gz", true},
		{"imap", "imap.12.1700000000.bz2", true},
		{"imap", "imap.12.1700000000.zip", false},
		{"imap", "imap.12.", false},
		{"imap", "imap..1700000000", false},
		{"imap", "imap.x.1", false},
		{"imap", "imap", false},
		{"imap", "pop.1.2", false},
		{"imap", "imap.1.2.gz.gz", false},
		{"pop", "pop.0.0.xz", true},
		{"mta", "mail.log_current", true}, // the caller skips it
		{"mta", "mail.log_yesterday", true},
		{"mta", "mail.log_yesterday.gz", true},
		{"mta", "mail.log_", false},
		{"mta", "mail.log_a\nb", false},
		{"mta", "mail.log", false},
	}
	for _, tt := range tests {
		_, _, _, ok := rotatedName(tt.svc, tt.name)
		if ok != tt.ok {
			t.Errorf("rotatedName(%q, %q) ok = %v, want %v", tt.svc, tt.name, ok, tt.ok)
		}
		checkRotatedAgainstRegexp(t, tt.svc, tt.name)
	}
}

func FuzzRotatedName(f *testing.F) {
	for _, s := range []string{"imap.1.2", "imap.1.2.gz", "mail.log_yesterday.Z", "pop.3.4.xz", "http.1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		for _, svc := range services {
			checkRotatedAgainstRegexp(t, svc, name)
		}
	})
}

func TestStateChanged(t *testing.T) {
	c := logtailCursorForTest()
	same := c
	moved := c
	moved.Offset++
	touched := c
	touched.MTime++
	tests := []struct {
		name string
		prev *cursorT
		want bool
	}{
		{"first run", nil, true},
		{"nothing moved", &same, false},
		{"offset moved", &moved, true},
		{"mtime changed", &touched, true},
	}
	for _, tt := range tests {
		if got := stateChanged(tt.prev, c); got != tt.want {
			t.Errorf("%s: stateChanged = %v, want %v", tt.name, got, tt.want)
		}
	}
}

type cursorT = logtail.Cursor

func logtailCursorForTest() logtail.Cursor {
	return logtail.Cursor{Path: "/x/imap", Dev: 1, Ino: 7, Offset: 10, Size: 10, MTime: 5, HeadLen: 10, HeadHash: 9}
}

// stateInodes maps each state file to its inode: Save renames a new file
// into place, so an unchanged inode means the file was not rewritten.
func stateInodes(t *testing.T, dir string) map[string]uint64 {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]uint64{}
	for _, e := range entries {
		fi, err := os.Stat(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		out[e.Name()] = fi.Sys().(*syscall.Stat_t).Ino
	}
	return out
}

func TestBinaryIdleRunDoesNotRewriteState(t *testing.T) {
	v := newServer(t)
	v.run().Expect(t, "MSGLOGS", 0)
	first := stateInodes(t, v.state)
	if len(first) == 0 {
		t.Fatal("the first run saved no state")
	}
	v.run().Expect(t, "MSGLOGS", 0)
	if second := stateInodes(t, v.state); !reflect.DeepEqual(first, second) {
		t.Fatalf("an idle run rewrote state files:\nbefore %v\nafter  %v", first, second)
	}
	v.append("imap", errLine)
	out := v.run()
	perfValue(t, out, "imap_error", 1)
	third := stateInodes(t, v.state)
	changed := 0
	for name, ino := range third {
		if first[name] != ino {
			changed++
		}
	}
	if changed != 1 {
		t.Fatalf("%d state files rewritten after one log grew, want 1: before %v after %v", changed, first, third)
	}
	// The line is not counted twice: the saved offset moved.
	perfValue(t, v.run(), "imap_error", 0)
}
