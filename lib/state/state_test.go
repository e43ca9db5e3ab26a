package state

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

type sample struct {
	Offset int64  `json:"offset"`
	Inode  uint64 `json:"inode"`
}

func TestSaveLoadRoundTripAndMode(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "state")
	name := Key("check_msglogs", "imap", "/opt/SUNWmsgsr/log/imap", "--exclude=x")
	if ok, err := Load(dir, name, &sample{}); ok || err != nil {
		t.Fatalf("no state yet: %v %v", ok, err)
	}
	if err := Save(dir, name, sample{Offset: 42, Inode: 7}); err != nil {
		t.Fatal(err)
	}
	var got sample
	if ok, err := Load(dir, name, &got); !ok || err != nil || got != (sample{42, 7}) {
		t.Fatalf("Load = %v %v %+v", ok, err, got)
	}
	fi, _ := os.Stat(filepath.Join(dir, name))
	di, _ := os.Stat(dir)
	if fi.Mode().Perm() != 0o600 || di.Mode().Perm() != 0o700 {
		t.Errorf("modes: file %v dir %v", fi.Mode(), di.Mode())
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("temp files left behind: %v", entries)
	}
}

func TestSaveRemovesStaleTempFiles(t *testing.T) {
	dir := t.TempDir()
	stale := filepath.Join(dir, ".s.json.123.tmp")
	fresh := filepath.Join(dir, ".s.json.456.tmp")
	other := filepath.Join(dir, ".other.json.789.tmp")
	for _, p := range []string{stale, fresh, other} {
		os.WriteFile(p, []byte("{"), 0o600)
	}
	old := time.Now().Add(-time.Hour)
	os.Chtimes(stale, old, old)
	os.Chtimes(other, old, old)
	if err := Save(dir, "s.json", sample{Offset: 1}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Error("a temp file left by a killed run (1h old) was kept")
	}
	for _, p := range []string{fresh, other} {
		if _, err := os.Stat(p); err != nil {
			t.Errorf("%s removed: a concurrent run's or another state's temp file must stay", p)
		}
	}
}

func TestCorruptState(t *testing.T) {
	dir := t.TempDir()
	for _, content := range []string{"{not json", "\x00\x01\x02", strings.Repeat("x", MaxBytes+10)} {
		os.WriteFile(filepath.Join(dir, "s.json"), []byte(content), 0o600)
		_, err := Load(dir, "s.json", &sample{})
		if !errors.Is(err, ErrCorrupt) {
			t.Errorf("content %.10q: err = %v, want ErrCorrupt", content, err)
		}
	}
}

func TestKeyDiffersByParts(t *testing.T) {
	a := Key("p", "imap", "x")
	b := Key("p", "imap", "y")
	if a == b || !strings.HasPrefix(a, "p.imap.") || strings.ContainsAny(Key("p", "a/b c", "x"), "/ ") {
		t.Fatalf("keys %q %q", a, b)
	}
}

func TestUnwritableDir(t *testing.T) {
	if os.Geteuid() == 0 {
		// root writes anywhere: use a path under a regular file instead.
		f := filepath.Join(t.TempDir(), "file")
		os.WriteFile(f, nil, 0o600)
		if err := CheckWritable(filepath.Join(f, "state")); err == nil {
			t.Fatal("state dir under a file accepted")
		}
		return
	}
	dir := t.TempDir()
	os.Chmod(dir, 0o500)
	if err := CheckWritable(dir); err == nil || !strings.Contains(err.Error(), dir) {
		t.Fatalf("err = %v", err)
	}
}

func FuzzLoad(f *testing.F) {
	f.Add([]byte(`{"offset":1,"inode":2}`))
	f.Add([]byte(`{"offset":-1e999}`))
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, b []byte) {
		os.WriteFile(filepath.Join(dir, "f.json"), b, 0o600)
		var s sample
		_, err := Load(dir, "f.json", &s)
		// The message never quotes the content (it may be a secret that a
		// symlink or a planted file points at).
		if err != nil && len(b) >= 6 && strings.Contains(err.Error(), string(b)) {
			t.Fatalf("error quotes the content: %v", err)
		}
	})
}
