package adversarial

// The local attacker: another user of the monitored host, who cannot write
// the message store but can write the world-writable directories (/tmp,
// /var/tmp) and may have planted files before the plugins' first run. What
// a plugin remembers between runs decides what it reports, so a state
// directory or file that such a user could have written must never be
// believed: the run ends UNKNOWN naming it (or tells the truth), never OK
// hiding a problem, and it never writes or quotes a file outside its own
// directory.

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/msgstore-plugins/msgstore/lib/fixture"
	"github.com/msgstore-plugins/msgstore/lib/plugintest"
)

// attacker is the other local user.
const attacker = 65534

// statePlugin is a plugin that keeps state, with the options that make it
// keep some and the run that saves it first when needed.
type statePlugin struct {
	plugin, service string
	args            func(s *fixture.Server, dir string) []string
	before          []string // options of a first run that saves state, if any
	after           []string // options of the run under attack
}

var statePlugins = []statePlugin{
	{"check_msglogs", "MSGLOGS", func(s *fixture.Server, d string) []string {
		return []string{"-B", s.Base(), "--state-dir", d, "-s", "imap"}
	}, nil, nil},
	{"check_folders", "FOLDERS", func(s *fixture.Server, d string) []string {
		return []string{"-B", s.Base(), "--state-dir", d}
	}, []string{"--mode=refresh"}, []string{"--mode=cached"}},
	{"check_msgstore_disk", "MSGSTORE_DISK", func(s *fixture.Server, d string) []string {
		return []string{"-B", s.Base(), "-w", "0%", "-c", "0%", "-W", "0", "-K", "0", "--state-dir", d, "--predict"}
	}, nil, nil},
	{"check_msgqueue", "MSGQUEUE", func(s *fixture.Server, d string) []string {
		return []string{"-B", s.Base(), "--state-dir", d}
	}, nil, nil},
	{"check_dblogs", "DBLOGS", func(s *fixture.Server, d string) []string {
		return []string{"-B", s.Base(), "--state-dir", d, "--rate"}
	}, nil, nil},
}

func needRoot(t *testing.T) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("the attacker's files need root to give them to another user")
	}
}

// A state directory the attacker owns, may write, or points elsewhere with
// a symlink is refused: UNKNOWN naming it and its owner or mode, and
// nothing is created in it or where it points.
func TestLocalAttackerStateDir(t *testing.T) {
	needRoot(t)
	attacks := []struct {
		name  string
		plant func(t *testing.T, dir string) (elsewhere string)
		says  string
	}{
		{"owned by the attacker", func(t *testing.T, dir string) string {
			os.Mkdir(dir, 0o700)
			os.Chown(dir, attacker, attacker)
			return ""
		}, "owned by uid 65534 (mode 0700)"},
		{"world-writable, as under the old default", func(t *testing.T, dir string) string {
			os.Mkdir(dir, 0o777)
			os.Chmod(dir, 0o777)
			return ""
		}, "writable by other users (owner uid 0, mode 0777)"},
		{"a symlink to another directory", func(t *testing.T, dir string) string {
			target := filepath.Join(filepath.Dir(dir), "etc-cron.d")
			os.Mkdir(target, 0o700)
			os.Symlink(target, dir)
			return target
		}, "is a symlink (to "},
	}
	for _, p := range statePlugins {
		t.Run(p.plugin, func(t *testing.T) {
			t.Parallel()
			bin := plugintest.Build(t, p.plugin)
			for _, a := range attacks {
				t.Run(a.name, func(t *testing.T) {
					s := fixture.New(t)
					dir := filepath.Join(t.TempDir(), "msgstore-plugins")
					elsewhere := a.plant(t, dir)
					for _, args := range [][]string{p.before, p.after} {
						if args == nil && p.before != nil {
							continue
						}
						out := plugintest.Run(t, bin, nil, append(p.args(s, dir), append(args, "-t", "5")...)...)
						checkContract(t, subject{service: p.service}, out)
						if out.Code != 3 || !strings.Contains(out.Stdout, dir) || !strings.Contains(out.Stdout, a.says) {
							t.Errorf("%v: exit %d, want UNKNOWN naming %s and %q:\n%s", args, out.Code, dir, a.says, out.Stdout)
						}
					}
					if elsewhere != "" {
						if ents, _ := os.ReadDir(elsewhere); len(ents) > 0 {
							t.Errorf("files created where the symlink points: %v", ents)
						}
					} else if ents, _ := os.ReadDir(dir); len(ents) > 0 {
						t.Errorf("files created in the refused dir: %v", ents)
					}
				})
			}
		})
	}
}

// stateFile is the one state file of dir that matches glob.
func stateFile(t *testing.T, dir, glob string) string {
	t.Helper()
	m, _ := filepath.Glob(filepath.Join(dir, glob))
	if len(m) != 1 {
		t.Fatalf("state files %v match %s, want one", m, glob)
	}
	return m[0]
}

// A forged check_msglogs position (the log's current end, head_len 0 so
// that the start of the log is not compared) would hide the new Critical
// line. Planted by another user, or left writable to others, it is refused:
// the run is UNKNOWN, not OK.
func TestLocalAttackerForgedLogPosition(t *testing.T) {
	needRoot(t)
	bin := plugintest.Build(t, "check_msglogs")
	for _, plant := range []struct {
		name string
		do   func(p string)
		says string
	}{
		{"owned by the attacker", func(p string) { os.Chown(p, attacker, attacker) }, "owned by uid 65534"},
		{"writable by all", func(p string) { os.Chmod(p, 0o666) }, "writable by other users"},
	} {
		t.Run(plant.name, func(t *testing.T) {
			s := fixture.New(t)
			dir := filepath.Join(t.TempDir(), "state")
			args := []string{"-B", s.Base(), "--state-dir", dir, "-s", "imap"}
			plugintest.Run(t, bin, nil, args...).Expect(t, "MSGLOGS", 0)
			p := stateFile(t, dir, "check_msglogs.imap.*.json")
			log := s.Var("log/imap")
			f, _ := os.OpenFile(log, os.O_WRONLY|os.O_APPEND, 0)
			f.WriteString("[28/Nov/2026:16:20:00 +0000] mailhost imapd[6747]: Store Critical: Unable to open mailbox user/joe\n")
			f.Close()
			var st map[string]any
			b, _ := os.ReadFile(p)
			if err := json.Unmarshal(b, &st); err != nil {
				t.Fatal(err)
			}
			fi, _ := os.Stat(log)
			cur := st["cursor"].(map[string]any)
			cur["offset"], cur["size"], cur["head_len"] = fi.Size(), fi.Size(), 0
			b, _ = json.Marshal(st)
			os.WriteFile(p, b, 0o600)
			plant.do(p)
			out := plugintest.Run(t, bin, nil, args...)
			checkContract(t, subject{service: "MSGLOGS"}, out)
			if out.Code != 3 || !strings.Contains(out.Line1, p) || !strings.Contains(out.Line1, plant.says) {
				t.Fatalf("exit %d, want UNKNOWN naming the forged %s and %q:\n%s", out.Code, p, plant.says, out.Stdout)
			}
		})
	}
}

// A forged check_folders result ("no damaged folder") that another user
// planted never turns the damaged folders the real refresh found into OK.
func TestLocalAttackerForgedCachedResult(t *testing.T) {
	needRoot(t)
	bin := plugintest.Build(t, "check_folders")
	s := fixture.New(t)
	dir := filepath.Join(t.TempDir(), "state")
	args := []string{"-B", s.Base(), "--state-dir", dir}
	plugintest.Run(t, bin, nil, append(args, "--mode=refresh")...)
	p := stateFile(t, dir, "check_folders.*.json")
	var rec map[string]any
	b, _ := os.ReadFile(p)
	if err := json.Unmarshal(b, &rec); err != nil {
		t.Fatal(err)
	}
	if rep, ok := rec["report"].(map[string]any); ok {
		rep["damaged"], rep["folders"], rep["finding_lines"] = 0, nil, 0
	}
	b, _ = json.Marshal(rec)
	os.WriteFile(p, b, 0o600)
	os.Chown(p, attacker, attacker)
	out := plugintest.Run(t, bin, nil, append(args, "--mode=cached")...)
	checkContract(t, subject{service: "FOLDERS"}, out)
	if out.Code != 3 || !strings.Contains(out.Line1, p) || !strings.Contains(out.Line1, "owned by uid 65534") {
		t.Fatalf("exit %d, want UNKNOWN naming the forged %s:\n%s", out.Code, p, out.Stdout)
	}
}

// A state file replaced by a symlink to a secret (a root run reads what
// the link points to) is refused without reading it: nothing of the
// secret appears in the output, and the secret is left as it was.
func TestLocalAttackerSymlinkedStateFile(t *testing.T) {
	needRoot(t)
	cases := []struct {
		plugin statePlugin
		glob   string
	}{
		{statePlugins[0], "check_msglogs.imap.*.json"},
		{statePlugins[1], "check_folders.*.json"},
		{statePlugins[2], "check_msgstore_disk.*.json"},
		{statePlugins[3], "check_msgqueue.growth.*.json"},
		{statePlugins[4], "check_dblogs.rate.*.json"},
	}
	for _, c := range cases {
		t.Run(c.plugin.plugin, func(t *testing.T) {
			t.Parallel()
			p := c.plugin
			bin := plugintest.Build(t, p.plugin)
			s := fixture.New(t)
			dir := filepath.Join(t.TempDir(), "state")
			secret := filepath.Join(t.TempDir(), "shadow")
			const content = "root:$6$S3CR3THASH:19000:0:99999:7:::\n"
			os.WriteFile(secret, []byte(content), 0o600)
			first := p.before
			plugintest.Run(t, bin, nil, append(p.args(s, dir), first...)...)
			target := stateFile(t, dir, c.glob)
			os.Remove(target)
			os.Symlink(secret, target)
			out := plugintest.Run(t, bin, nil, append(p.args(s, dir), append(p.after, "-t", "5")...)...)
			checkContract(t, subject{service: p.service}, out)
			if out.Code != 3 || !strings.Contains(out.Stdout, target) || !strings.Contains(out.Stdout, "is a symlink") {
				t.Errorf("exit %d, want UNKNOWN naming the symlinked %s:\n%s", out.Code, target, out.Stdout)
			}
			if strings.Contains(out.Stdout, "S3CR3T") || strings.Contains(out.Stdout, "$6$") {
				t.Errorf("the output quotes the secret:\n%s", out.Stdout)
			}
			if b, _ := os.ReadFile(secret); string(b) != content {
				t.Errorf("the secret was written through the symlink: %q", b)
			}
		})
	}
}

// Without --state-dir, state is the running user's own: under
// $XDG_STATE_HOME or ~/.local/state, created 0700, and nothing is read
// from or written to the old shared default under /var/tmp.
func TestLocalAttackerDefaultStateDir(t *testing.T) {
	bin := plugintest.Build(t, "check_msglogs")
	s := fixture.New(t)
	home := t.TempDir()
	for _, env := range []struct {
		vars []string
		dir  string
	}{
		{[]string{"HOME=" + home}, filepath.Join(home, ".local", "state", "msgstore-plugins")},
		{[]string{"HOME=" + home, "XDG_STATE_HOME=" + filepath.Join(home, "xdg")}, filepath.Join(home, "xdg", "msgstore-plugins")},
	} {
		out := plugintest.Run(t, bin, env.vars, "-B", s.Base(), "-s", "imap")
		out.Expect(t, "MSGLOGS", 0)
		fi, err := os.Lstat(env.dir)
		if err != nil || !fi.IsDir() || fi.Mode().Perm() != 0o700 {
			t.Fatalf("%v: state dir %s: %v %v", env.vars, env.dir, fi, err)
		}
		if m, _ := filepath.Glob(filepath.Join(env.dir, "check_msglogs.imap.*.json")); len(m) != 1 {
			t.Errorf("%v: state files in %s: %v", env.vars, env.dir, m)
		}
	}
}
