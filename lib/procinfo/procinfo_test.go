package procinfo

import (
	"encoding/binary"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
)

func TestInfoIs(t *testing.T) {
	cases := []struct {
		name string
		info Info
		want bool
	}{
		{"comm matches", Info{Name: "stored", Exe: "/opt/SUNWmsgsr/lib/stored"}, true},
		{"comm matches, exe unreadable", Info{Name: "stored"}, true},
		{"exe matches, comm renamed", Info{Name: "worker", Exe: "/opt/SUNWmsgsr/lib/stored"}, true},
		{"deleted exe still counts", Info{Name: "x", Exe: "/opt/SUNWmsgsr/lib/stored (deleted)"}, true},
		{"other program", Info{Name: "sleep", Exe: "/usr/bin/sleep", Argv0: "stored"}, false},
		{"argv0 alone is not trusted when comm is known", Info{Name: "bash", Argv0: "/opt/lib/stored"}, false},
		{"argv0 when nothing else is readable", Info{Argv0: "/opt/SUNWmsgsr/lib/stored"}, true},
		{"substring is not a match", Info{Name: "storedx", Exe: "/bin/storedx"}, false},
		{"truncated 15-char comm", Info{Name: "tcp_smtp_server"}, true},
		{"empty info", Info{}, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			target := "stored"
			if c.info.Name == "tcp_smtp_server" {
				target = "tcp_smtp_server_x"
			}
			if got := c.info.Is(target); got != c.want {
				t.Errorf("%+v.Is(%q) = %v, want %v", c.info, target, got, c.want)
			}
		})
	}
	if (Info{Name: "stored"}).Is("") {
		t.Error("an empty name must never match")
	}
}

func TestNames(t *testing.T) {
	got := Info{Name: "stored", Exe: "/opt/lib/stored", Argv0: "/opt/lib/stored"}.Names()
	if len(got) != 1 || got[0] != "stored" {
		t.Errorf("Names = %q, want [stored]", got)
	}
}

func TestParseStat(t *testing.T) {
	cases := []struct {
		in     string
		want   Info
		hasErr bool
	}{
		{"123 (stored) S 1 123 123 0 -1", Info{Pid: 123, PPid: 1, Name: "stored"}, false},
		{"7 (a) b (c) Z 9 7", Info{Pid: 7, PPid: 9, Name: "a) b (c", Zombie: true}, false},
		{"", Info{}, true},
		{"x (y) S 1", Info{}, true},
		{"12 (y)", Info{}, true},
		{"12 y) S 1", Info{}, true},
	}
	for _, c := range cases {
		got, err := parseStat([]byte(c.in))
		if (err != nil) != c.hasErr || err == nil && got != c.want {
			t.Errorf("parseStat(%q) = %+v, %v; want %+v, error %v", c.in, got, err, c.want, c.hasErr)
		}
	}
}

func TestParsePsinfo(t *testing.T) {
	b := make([]byte, 416)
	le := binary.LittleEndian
	le.PutUint32(b[offNlwp:], 3)
	le.PutUint32(b[offPid:], 28250)
	le.PutUint32(b[offPPid:], 1)
	copy(b[offFname:], "stored")
	copy(b[offPsargs:], "/opt/SUNWmsgsr/lib/stored -d")
	got, err := parsePsinfo(b, 28250, "psinfo")
	want := Info{Pid: 28250, PPid: 1, Name: "stored", Argv0: "/opt/SUNWmsgsr/lib/stored"}
	if err != nil || got != want {
		t.Fatalf("parsePsinfo = %+v, %v; want %+v", got, err, want)
	}
	le.PutUint32(b[offNlwp:], 0)
	if got, _ := parsePsinfo(b, 28250, "psinfo"); !got.Zombie {
		t.Error("pr_nlwp 0 must read as a zombie")
	}
	if _, err := parsePsinfo(b, 4, "psinfo"); err == nil {
		t.Error("a pr_pid that differs from the pid asked for must be an error")
	}
	if _, err := parsePsinfo(b[:100], 28250, "psinfo"); err == nil {
		t.Error("a short psinfo must be an error")
	}
}

func TestLookupLive(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("reads Linux /proc")
	}
	self, err := Lookup(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	if self.PPid != os.Getppid() || self.Zombie {
		t.Errorf("self = %+v, want ppid %d, not a zombie", self, os.Getppid())
	}
	exe, _ := os.Executable()
	if !self.Is(filepath.Base(exe)) {
		t.Errorf("self %+v is not %s", self, filepath.Base(exe))
	}

	// A copy of sleep called "stored": what the kernel names it is what counts.
	dir := t.TempDir()
	stored := filepath.Join(dir, "stored")
	copyFile(t, "/bin/sleep", stored)
	cmd := exec.Command(stored, "60")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	pid := cmd.Process.Pid
	info, err := Lookup(pid)
	if err != nil {
		t.Fatal(err)
	}
	if !info.Is("stored") || info.Is("sleep") {
		t.Errorf("copy of sleep named stored: %+v", info)
	}
	// Killed but not reaped: a zombie, not a running stored.
	cmd.Process.Kill()
	waitZombie(t, pid)
	cmd.Wait()
	if _, err := Lookup(pid); !errors.Is(err, ErrNoProcess) {
		t.Errorf("reaped pid: err = %v, want ErrNoProcess", err)
	}
	if _, err := Lookup(-1); err == nil {
		t.Error("negative pid must be an error")
	}
}

// waitZombie polls until the killed child shows as a zombie (the kernel
// needs a moment to deliver SIGKILL); it does not sleep a fixed time.
func waitZombie(t *testing.T, pid int) {
	t.Helper()
	for i := 0; i < 1_000_000; i++ {
		info, err := Lookup(pid)
		if err == nil && info.Zombie {
			return
		}
		runtime.Gosched()
	}
	t.Fatalf("pid %d never became a zombie", pid)
}

func copyFile(t *testing.T, src, dst string) {
	t.Helper()
	b, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dst, b, 0o755); err != nil {
		t.Fatal(err)
	}
}
