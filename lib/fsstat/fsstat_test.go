package fsstat

import (
	"os"
	"testing"
)

func TestStatOfTempDir(t *testing.T) {
	u, err := Stat(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if u.Total == 0 || u.Avail > u.Free || u.Free > u.Total {
		t.Fatalf("implausible usage %+v", u)
	}
	if p := u.FreePercent(); p < 0 || p > 100 {
		t.Fatalf("free percent %v", p)
	}
	if _, err := Stat("/nonexistent/path"); !os.IsNotExist(err) {
		t.Fatalf("missing path: %v", err)
	}
}

func TestPercentages(t *testing.T) {
	u := Usage{Total: 1000, Free: 300, Avail: 250, Files: 0}
	if u.Used() != 700 || u.Basis() != 950 {
		t.Fatalf("used %d basis %d", u.Used(), u.Basis())
	}
	if got := u.FreePercent(); got < 26.31 || got > 26.32 {
		t.Fatalf("free%% = %v", got)
	}
	if u.HasInodeLimit() || u.InodesFreePercent() != 100 {
		t.Fatal("0 inodes means no inode limit")
	}
	if (Usage{}).FreePercent() != 100 {
		t.Fatal("empty file system")
	}
}

func TestDevice(t *testing.T) {
	d1, err1 := Device(t.TempDir())
	d2, err2 := Device(os.TempDir())
	if err1 != nil || err2 != nil || d1 != d2 {
		t.Fatalf("same fs, different devices: %v %v %v %v", d1, d2, err1, err2)
	}
}
