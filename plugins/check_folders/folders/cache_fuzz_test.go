package folders

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/msgstore-plugins/msgstore/lib/fixture"
	"github.com/msgstore-plugins/msgstore/lib/plugin"
)

// FuzzCachedResult feeds arbitrary saved results to --mode=cached: whatever
// the state file holds, the check does not panic, renders a valid plugin
// line under 8 KiB, and never says OK about a file it could not decode (a
// cached check that cannot read the result is blind).
func FuzzCachedResult(f *testing.F) {
	started := time.Unix(1795000000, 0).UTC()
	good, _ := json.Marshal(record{Version: recordVersion, Started: started, Command: "reconstruct -r -n",
		Report: Report{Lines: 2, FindingLines: 1, Damaged: 1, Folders: []Folder{{Name: "user/joe/INBOX", Kinds: []string{"needs reconstruct"}, Lines: 1, Line: "x"}}}})
	f.Add(good)
	f.Add([]byte(`{"version":1,"started":"2026-11-28T10:00:00Z","exit_code":-1,"signal":"killed","timed_out":true,"tail":["a","b"],"report":{"damaged":-1}}`))
	f.Add([]byte(`{"version":1,"started":"9999-12-31T23:59:59Z","report":{"damaged":2,"folders":[{},{}],"omitted":-5}}`))
	f.Add([]byte(`{"version":1,"started":"0001-01-01T00:00:01Z","duration_seconds":-1e308,"budget_seconds":1e308,"report":{}}`))
	f.Add([]byte(`{"version":7}`))
	f.Add([]byte("\x00\xff"))
	s := fixture.New(f)
	dir := f.TempDir()
	args := []string{"-B", s.Base(), "--state-dir", dir, "--mode=cached"}
	spec := Spec()
	if err := plugin.ParseOptions(spec, args); err != nil {
		f.Fatal(err)
	}
	c, err := configure(plugin.NewTestEnv(started, nil), spec.Options.(*options))
	if err != nil {
		f.Fatal(err)
	}
	path := filepath.Join(dir, c.stateFile)
	f.Fuzz(func(t *testing.T, b []byte) {
		if err := os.WriteFile(path, b, 0o600); err != nil {
			t.Fatal(err)
		}
		spec := Spec()
		if err := plugin.ParseOptions(spec, args); err != nil {
			t.Fatal(err)
		}
		res, err := spec.Check(plugin.NewTestEnv(started.Add(time.Hour), nil))
		if err != nil {
			var fail *plugin.Failure
			if !errors.As(err, &fail) || fail.Status == plugin.OK {
				t.Fatalf("error %v", err)
			}
			return
		}
		var rec record
		if json.Unmarshal(b, &rec) != nil {
			t.Fatalf("undecodable result %q reported as %v: %s", b, res.Status, res.Summary)
		}
		out := plugin.Render(Service, res)
		line1, _, _ := strings.Cut(out, "\n")
		if !strings.HasPrefix(line1, Service+" "+res.Status.String()+" - ") || len(out) >= 8<<10 {
			t.Fatalf("output %q", out)
		}
	})
}

// FuzzReadLock checks the refresh lock's parser: it accepts only "PID
// SINCE" or "PID SINCE KEY CHILD CHILDKEY" with a positive pid and a child
// pid that is not negative, so a garbled lock is taken over instead of
// blocking every later refresh; what it accepts it writes back the same.
func FuzzReadLock(f *testing.F) {
	for _, s := range []string{"4711 1795000000\n", "0 1", "-1 5", "1", "1 2 3", " 12\t34 ", "99999999999999999999 1", "\x00",
		"4711 1795000000 b1d-e@123 4712 b1d-e@124\n", "4711 1795000000 - 0 -\n", "4711 1 k -3 k"} {
		f.Add(s)
	}
	path := filepath.Join(f.TempDir(), "lock")
	f.Fuzz(func(t *testing.T, s string) {
		if err := os.WriteFile(path, []byte(s), 0o600); err != nil {
			t.Fatal(err)
		}
		o, ok := readLock(path)
		if !ok {
			return
		}
		if n := len(strings.Fields(s)); o.pid <= 0 || o.child < 0 || n != 2 && n != 5 {
			t.Fatalf("%q: %+v accepted", s, o)
		}
		again, ok := parseLock(o.String())
		if !ok || again != o {
			t.Fatalf("%q: %+v written as %q, read back as %+v", s, o, o.String(), again)
		}
	})
}
