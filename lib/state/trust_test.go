package state

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// nobody is the other local user of these tests (they run as root).
const nobody = 65534

func needRoot(t *testing.T) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("needs root to give files to another user")
	}
}

// A state dir that another user could have written is refused by Load,
// Save, CheckWritable and LockFile alike, with its path, owner and mode.
func TestUntrustedStateDir(t *testing.T) {
	needRoot(t)
	cases := []struct {
		name  string
		setup func(t *testing.T, dir string)
		want  string
	}{
		{"owned by nobody", func(t *testing.T, dir string) {
			os.Mkdir(dir, 0o700)
			os.Chown(dir, nobody, nobody)
		}, "is owned by uid 65534 (mode 0700)"},
		{"world-writable", func(t *testing.T, dir string) {
			os.Mkdir(dir, 0o700)
			os.Chmod(dir, 0o777)
		}, "is writable by other users (owner uid 0, mode 0777)"},
		{"group-writable", func(t *testing.T, dir string) {
			os.Mkdir(dir, 0o700)
			os.Chmod(dir, 0o770)
		}, "mode 0770"},
		{"symlink", func(t *testing.T, dir string) {
			real := dir + ".real"
			os.Mkdir(real, 0o700)
			os.Symlink(real, dir)
		}, "is a symlink (to "},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "state")
			c.setup(t, dir)
			errs := map[string]error{"CheckWritable": CheckWritable(dir), "Save": Save(dir, "s.json", sample{Offset: 1})}
			_, errs["Load"] = Load(dir, "s.json", &sample{})
			_, errs["LockFile"] = LockFile(context.Background(), dir, "s.json", time.Now())
			for op, err := range errs {
				if !errors.Is(err, ErrUntrusted) || !strings.Contains(err.Error(), dir) || !strings.Contains(err.Error(), c.want) {
					t.Errorf("%s: err = %v, want ErrUntrusted naming %s and %q", op, err, dir, c.want)
				}
			}
			if ents, _ := os.ReadDir(dir); len(ents) != 0 {
				t.Errorf("files were created in the refused dir: %v", ents)
			}
		})
	}
}

// A missing state dir is created 0700 with its parents; root-owned dirs
// are trusted by other users (read-only to them, which CheckWritable says).
func TestStateDirCreatedPrivate(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "a", "b", "state")
	if err := CheckWritable(dir); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Lstat(dir)
	if err != nil || fi.Mode().Perm() != 0o700 {
		t.Fatalf("dir %v %v, want mode 0700", fi, err)
	}
}

// A state file that is not the running user's own regular file is refused
// without reading it, and no error ever quotes a state file's content.
func TestUntrustedStateFile(t *testing.T) {
	needRoot(t)
	secret := filepath.Join(t.TempDir(), "shadow")
	os.WriteFile(secret, []byte("root:$6$SECRETHASH:19000:0:99999:7:::\n"), 0o600)
	cases := []struct {
		name  string
		setup func(t *testing.T, p string)
		want  string
	}{
		{"owned by nobody", func(t *testing.T, p string) {
			os.WriteFile(p, []byte(`{"offset":0}`), 0o600)
			os.Chown(p, nobody, nobody)
		}, "is owned by uid 65534"},
		{"world-writable", func(t *testing.T, p string) {
			os.WriteFile(p, []byte(`{"offset":0}`), 0o600)
			os.Chmod(p, 0o666)
		}, "is writable by other users"},
		{"symlink to a secret", func(t *testing.T, p string) { os.Symlink(secret, p) }, "is a symlink"},
		{"FIFO", func(t *testing.T, p string) { unix.Mkfifo(p, 0o600) }, "is not a regular file (a FIFO)"},
		{"directory", func(t *testing.T, p string) { os.Mkdir(p, 0o700) }, "is not a regular file (a directory)"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			p := filepath.Join(dir, "s.json")
			c.setup(t, p)
			done := make(chan error, 1)
			go func() { _, err := Load(dir, "s.json", &sample{}); done <- err }()
			var err error
			select {
			case err = <-done:
			case <-time.After(10 * time.Second):
				t.Fatal("Load blocked on the state file")
			}
			if !errors.Is(err, ErrUntrusted) || !strings.Contains(err.Error(), p) || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err = %v, want ErrUntrusted naming %s and %q", err, p, c.want)
			}
			if strings.Contains(err.Error(), "SECRET") || strings.Contains(err.Error(), "$6$") {
				t.Fatalf("error quotes the file: %v", err)
			}
		})
	}
	// Save replaces a planted symlink by its own file, never writing
	// through it.
	dir := t.TempDir()
	os.Symlink(secret, filepath.Join(dir, "s.json"))
	if err := Save(dir, "s.json", sample{Offset: 3}); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(secret); !strings.HasPrefix(string(b), "root:") {
		t.Fatalf("Save wrote through a symlink: %q", b)
	}
	if fi, _ := os.Lstat(filepath.Join(dir, "s.json")); !fi.Mode().IsRegular() {
		t.Fatalf("symlink left in place: %v", fi.Mode())
	}
}

func TestCorruptStateNeverQuoted(t *testing.T) {
	dir := t.TempDir()
	for _, content := range []string{"root:$6$SECRETHASH:19000", `{"offset":"SECRETHASH"}`, `{"offset":1e999}`, "SECRETHASH"} {
		os.WriteFile(filepath.Join(dir, "s.json"), []byte(content), 0o600)
		_, err := Load(dir, "s.json", &sample{})
		if !errors.Is(err, ErrCorrupt) || strings.Contains(err.Error(), "SECRET") || strings.Contains(err.Error(), "999") || strings.Contains(err.Error(), "'r'") {
			t.Errorf("content %q: err = %v: want ErrCorrupt without content", content, err)
		}
	}
}

func TestKeyForSeparatesInvokers(t *testing.T) {
	alone := KeyFor("check_msglogs", "check_msglogs", "imap", "x")
	if alone != Key("check_msglogs", "imap", "x") || alone != KeyFor("", "check_msglogs", "imap", "x") {
		t.Errorf("the plugin run alone has one key: %q", alone)
	}
	via := KeyFor("check_msgstore", "check_msglogs", "imap", "x")
	if via == alone || !strings.HasPrefix(via, "check_msglogs.imap.via-check_msgstore.") {
		t.Errorf("key for check_msgstore %q (alone %q)", via, alone)
	}
}

func TestDefaultDir(t *testing.T) {
	if fi, err := os.Lstat(SystemDir); err == nil && ownerOf(fi) == os.Geteuid() {
		t.Skip(SystemDir + " belongs to this user: it is the default")
	}
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	cases := []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{"XDG_STATE_HOME": "/x/state", "HOME": "/home/n"}, "/x/state/msgstore-plugins"},
		{map[string]string{"XDG_STATE_HOME": "relative", "HOME": "/home/n"}, "/home/n/.local/state/msgstore-plugins"},
		{map[string]string{"HOME": "/home/n"}, "/home/n/.local/state/msgstore-plugins"},
	}
	for _, c := range cases {
		if got, err := DefaultDir(env(c.env)); err != nil || got != c.want {
			t.Errorf("DefaultDir(%v) = %q, %v; want %q", c.env, got, err, c.want)
		}
	}
	o := Option{StateDir: "/given"}
	if o.Resolve(env(nil)); o.StateDir != "/given" {
		t.Errorf("--state-dir overridden: %q", o.StateDir)
	}
	if got, _ := DefaultDir(env(nil)); got == LegacyDir || strings.HasPrefix(got, "/var/tmp") || strings.HasPrefix(got, "/tmp") {
		t.Errorf("default under a world-writable dir: %q", got)
	}
}

// Only one holder at a time; the waiter gets the lock once it is released
// and gives up with ErrLocked at its deadline.
func TestLockFile(t *testing.T) {
	dir := t.TempDir()
	a, err := LockFile(context.Background(), dir, "s.json", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := LockFile(context.Background(), dir, "s.json", time.Now()); !errors.Is(err, ErrLocked) {
		t.Fatalf("second lock: %v, want ErrLocked", err)
	}
	got := make(chan error, 1)
	go func() {
		b, err := LockFile(context.Background(), dir, "s.json", time.Now().Add(time.Minute))
		b.Unlock()
		got <- err
	}()
	a.Unlock()
	a.Unlock()
	if err := <-got; err != nil {
		t.Fatalf("waiter: %v", err)
	}
	if fi, err := os.Lstat(filepath.Join(dir, ".s.json.lock")); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("lock file %v %v", fi, err)
	}
}
