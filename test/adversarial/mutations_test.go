package adversarial

import (
	"bytes"
	"math/rand"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/msgstore-plugins/msgstore/lib/fixture"
)

// A mutation breaks one path of a materialised sample server.
type mutation struct {
	name string
	// asNobody runs the plugin as an unprivileged user: root reads
	// everything, so permission cases need one.
	asNobody bool
	apply    func(t *testing.T, s *fixture.Server, path string)
}

func writeFile(t *testing.T, path string, b []byte) {
	t.Helper()
	os.RemoveAll(path)
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

func garbage(n int) []byte {
	b := make([]byte, n)
	rand.New(rand.NewSource(1)).Read(b)
	return b
}

// mutations are the hostile inputs, each applied to a plugin's
// input file or directory.
var mutations = []mutation{
	{name: "empty", apply: func(t *testing.T, s *fixture.Server, p string) { writeFile(t, p, nil) }},
	{name: "binary garbage", apply: func(t *testing.T, s *fixture.Server, p string) { writeFile(t, p, garbage(64<<10)) }},
	{name: "invalid utf-8", apply: func(t *testing.T, s *fixture.Server, p string) {
		writeFile(t, p, []byte("\xff\xfe\xfd ready\n\xc3\x28 \xa0\xa1\n"))
	}},
	{name: "10 MB single line", apply: func(t *testing.T, s *fixture.Server, p string) {
		writeFile(t, p, bytes.Repeat([]byte("A"), 10<<20))
	}},
	{name: "enormous numbers", apply: func(t *testing.T, s *fixture.Server, p string) {
		writeFile(t, p, []byte("99999999999999999999999999999999 ready\n18446744073709551616\n"))
	}},
	{name: "negative numbers", apply: func(t *testing.T, s *fixture.Server, p string) {
		writeFile(t, p, []byte("-28250 ready\n-1\n"))
	}},
	{name: "replaced by a directory", apply: func(t *testing.T, s *fixture.Server, p string) {
		os.RemoveAll(p)
		os.MkdirAll(filepath.Join(p, "sub"), 0o755)
	}},
	{name: "fifo", apply: func(t *testing.T, s *fixture.Server, p string) {
		os.RemoveAll(p)
		if err := unix.Mkfifo(p, 0o644); err != nil {
			t.Fatal(err)
		}
	}},
	{name: "dangling symlink", apply: func(t *testing.T, s *fixture.Server, p string) {
		os.RemoveAll(p)
		os.Symlink(filepath.Join(filepath.Dir(p), "does-not-exist"), p)
	}},
	{name: "symlink loop", apply: func(t *testing.T, s *fixture.Server, p string) {
		os.RemoveAll(p)
		loop := p + ".loop"
		os.Symlink(loop, p)
		os.Symlink(p, loop)
	}},
	{name: "mtime in the future", apply: func(t *testing.T, s *fixture.Server, p string) {
		future := time.Now().Add(400 * 24 * time.Hour)
		os.Chtimes(p, future, future)
	}},
	{name: "mtime at epoch 0", apply: func(t *testing.T, s *fixture.Server, p string) {
		os.Chtimes(p, time.Unix(0, 0), time.Unix(0, 0))
	}},
	{name: "missing", apply: func(t *testing.T, s *fixture.Server, p string) { os.RemoveAll(p) }},
	{name: "permission denied", asNobody: true, apply: func(t *testing.T, s *fixture.Server, p string) {
		if err := os.Chmod(p, 0); err != nil {
			t.Fatal(err)
		}
	}},
}

// openToNobody makes the sample root and its parents traversable and the
// tree readable by an unprivileged user, as a real server's files are to
// the monitoring user (the test's temporary directories are 0700).
func openToNobody(t *testing.T, root string) {
	t.Helper()
	for d := root; d != "/" && d != "."; d = filepath.Dir(d) {
		if fi, err := os.Stat(d); err == nil && fi.Mode().Perm()&0o005 != 0o005 {
			os.Chmod(d, fi.Mode().Perm()|0o755)
		}
	}
	filepath.Walk(root, func(p string, fi os.FileInfo, err error) error {
		if err == nil && fi.Mode()&os.ModeSymlink == 0 {
			if fi.IsDir() {
				os.Chmod(p, fi.Mode().Perm()|0o755)
			} else if fi.Mode().IsRegular() {
				os.Chmod(p, fi.Mode().Perm()|0o644)
			}
		}
		return nil
	})
}

// giveToNobody makes the state directory nobody's, as the monitoring
// user owns its own state directory.
func giveToNobody(t *testing.T, dir string) {
	t.Helper()
	if err := os.Chown(dir, 65534, 65534); err != nil {
		t.Fatal(err)
	}
}

func containsAny(s string, subs ...string) bool {
	for _, sub := range subs {
		if sub != "" && strings.Contains(s, sub) {
			return true
		}
	}
	return false
}
