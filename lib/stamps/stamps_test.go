package stamps

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestRead(t *testing.T) {
	dir := t.TempDir()
	now := time.Now().Truncate(time.Second)
	write := func(name string, age time.Duration) {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, nil, 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(p, now.Add(-age), now.Add(-age)); err != nil {
			t.Fatal(err)
		}
	}
	write("stored.ckp", 20*time.Second)
	write("stored.per", -2*time.Hour)
	if err := os.Mkdir(filepath.Join(dir, "stored.lcu"), 0o755); err != nil {
		t.Fatal(err)
	}

	ckp := Read(dir, Checkpoint, now)
	if !ckp.Exists || ckp.Err != nil || ckp.Age != 20*time.Second {
		t.Errorf("ckp = %+v, want 20s old", ckp)
	}
	per := Read(dir, Peruser, now)
	if !per.Exists || per.Age != -2*time.Hour {
		t.Errorf("per = %+v, want 2h in the future", per)
	}
	lcu := Read(dir, LogCleanup, now)
	if lcu.Exists || lcu.Err == nil {
		t.Errorf("a directory named stored.lcu must be an error: %+v", lcu)
	}
	missing := Read(t.TempDir(), Checkpoint, now)
	if missing.Exists || missing.Err != nil {
		t.Errorf("missing = %+v, want not existing, no error", missing)
	}
}

func TestDefaultsFollowIntervals(t *testing.T) {
	for _, s := range All {
		if !(s.Interval < s.Warn && s.Warn < s.Crit) {
			t.Errorf("%s: interval %v, warn %v, crit %v: want interval < warn < crit", s.File, s.Interval, s.Warn, s.Crit)
		}
	}
}
