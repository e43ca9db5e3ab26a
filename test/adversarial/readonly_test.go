package adversarial

import (
	"io/fs"
	"path/filepath"
	"strings"
	"testing"

	"github.com/msgstore-plugins/msgstore/lib/fixture"
	"github.com/msgstore-plugins/msgstore/lib/plugintest"
)

// No plugin, in any mode, creates, changes or deletes anything under the
// sample server; state appears only in --state-dir, 0600 or 0640.
func TestReadOnly(t *testing.T) {
	for _, sub := range subjects {
		sub := sub
		t.Run(sub.plugin, func(t *testing.T) {
			t.Parallel()
			bin := plugintest.Build(t, sub.plugin)
			s := sub.sample(t)
			state := t.TempDir()
			before := plugintest.Snapshot(t, s.Root)
			modes := append([][]string{nil}, sub.modes...)
			for _, mode := range modes {
				for run := 0; run < 2; run++ { // a second run reads its state
					out := plugintest.Run(t, bin, nil, append(sub.args(s, state), mode...)...)
					checkContract(t, sub, out)
					// The sample is healthy: every mode must say so (a mode
					// refused as a bad option would prove nothing).
					if out.Code != 0 {
						t.Errorf("mode %q, run %d: exit %d on the healthy sample:\n%s", mode, run+1, out.Code, out.Stdout)
					}
				}
			}
			if d := plugintest.SnapshotDiff(before, plugintest.Snapshot(t, s.Root)); len(d) > 0 {
				t.Fatalf("%s changed the sample server:\n%s", sub.plugin, strings.Join(d, "\n"))
			}
			filepath.WalkDir(state, func(p string, d fs.DirEntry, err error) error {
				if err == nil && d.Type().IsRegular() {
					fi, _ := d.Info()
					if perm := fi.Mode().Perm(); perm != 0o600 && perm != 0o640 {
						t.Errorf("state file %s has mode %v", p, perm)
					}
				}
				return nil
			})
		})
	}
}

var _ = fixture.VarRel
