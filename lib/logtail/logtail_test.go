package logtail

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

// logDir is a log directory with a service log "imap" rotated as
// imap.<seq>.<epoch>, as the Messaging Server rotates it.
type logDir struct {
	t   *testing.T
	dir string
	seq int
}

func newLogDir(t *testing.T) *logDir { return &logDir{t: t, dir: t.TempDir(), seq: 36} }

func (d *logDir) path(name string) string { return filepath.Join(d.dir, name) }

func (d *logDir) append(name string, lines ...string) {
	d.t.Helper()
	f, err := os.OpenFile(d.path(name), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		d.t.Fatal(err)
	}
	for _, l := range lines {
		if _, err := f.WriteString(l); err != nil {
			d.t.Fatal(err)
		}
	}
	f.Close()
}

// rotate renames imap to imap.<seq>.<epoch> and starts a new imap.
func (d *logDir) rotate(firstLine string) {
	d.t.Helper()
	d.seq++
	if err := os.Rename(d.path("imap"), d.path(fmt.Sprintf("imap.%d.%d", d.seq, 1795651200+d.seq))); err != nil {
		d.t.Fatal(err)
	}
	d.append("imap", firstLine)
}

func (d *logDir) source() Source {
	return Source{Path: d.path("imap"), Rotated: func() ([]string, error) {
		m, err := filepath.Glob(d.path("imap.*.*"))
		return m, err // seq numbers have equal width in these tests
	}}
}

// run follows the log and returns the lines read.
func (d *logDir) run(prev *Cursor, opt Options) (Cursor, Report, []string) {
	d.t.Helper()
	var got []string
	c, rep, err := Follow(prev, d.source(), opt, func(line []byte, cut bool) {
		s := string(line)
		if cut {
			s = fmt.Sprintf("CUT(%d)", len(line))
		}
		got = append(got, s)
	})
	if err != nil {
		d.t.Fatal(err)
	}
	return c, rep, got
}

func expectLines(t *testing.T, step string, got []string, want ...string) {
	t.Helper()
	if len(got) == 0 && len(want) == 0 {
		return
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("%s: read %q, want %q", step, got, want)
	}
}

func TestFollowScenarios(t *testing.T) {
	d := newLogDir(t)
	d.append("imap", "created 1\n", "old a\n")

	c, rep, got := d.run(nil, Options{})
	expectLines(t, "first run", got)
	if !rep.FirstRun || c.Offset != int64(len("created 1\nold a\n")) {
		t.Fatalf("first run: %+v %+v", rep, c)
	}

	d.append("imap", "new b\n", "partial")
	c, _, got = d.run(&c, Options{})
	expectLines(t, "growth", got, "new b")

	d.append("imap", " c\n", "before rotation\n")
	d.rotate("created 2\n")
	d.append("imap", "after rotation\n")
	c, rep, got = d.run(&c, Options{})
	expectLines(t, "rotation", got, "partial c", "before rotation", "created 2", "after rotation")
	if !rep.Rotated || rep.Lost {
		t.Fatalf("rotation report %+v", rep)
	}

	d.append("imap", "x1\n")
	d.rotate("created 3\n")
	d.append("imap", "x2\n")
	d.rotate("created 4\n")
	d.append("imap", "x3 no newline")
	c, _, got = d.run(&c, Options{})
	expectLines(t, "two rotations", got, "x1", "created 3", "x2", "created 4")

	d.append("imap", "\n")
	c, _, got = d.run(&c, Options{})
	expectLines(t, "line completed", got, "x3 no newline")

	c, _, got = d.run(&c, Options{})
	expectLines(t, "nothing new", got)

	if err := os.WriteFile(d.path("imap"), []byte("t1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	c, rep, got = d.run(&c, Options{})
	expectLines(t, "truncation", got, "t1")
	if !rep.Truncated {
		t.Fatalf("truncation not reported: %+v", rep)
	}

	// Rotated file gone (expired) before we could finish it.
	d.append("imap", "unread\n")
	d.rotate("created 5\n")
	for _, m := range mustGlob(t, d.path("imap.*.*")) {
		os.Remove(m)
	}
	_, rep, got = d.run(&c, Options{})
	expectLines(t, "lost rotation", got, "created 5")
	if !rep.Lost || rep.LostBytes != 0 {
		// "unread" was written after the last run's stat: its size was not seen.
		t.Fatalf("lost report %+v", rep)
	}
}

func mustGlob(t *testing.T, pattern string) []string {
	m, err := filepath.Glob(pattern)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestFromStartAndRewrittenInPlace(t *testing.T) {
	d := newLogDir(t)
	d.append("imap", "created A\n", "one\n")
	c, _, got := d.run(nil, Options{FromStart: true})
	expectLines(t, "from start", got, "created A", "one")

	// Same inode, rewritten with different content of a larger size.
	f, err := os.OpenFile(d.path("imap"), os.O_WRONLY|os.O_TRUNC, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString("created B\nalpha\nbeta\ngamma\n")
	f.Close()
	_, rep, got := d.run(&c, Options{})
	expectLines(t, "rewritten", got, "created B", "alpha", "beta", "gamma")
	if !rep.Truncated {
		t.Fatalf("rewrite not reported: %+v", rep)
	}
}

func TestMaxBytesContinuesNextRun(t *testing.T) {
	d := newLogDir(t)
	d.append("imap", "created\n")
	c, _, _ := d.run(nil, Options{})
	var want []string
	for i := 0; i < 100; i++ {
		l := fmt.Sprintf("line %03d", i)
		want = append(want, l)
		d.append("imap", l+"\n")
	}
	d.rotate("created 2\n")
	want = append(want, "created 2")
	var all []string
	for run := 0; run < 20; run++ {
		var got []string
		var rep Report
		c, rep, got = d.run(&c, Options{MaxBytes: 100})
		all = append(all, got...)
		if !rep.Capped {
			break
		}
		if rep.BytesRead > 100 {
			t.Fatalf("read %d bytes with MaxBytes 100", rep.BytesRead)
		}
	}
	expectLines(t, "capped runs", all, want...)
}

func TestLongLinesAreCut(t *testing.T) {
	d := newLogDir(t)
	d.append("imap", "created\n")
	c, _, _ := d.run(nil, Options{})
	huge := strings.Repeat("x", 10<<20)
	d.append("imap", "short\n", huge+"\n", "after\n")
	c, rep, got := d.run(&c, Options{MaxLine: 1000})
	expectLines(t, "10 MB line", got, "short", "CUT(1000)", "after")
	if rep.CutLines != 1 {
		t.Fatalf("cut lines %d", rep.CutLines)
	}
	// A long line still being written: cut once, its end skipped next run.
	d.append("imap", huge)
	c, _, got = d.run(&c, Options{MaxLine: 1000})
	expectLines(t, "growing long line", got, "CUT(1000)")
	if !c.InLong {
		t.Fatalf("cursor should be inside the long line: %+v", c)
	}
	d.append("imap", "tail of it\n", "next\n")
	_, _, got = d.run(&c, Options{MaxLine: 1000})
	expectLines(t, "long line finished", got, "next")
}

func TestDeadlineStopsEarly(t *testing.T) {
	d := newLogDir(t)
	d.append("imap", "created\n")
	c, _, _ := d.run(nil, Options{})
	d.append("imap", "a\n")
	c2, rep, got := d.run(&c, Options{Deadline: time.Now().Add(-time.Second)})
	expectLines(t, "deadline", got)
	if !rep.Capped || rep.CappedBy != "deadline" || c2.Offset != c.Offset {
		t.Fatalf("deadline: %+v %+v", rep, c2)
	}
}

func TestMissingAndNonRegular(t *testing.T) {
	d := newLogDir(t)
	if _, _, err := Follow(nil, d.source(), Options{}, func([]byte, bool) {}); !os.IsNotExist(err) {
		t.Fatalf("missing: %v", err)
	}
	os.Mkdir(d.path("imap"), 0o755)
	_, _, err := Follow(nil, d.source(), Options{}, func([]byte, bool) {})
	if err == nil || !strings.Contains(err.Error(), "not a regular file") {
		t.Fatalf("directory: %v", err)
	}
}

func TestScanCRLFAndFinal(t *testing.T) {
	lr := newLineReader(16)
	var got []string
	res, err := lr.scan(bytes.NewReader([]byte("a\r\nb\nlast")), 1<<20, true, false, nil, func(l []byte, cut bool) {
		got = append(got, string(l))
	})
	if err != nil || res.consumed != 9 {
		t.Fatalf("res %+v err %v", res, err)
	}
	expectLines(t, "crlf", got, "a", "b", "last")
}
