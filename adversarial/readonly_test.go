package adversarial

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/msgstore-plugins/msgstore/lib/fixture"
	"github.com/msgstore-plugins/msgstore/lib/plugintest"
)

// snapshot lists every path under root with its type, mode, size, mtime,
// link target and content hash.
func snapshot(t *testing.T, root string) map[string]string {
	t.Helper()
	m := map[string]string{}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		fi, err := os.Lstat(p)
		if err != nil {
			return err
		}
		desc := fmt.Sprintf("%v %d %d", fi.Mode(), fi.Size(), fi.ModTime().UnixNano())
		switch {
		case fi.Mode()&fs.ModeSymlink != 0:
			l, _ := os.Readlink(p)
			desc += " -> " + l
		case fi.Mode().IsRegular():
			desc += " " + hashFile(t, p)
		}
		rel, _ := filepath.Rel(root, p)
		m[rel] = desc
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func hashFile(t *testing.T, p string) string {
	f, err := os.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	h := sha256.New()
	io.Copy(h, f)
	return hex.EncodeToString(h.Sum(nil))[:16]
}

func diffSnapshots(before, after map[string]string) []string {
	var d []string
	for k, v := range before {
		if a, ok := after[k]; !ok {
			d = append(d, "removed "+k)
		} else if a != v {
			d = append(d, fmt.Sprintf("changed %s: %s -> %s", k, v, a))
		}
	}
	for k := range after {
		if _, ok := before[k]; !ok {
			d = append(d, "created "+k)
		}
	}
	sort.Strings(d)
	return d
}

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
			before := snapshot(t, s.Root)
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
			if d := diffSnapshots(before, snapshot(t, s.Root)); len(d) > 0 {
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
