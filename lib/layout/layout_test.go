package layout_test

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/msgstore-plugins/msgstore/lib/fixture"
	"github.com/msgstore-plugins/msgstore/lib/layout"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestResolveBase(t *testing.T) {
	s := fixture.New(t)
	other := t.TempDir()
	file := filepath.Join(other, "afile")
	os.WriteFile(file, nil, 0o644)
	tests := []struct {
		name       string
		option     string
		envBase    string
		candidates []string
		want       string
		wantErr    string
	}{
		{"option wins", s.Base(), other, nil, s.Base(), ""},
		{"environment", "", s.Base(), nil, s.Base(), ""},
		{"first existing default", "", "", []string{"/nonexistent/messaging64", s.Base(), other}, s.Base(), ""},
		{"nothing found", "", "", []string{"/nonexistent/a", "/nonexistent/b"}, "", "give --base"},
		{"option missing", "/nonexistent/base", "", nil, "", "msg-svr-base /nonexistent/base (from --base) does not exist"},
		{"env missing", "", "/nonexistent/env", nil, "", "(from $MSG_SVR_BASE) does not exist"},
		{"not a directory", file, "", nil, "", "is not a directory"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := layout.ResolveBase(tc.option, env(map[string]string{"MSG_SVR_BASE": tc.envBase}), tc.candidates)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("got %q, %v; want %q", got, err, tc.want)
			}
		})
	}
}

func TestDerivedPathsFollowSymlinkedData(t *testing.T) {
	s := fixture.New(t)
	l := layout.New(s.Base(), "")
	if l.StoreRoot != filepath.Join(s.Base(), "data", "store") || l.Proc != filepath.Join(s.Base(), "data", "proc") {
		t.Fatalf("derived paths: %+v", l)
	}
	if l.Log != filepath.Join(s.Base(), "log") {
		t.Errorf("Log = %s", l.Log)
	}
	// data is a symlink to var/opt/SUNWmsgsr: the store is reachable through it.
	if _, err := os.Stat(filepath.Join(l.Mboxlist(), "folder.db")); err != nil {
		t.Fatalf("mboxlist through symlinked data: %v", err)
	}
	fi, err := os.Lstat(l.Data)
	if err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Fatalf("sample data dir should be a symlink: %v %v", fi, err)
	}
	// Without BASE/log, logs are looked for in BASE/data/log.
	os.Remove(filepath.Join(s.Base(), "log"))
	if l2 := layout.New(s.Base(), "/elsewhere"); l2.Log != filepath.Join(s.Base(), "data", "log") || l2.StoreRoot != "/elsewhere" {
		t.Errorf("fallback paths: %+v", l2)
	}
}

func TestPartitionSources(t *testing.T) {
	s := fixture.New(t)
	l := layout.New(s.Base(), "")
	primary := s.Var("store/partition/primary")

	conf, err := l.ReadConf()
	if err != nil {
		t.Fatal(err)
	}
	got, err := l.Partitions(nil, conf)
	if err != nil || !reflect.DeepEqual(got, []layout.Partition{{Nick: "primary", Path: primary, Source: "msg.conf"}}) {
		t.Fatalf("from msg.conf: %+v %v", got, err)
	}

	// A second partition in msg.conf, quoted and unquoted forms.
	sec := t.TempDir()
	s.Set("store.partition.secondary.path", sec)
	conf, _ = l.ReadConf()
	got, _ = l.Partitions(nil, conf)
	if len(got) != 2 || got[0].Nick != "primary" || got[1] != (layout.Partition{Nick: "secondary", Path: sec, Source: "msg.conf"}) {
		t.Fatalf("two partitions: %+v", got)
	}

	// Options win: NICK=PATH, PATH, and a known NICK.
	got, err = l.Partitions([]string{"big=" + sec, "/srv/store/part3,primary"}, conf)
	want := []layout.Partition{
		{Nick: "big", Path: sec, Source: "--partition"},
		{Nick: "part3", Path: "/srv/store/part3", Source: "--partition"},
		{Nick: "primary", Path: primary, Source: "msg.conf"},
	}
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Fatalf("from options: %+v %v", got, err)
	}
	if _, err := l.Partitions([]string{"nosuch"}, conf); err == nil || !strings.Contains(err.Error(), `unknown partition "nosuch"`) {
		t.Fatalf("unknown nick: %v", err)
	}
	if _, err := l.Partitions([]string{"=x"}, conf); err == nil {
		t.Fatal("empty nick accepted")
	}

	// No msg.conf partitions: the directories of STORE_ROOT/partition.
	os.MkdirAll(s.Var("store/partition/archive"), 0o755)
	os.WriteFile(s.Var("store/partition/README"), nil, 0o644)
	got, err = l.Partitions(nil, layout.Conf{})
	if err != nil || len(got) != 2 || got[0].Nick != "primary" || got[1].Nick != "archive" || got[1].Source != "store root" {
		t.Fatalf("from store root: %+v %v", got, err)
	}
	os.RemoveAll(s.Var("store/partition"))
	if _, err := l.Partitions(nil, layout.Conf{}); err == nil || !strings.Contains(err.Error(), "cannot list") {
		t.Fatalf("no partitions anywhere: %v", err)
	}
}

func TestParseConf(t *testing.T) {
	in := "# comment\n! also comment\n; and this\n\n" +
		"store.partition.primary.path = \"/var/opt/SUNWmsgsr/store/partition/primary\"\n" +
		"local.store.diskusagethreshold=95\n" +
		"  Local.Store.CheckDiskUsage :  no  \n" +
		"service.imap.banner = 'IMAP4 ready'\n" +
		"garbage line without separator\n" +
		"= no key\n" +
		"key with space = x\n" +
		"local.store.diskusagethreshold = 97\n"
	c, err := layout.ParseConf(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	want := layout.Conf{
		"store.partition.primary.path":   "/var/opt/SUNWmsgsr/store/partition/primary",
		"local.store.diskusagethreshold": "97",
		"local.store.checkdiskusage":     "no",
		"service.imap.banner":            "IMAP4 ready",
	}
	if !reflect.DeepEqual(c, want) {
		t.Fatalf("got %v\nwant %v", c, want)
	}
	if c.Bool("local.store.checkdiskusage", true) || !c.Bool("missing", true) {
		t.Error("Bool")
	}
}

func TestReadConfErrors(t *testing.T) {
	s := fixture.New(t)
	l := layout.New(s.Base(), "")
	os.Remove(l.MsgConfPath())
	if c, err := l.ReadConf(); err != nil || len(c) != 0 {
		t.Fatalf("missing msg.conf: %v %v", c, err)
	}
	os.Symlink("/nonexistent/msg.conf", l.MsgConfPath())
	if _, err := l.ReadConf(); err == nil || !strings.Contains(err.Error(), "dangling symbolic link") {
		t.Fatalf("dangling msg.conf: %v", err)
	}
	os.Remove(l.MsgConfPath())
	os.Mkdir(l.MsgConfPath(), 0o755)
	if _, err := l.ReadConf(); err == nil || !strings.Contains(err.Error(), "msg.conf: is a directory") {
		t.Fatalf("directory msg.conf: %v", err)
	}
}

func FuzzParseConf(f *testing.F) {
	f.Add("store.partition.primary.path = \"/x\"\n# c\nk=v\n")
	f.Add("\xff\xfe=\x00\n")
	f.Fuzz(func(t *testing.T, in string) {
		c, _ := layout.ParseConf(strings.NewReader(in))
		for k := range c {
			if k == "" || strings.ContainsAny(k, " \t\"\n") {
				t.Fatalf("bad key %q", k)
			}
		}
	})
}
