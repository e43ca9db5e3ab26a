package msgqueue

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/msgstore-plugins/msgstore/lib/fixture"
	"github.com/msgstore-plugins/msgstore/lib/layout"
)

// A broken imta_tailor (a directory, a symlink to nothing) is an error:
// falling back to BASE/data/queue could count the wrong queue, so neither
// is taken as "no imta_tailor".
func TestBrokenTailorIsAnError(t *testing.T) {
	cases := map[string]func(p string){
		"is a directory":         func(p string) { os.Mkdir(p, 0o755) },
		"dangling symbolic link": func(p string) { os.Symlink(p+".gone", p) },
	}
	for want, breakIt := range cases {
		s := fixture.New(t)
		l := layout.New(s.Base(), "")
		p := filepath.Join(l.Config, "imta_tailor")
		os.Remove(p)
		breakIt(p)
		if _, _, err := queueDir("", l, nil); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("imta_tailor that %s: err %v", want, err)
		}
	}
	// Absent is not broken: the default queue.
	s := fixture.New(t)
	l := layout.New(s.Base(), "")
	os.Remove(filepath.Join(l.Config, "imta_tailor"))
	if dir, _, err := queueDir("", l, nil); err != nil || dir != l.Queue {
		t.Errorf("no imta_tailor: %q, %v", dir, err)
	}
}
