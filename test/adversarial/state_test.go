package adversarial

import (
	"encoding/json"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/msgstore-plugins/msgstore/lib/fixture"
	"github.com/msgstore-plugins/msgstore/lib/plugintest"
)

// stateFiles lists the state files of dir (not the hidden temporary files
// a write in progress uses) with their contents.
func stateFiles(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	m := map[string][]byte{}
	for _, e := range ents {
		if e.Type().IsRegular() && !strings.HasPrefix(e.Name(), ".") {
			b, err := os.ReadFile(filepath.Join(dir, e.Name()))
			if err != nil {
				t.Fatal(err)
			}
			m[e.Name()] = b
		}
	}
	return m
}

// A plugin killed at any moment (SIGKILL: no defer, no cleanup) leaves
// every state file whole, old or new, never half written: lib/state writes
// a temporary file, syncs it and renames it over the old one. The kills
// land at random points of runs that read and save state.
func TestStateSurvivesCrashes(t *testing.T) {
	cases := []struct {
		plugin string
		args   []string
	}{
		{"check_msglogs", []string{"--from-start"}},
		{"check_msgqueue", nil},
		{"check_folders", []string{"--mode=refresh"}},
	}
	for _, c := range cases {
		c := c
		t.Run(c.plugin, func(t *testing.T) {
			t.Parallel()
			bin := plugintest.Build(t, c.plugin)
			s := fixture.New(t)
			state := t.TempDir()
			args := append([]string{"-B", s.Base(), "--state-dir", state}, c.args...)
			if out := plugintest.Run(t, bin, nil, args...); out.Code != 0 {
				t.Fatalf("first run: exit %d:\n%s", out.Code, out.Stdout)
			}
			first := stateFiles(t, state)
			if len(first) == 0 {
				t.Fatalf("%s saved no state in %s", c.plugin, state)
			}
			rng := rand.New(rand.NewSource(int64(len(c.plugin))))
			for i := 0; i < 20; i++ {
				crash(t, bin, args, time.Duration(rng.Intn(30000))*time.Microsecond)
				now := stateFiles(t, state)
				for name := range first {
					b, ok := now[name]
					if !ok {
						t.Fatalf("crash %d: state file %s is gone", i, name)
					}
					if !json.Valid(b) {
						t.Fatalf("crash %d: state file %s is not whole: %q", i, name, b)
					}
				}
			}
			out := plugintest.Run(t, bin, nil, args...)
			checkContract(t, subject{service: strings.ToUpper(strings.TrimPrefix(c.plugin, "check_"))}, out)
			if out.Code != 0 || strings.Contains(strings.ToLower(out.Stdout), "corrupt") {
				t.Errorf("run after the crashes: exit %d:\n%s", out.Code, out.Stdout)
			}
		})
	}
}

// crash starts the plugin and kills its whole process group (the plugin
// and any tool it runs) after d.
func crash(t *testing.T, bin string, args []string, d time.Duration) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Env = []string{"PATH=/usr/bin:/bin", "LC_ALL=C"}
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// The delay is where the crash lands, not a wait for a state.
	time.Sleep(d)
	syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	cmd.Wait()
}
