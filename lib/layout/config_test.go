package layout_test

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/msgstore-plugins/msgstore/lib/fixture"
	"github.com/msgstore-plugins/msgstore/lib/layout"
)

func readConfig(t *testing.T, l *layout.Layout, o layout.ReadOptions) *layout.Configuration {
	t.Helper()
	c, err := l.ReadConfiguration(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestRelativeBaseIsMadeAbsolute(t *testing.T) {
	s := fixture.New(t)
	t.Chdir(filepath.Dir(s.Base()))
	l, err := layout.Open(filepath.Base(s.Base()), "", env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if l.Base != s.Base() || !filepath.IsAbs(l.StoreRoot) || !filepath.IsAbs(l.Sbin) {
		t.Fatalf("relative -B gave %+v", l)
	}
	if got := l.Command("reconstruct"); got != filepath.Join(s.Base(), "sbin", "reconstruct") {
		t.Errorf("Command(reconstruct) = %s", got)
	}
}

// New("") describes no installation: it must not look at ./log or turn
// derived paths into paths relative to the working directory.
func TestNewWithoutBaseDerivesNothing(t *testing.T) {
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "log"), 0o755)
	os.MkdirAll(filepath.Join(dir, "data", "log"), 0o755)
	t.Chdir(dir)
	l := layout.New("", "/srv/store")
	if l.Log != "" || l.Data != "" || l.Queue != "" || l.Config != "" {
		t.Fatalf("New(\"\") derived %+v", l)
	}
	if l.Mboxlist() != "/srv/store/mboxlist" {
		t.Errorf("Mboxlist = %s", l.Mboxlist())
	}
}

func TestRootsOfTheUnifiedSample(t *testing.T) {
	s := fixture.NewUC(t)
	l, err := layout.Open(s.Base(), "", env(nil))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"Data":      s.Var(""),
		"Config":    s.Var("config"),
		"Log":       s.Var("log"),
		"StoreRoot": s.Var("store"),
		"Queue":     s.Var("queue"),
		"Proc":      s.Var("proc"),
		"Telemetry": s.Var("telemetry"),
	}
	got := map[string]string{"Data": l.Data, "Config": l.Config, "Log": l.Log, "StoreRoot": l.StoreRoot, "Queue": l.Queue, "Proc": l.Proc, "Telemetry": l.Telemetry}
	for k := range want {
		if filepath.Clean(got[k]) != filepath.Clean(want[k]) {
			t.Errorf("%s = %s, want %s", k, got[k], want[k])
		}
	}
	if l.DataSource != "/var/BASE" || l.ConfigSource != "/var/BASE" {
		t.Errorf("sources %q %q", l.DataSource, l.ConfigSource)
	}
	if got := l.Command("reconstruct"); got != filepath.Join(s.Base(), "bin", "reconstruct") {
		t.Errorf("Command(reconstruct) = %s", got)
	}

	// The options win, and a missing one is named.
	other := t.TempDir()
	l, err = layout.OpenRoots(layout.Roots{Base: s.Base(), Data: s.Var(""), Config: s.Var("config")}, env(nil))
	if err != nil || l.DataSource != "--data-root" || l.ConfigSource != "--config-root" {
		t.Fatalf("options: %+v %v", l, err)
	}
	_, err = layout.OpenRoots(layout.Roots{Base: s.Base(), Data: filepath.Join(other, "gone")}, env(nil))
	if err == nil || err.Error() != "data root "+filepath.Join(other, "gone")+" (from --data-root) does not exist" {
		t.Fatalf("missing --data-root: %v", err)
	}
}

// The three ways to look at nothing: each is an error that says why.
func TestNotAnInstallation(t *testing.T) {
	empty := t.TempDir()
	dangling := fixture.New(t)
	os.Remove(dangling.Path(fixture.BaseRel + "/data"))
	os.Symlink("/nonexistent/var/opt/SUNWmsgsr", dangling.Path(fixture.BaseRel+"/data"))
	// A data root that is an empty directory: the mount point of a data
	// file system that is not mounted.
	mountPoint := fixture.New(t)
	os.RemoveAll(mountPoint.Var(""))
	os.Mkdir(mountPoint.Var(""), 0o755)
	tests := []struct {
		name, base, want string
		dataMissing      bool
	}{
		{"empty data mount point", mountPoint.Base(), "data root " + filepath.Join(mountPoint.Base(), "data") + " holds none of store, queue, log, proc: data file system not mounted?", true},
		{"empty directory", empty, empty + " is not a Messaging Server installation: it has none of config/msg.conf, config/config.xml, data/store, lib/stored", false},
		{"root directory", "/", "/ is not a Messaging Server installation", false},
		{"data link to nothing", dangling.Base(), "data root " + filepath.Join(dangling.Base(), "data") + " -> /nonexistent/var/opt/SUNWmsgsr is missing: data file system not mounted?", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := layout.Open(tc.base, "", env(nil))
			if err == nil || !strings.HasPrefix(err.Error(), tc.want) {
				t.Fatalf("err = %v, want %q", err, tc.want)
			}
			if !layout.IsNotInstalled(err) || layout.IsDataMissing(err) != tc.dataMissing {
				t.Errorf("IsNotInstalled %v IsDataMissing %v", layout.IsNotInstalled(err), layout.IsDataMissing(err))
			}
		})
	}
	// One daemon in BASE/lib is enough: a binary-only installation whose
	// data is found by --data-root.
	os.MkdirAll(filepath.Join(empty, "lib"), 0o755)
	os.WriteFile(filepath.Join(empty, "lib", "stored"), nil, 0o755)
	if _, err := layout.Open(empty, "", env(nil)); err != nil {
		t.Errorf("base with lib/stored: %v", err)
	}
}

func TestLegacyConfiguration(t *testing.T) {
	s := fixture.New(t)
	l := layout.New(s.Base(), "")
	c := readConfig(t, l, layout.ReadOptions{})
	if c.Mode != layout.ModeLegacy || c.Unreadable() != "" || c.Partial("x", "y") != "" {
		t.Fatalf("mode %v unreadable %q", c.Mode, c.Unreadable())
	}
	parts, err := c.Partitions(nil)
	if err != nil || len(parts) != 1 || parts[0].Source != "msg.conf" || parts[0].Path != s.Var("store/partition/primary") {
		t.Errorf("partitions %+v %v", parts, err)
	}
	if pct, st, known := c.LockThreshold(); pct != 99 || st.Source != "msg.conf" || !known {
		t.Errorf("lock %v %+v %v", pct, st, known)
	}
	if d, known := c.LogDir("imap"); d.Value != s.Var("log") || d.Source != "msg.conf" || !known {
		t.Errorf("imap log dir %+v %v", d, known)
	}
	if d := c.MTALogDir(); d.Value != s.Var("log") || d.Source != "imta_tailor" {
		t.Errorf("MTA log dir %+v", d)
	}
	if q, err := c.QueueDir(); err != nil || q.Value != s.Var("queue") || !strings.Contains(q.Source, "imta_tailor") {
		t.Errorf("queue %+v %v", q, err)
	}
	if on, src, known := c.ServiceEnabled("imap"); !on || !known || src != "service.imap.enable in msg.conf" {
		t.Errorf("imap enabled %v %q %v", on, src, known)
	}
	if on, _, known := c.ServiceEnabled("watcher"); !on || !known {
		t.Errorf("watcher enabled %v %v", on, known)
	}
	if _, _, known := c.ServiceEnabled("mmp"); known {
		t.Error("mmp: not in msg.conf, should be unknown")
	}
	s.Set("local.store.checkdiskusage", "no")
	c = readConfig(t, l, layout.ReadOptions{})
	if pct, _, _ := c.LockThreshold(); pct != 0 {
		t.Errorf("checkdiskusage no: lock %v", pct)
	}
}

func TestUnifiedConfiguration(t *testing.T) {
	s := fixture.NewUC(t)
	l, err := layout.Open(s.Base(), "", env(nil))
	if err != nil {
		t.Fatal(err)
	}
	msconfig := filepath.Join(s.Base(), "bin", "msconfig")
	simulate := func(mode string) { os.WriteFile(msconfig+".simulate", []byte(mode+"\n"), 0o644) }
	wantParts := func(source string) []layout.Partition {
		return []layout.Partition{
			{Nick: "primary", Path: s.Var("store/partition/primary"), Source: source},
			{Nick: "archive", Path: s.Var("archive/partition"), Source: source},
		}
	}
	for _, source := range []string{"msconfig", "config.xml"} {
		t.Run(source, func(t *testing.T) {
			o := layout.ReadOptions{}
			if source == "config.xml" {
				simulate("fail")
				defer os.Remove(msconfig + ".simulate")
			}
			c := readConfig(t, l, o)
			if c.Mode != layout.ModeUnified || c.Unreadable() != "" {
				t.Fatalf("mode %v unreadable %q", c.Mode, c.Unreadable())
			}
			if parts, err := c.Partitions(nil); err != nil || !reflect.DeepEqual(parts, wantParts(source)) {
				t.Errorf("partitions %+v %v", parts, err)
			}
			if pct, st, known := c.LockThreshold(); pct != 99 || st.Source != source || !known {
				t.Errorf("lock %v %+v %v", pct, st, known)
			}
			if d, known := c.LogDir("imap"); d.Value != s.Var("log") || d.Source != source || d.Name != "imap.logfile.logdir" || !known {
				t.Errorf("imap log dir %+v %v", d, known)
			}
			if d := c.MTALogDir(); d.Value != s.Var("log") || !strings.Contains(d.Source, "Unified Configuration") {
				t.Errorf("MTA log dir %+v", d)
			}
			if q, err := c.QueueDir(); err != nil || q.Value != s.Var("queue") {
				t.Errorf("queue %+v %v", q, err)
			}
			if on, src, known := c.ServiceEnabled("pop"); on || !known || src != "pop.enable in "+source {
				t.Errorf("pop enabled %v %q %v", on, src, known)
			}
			if on, _, known := c.ServiceEnabled("imap"); !on || !known {
				t.Errorf("imap enabled %v %v", on, known)
			}
			notes := strings.Join(c.Notes(), "\n")
			if !strings.Contains(notes, source) {
				t.Errorf("notes do not name %s: %s", source, notes)
			}
		})
	}

	// Neither msconfig nor config.xml: defaults, and the configuration says
	// that they are only defaults.
	unreadable := []struct {
		name, mode, want string
		timeout          time.Duration
	}{
		{"msconfig fails", "fail", "exit status 1: msconfig: cannot read", 0},
		{"msconfig prints nothing usable", "empty", "printed no `name = value` lines", 0},
		{"msconfig hangs", "hang", "did not finish within 200ms", 200 * time.Millisecond},
	}
	os.WriteFile(s.Var("config/config.xml"), []byte("<configuration><!-- nothing --></configuration>\n"), 0o644)
	for _, tc := range unreadable {
		t.Run(tc.name, func(t *testing.T) {
			simulate(tc.mode)
			c := readConfig(t, l, layout.ReadOptions{Timeout: tc.timeout})
			why := c.Unreadable()
			if !strings.Contains(why, tc.want) || !strings.Contains(why, "config.xml: no option names and values found") {
				t.Fatalf("Unreadable = %q, want %q", why, tc.want)
			}
			if p := c.Partial("partitions from STORE_ROOT/partition only", "give -p"); p != "partitions from STORE_ROOT/partition only: Unified Configuration not readable, give -p" {
				t.Errorf("Partial = %q", p)
			}
			if parts, err := c.Partitions(nil); err != nil || len(parts) != 1 || parts[0].Source != "store root" {
				t.Errorf("partitions %+v %v", parts, err)
			}
			if _, st, known := c.LockThreshold(); known || st.Source != "default" {
				t.Errorf("lock threshold known %v from %s", known, st.Source)
			}
			if d, known := c.LogDir("imap"); known || d.Value != s.Var("log") {
				t.Errorf("log dir %+v known %v", d, known)
			}
		})
	}
	os.Remove(msconfig + ".simulate")
	c := readConfig(t, l, layout.ReadOptions{Msconfig: "none"})
	if why := c.Unreadable(); !strings.Contains(why, "msconfig not run (--msconfig none)") {
		t.Errorf("--msconfig none: %q", why)
	}
	os.Remove(msconfig)
	c = readConfig(t, l, layout.ReadOptions{})
	if why := c.Unreadable(); !strings.HasPrefix(why, msconfig+": does not exist; ") {
		t.Errorf("no msconfig: %q", why)
	}
}

func TestParseMsconfigLine(t *testing.T) {
	tests := []struct {
		in, name, value string
		ok              bool
	}{
		{`role.partition:primary.path = "/var/x"`, "partition:primary.path", "/var/x", true},
		{`imap.logfile.logdir=/var/log`, "imap.logfile.logdir", "/var/log", true},
		{`  Store.DiskUsageThreshold = 95  `, "store.diskusagethreshold", "95", true},
		{`base.banner = "a \"quoted\" = sign"`, "base.banner", `a "quoted" = sign`, true},
		{`channel:tcp_local.options.MAX = 'x'`, "channel:tcp_local.options.max", "x", true},
		{`msconfig> show`, "", "", false},
		{`# comment = no`, "", "", false},
		{`no separator`, "", "", false},
		{` = value`, "", "", false},
		{`two words = x`, "", "", false},
	}
	for _, tc := range tests {
		n, v, ok := layout.ParseMsconfigLine(tc.in)
		if n != tc.name || v != tc.value || ok != tc.ok {
			t.Errorf("%q: got %q %q %v, want %q %q %v", tc.in, n, v, ok, tc.name, tc.value, tc.ok)
		}
	}
}

func TestParseConfigXML(t *testing.T) {
	tests := []struct {
		name, in string
		want     map[string]string
		wantErr  string
	}{
		{"option elements", `<c><option name="imap.logfile.logdir" value="/l"/><option name="store.diskusagethreshold">95</option></c>`,
			map[string]string{"imap.logfile.logdir": "/l", "store.diskusagethreshold": "95"}, ""},
		{"nesting", `<configuration><imap><logfile><logdir> /l </logdir></logfile></imap></configuration>`,
			map[string]string{"imap.logfile.logdir": "/l"}, ""},
		{"named group", `<c><role name="r"><partition name="primary"><path>/p</path></partition><partition name="b" path="/b"/></role></c>`,
			map[string]string{"partition:primary.path": "/p", "partition:b.path": "/b"}, ""},
		{"group with option", `<c><partition name="primary"><option name="path" value="/p"/></partition></c>`,
			map[string]string{"partition:primary.path": "/p"}, ""},
		{"role prefix dropped", `<c><option name="role.watcher.enable" value="1"/></c>`,
			map[string]string{"watcher.enable": "1"}, ""},
		{"damaged tail keeps the head", `<c><option name="a.b" value="1"/><broken`, map[string]string{"a.b": "1"}, ""},
		{"no options", `<c><!-- x --></c>`, nil, "no option names and values found"},
		{"not XML", "\x00\x01", nil, "not readable as XML"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := layout.ParseConfigXML(strings.NewReader(tc.in))
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			for k, v := range tc.want {
				if got[k] != v {
					t.Errorf("%s = %q, want %q (all: %v)", k, got[k], v, got)
				}
			}
		})
	}
}

func FuzzParseConfigXML(f *testing.F) {
	b, _ := os.ReadFile(filepath.Join(fixture.UCOverlayDir(), fixture.UCVarRel, "config", "config.xml"))
	f.Add(string(b))
	f.Add(`<c><a name="x" value="y"><b>z</b></a></c>`)
	f.Add(`<c><option name="a b" value="1"/><option name="&#0;">2</option></c>`)
	f.Fuzz(func(t *testing.T, in string) {
		m, err := layout.ParseConfigXML(strings.NewReader(in))
		if err == nil && len(m) == 0 {
			t.Fatal("no error and no settings")
		}
		for k := range m {
			if k == "" || strings.ContainsAny(k, " \t\"'<>\x00\n") || strings.HasPrefix(k, "role.") {
				t.Fatalf("bad name %q", k)
			}
		}
	})
}

func FuzzParseMsconfigLine(f *testing.F) {
	f.Add(`role.partition:primary.path = "/var/x"`)
	f.Add(`msconfig> exec get_path "server"`)
	f.Fuzz(func(t *testing.T, in string) {
		n, _, ok := layout.ParseMsconfigLine(in)
		if ok && (n == "" || strings.ContainsAny(n, " \t\"'=\n") || n != strings.ToLower(n)) {
			t.Fatalf("bad name %q from %q", n, in)
		}
	})
}
