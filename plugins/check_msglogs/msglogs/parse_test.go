package msglogs

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/msgstore-plugins/msgstore/lib/logtail"
	"github.com/msgstore-plugins/msgstore/lib/plugin"
)

func TestLineLevel(t *testing.T) {
	tests := []struct {
		line string
		want level
	}{
		{"[25/Feb/2012:09:55:57 +1100] hostname imapd[7264]: Store Critical: Unable to open mailbox user/username: Mailbox does not exist", lvCritical},
		{"[25/Feb/2012:09:55:57 +1100] hostname imapd[7264]: Store Error: user/username: Mailbox has an invalid format; repair requested", lvError},
		{"[11/Jun/2019:15:15:01 +0200] hoststr14 msprobe[21616]: General Warning: alarmid=diskavail|instance=part143", lvWarning},
		{"[29/May/2006:17:44:37 +051800] usg197 imapd[6747]: General Critical: Not enough file descriptors", lvCritical},
		{"02/May/1998:17:37:32 -0700 showshoe cgi_store[18753]: General Notice: Log created (894155852)", lvNone},
		{"03/Dec/1998:06:54:32 +0200 SiroePost imapd[232]: Account Notice: close [127.0.0.1] [unauthenticated] 1998/12/3", lvNone},
		{"02/May/1998:17:37:32 -0700 showshoe cgi_store[18753]: General Error: no bracket date", lvError},
		// The level is read from its field, not found anywhere in the line.
		{"[29/May/2019:08:39:42 +0200] xyzmail imapd[17849]: Account Notice: badlogin: [192.168.87.6:45711] Error: Critical: x", lvNone},
		{"[01/Jan/2026:00:00:00 +0000] h imapd[1]: General emergency: lower case level", lvCritical},
		{"[01/Jan/2026:00:00:00 +0000] h imapd[1]: General Information: fine", lvNone},
		{"[01/Jan/2026:00:00:00 +0000] h imapd[1]: General Debug: fine", lvNone},
		// No [pid]: a documented category before the level word.
		{"[01/Jan/2026:00:00:00 +0000] h stored: Store Error: no pid", lvError},
		{"[01/Jan/2026:00:00:00 +0000] h stored: Something Error: unknown category", lvNone},
		{"", lvNone},
		{"]: ", lvNone},
		{"]: General", lvNone},
		{"\x00\xff]: Store Critical:", lvCritical},
	}
	for _, tc := range tests {
		if got := lineLevel([]byte(tc.line)); got != tc.want {
			t.Errorf("lineLevel(%q) = %v, want %v", tc.line, got, tc.want)
		}
	}
}

func TestMTAAction(t *testing.T) {
	tests := []struct {
		line string
		want byte
	}{
		{"16-Feb-2007 14:54:13.72 tcp_local ims-ms EE 1 adam@sesta.com rfc822;marlowe@siroe.com marlowe@siroe.com", 'E'},
		{"11-Jun-2019 09:07:57.65 ims-ms                    D 5  rfc822;p.carl@my-domain.fr sdubois2@ims-ms-daemon mailsrv", 'D'},
		{"28-Nov-2026 16:30:00.01 tcp_local                 J 0 spammer@bad.example rfc822;jdoe@example.com", 'J'},
		{"28-Nov-2026 16:30:00.01 tcp_local    +            EEC 0 a@b rfc822;c@d", 'E'},
		{"28-Nov-2026 16:30:00.01 tcp_local    ims-ms       K 0 a@b rfc822;c@d", 'K'},
		{"Dispatcher started, pid 6739", 0},
		{"28-Nov-2026 09:00:00.05 Dispatcher started, pid 6739", 0},
		{"", 0},
		{"28-Nov-2026", 0},
	}
	for _, tc := range tests {
		if got := mtaAction([]byte(tc.line), defaultXMLCodeAttrs); got != tc.want {
			t.Errorf("mtaAction(%q) = %q, want %q", tc.line, got, tc.want)
		}
	}
}

func TestParseConfig(t *testing.T) {
	o := &options{Warning: []string{"warning=10", "pop:error=off"}, Critical: []string{"imap:error=5"},
		StaleWarning: []string{"2h", "admin=0"}, Show: 3, MaxBytes: 1 << 20, Services: []string{"imap,POP", "mta", "imap"}}
	c, err := parseConfig(o)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(c.services, ",") != "imap,pop,mta" {
		t.Errorf("services %v", c.services)
	}
	check := func(svc string, lv level, wantWarn, wantCrit string) {
		t.Helper()
		w, cr := c.ranges(svc, lv)
		if w.String() != wantWarn || cr.String() != wantCrit {
			t.Errorf("%s %s: warn %q crit %q, want %q %q", svc, lv, w, cr, wantWarn, wantCrit)
		}
	}
	check("imap", lvError, "0", "5")
	check("pop", lvError, "", "")
	check("http", lvError, "0", "")
	check("http", lvWarning, "10", "")
	check("http", lvCritical, "", "0")
	if c.staleFor("imap") != 2*time.Hour || c.staleFor("admin") != 0 {
		t.Errorf("stale %v %v", c.staleFor("imap"), c.staleFor("admin"))
	}
}

func TestCounterKeepsMostSevereFirst(t *testing.T) {
	c := newCounter(false, &config{}, 2)
	lines := []string{critLine, errLine, errLine, errLine, warnLine}
	for _, l := range lines {
		c.line([]byte(strings.TrimSuffix(l, "\n")), false)
	}
	got := c.newest()
	if len(got) != 2 || got[0].lv != lvCritical || got[1].lv != lvError {
		t.Fatalf("newest %+v", got)
	}
	if c.counts[lvError] != 3 || c.counts[lvWarning] != 1 {
		t.Fatalf("counts %v", c.counts)
	}
	long := bytes.Repeat([]byte("x"), 1000)
	c.line(append([]byte(strings.TrimSuffix(critLine, "\n")), long...), false)
	if k := c.newest()[1]; !k.cut || len(k.text) != keptLineBytes {
		t.Fatalf("kept line not cut: %d %v", len(k.text), k.cut)
	}
}

// TestSpecInProcess runs the check through Spec, as the aggregate command
// will, and checks that every Spec call has fresh options.
func TestSpecInProcess(t *testing.T) {
	v := newServer(t)
	var out bytes.Buffer
	args := []string{"-B", v.s.Base(), "--state-dir", v.state, "-s", "imap", "--stale-warning", "1s"}
	code := plugin.Execute(Spec(), args, &out, &out, func(string) string { return "" })
	if code != 1 || !strings.HasPrefix(out.String(), "MSGLOGS WARNING - imap: log silent for 1m") {
		t.Fatalf("exit %d: %s", code, out.String())
	}
	out.Reset()
	code = plugin.Execute(Spec(), []string{"-B", v.s.Base(), "--state-dir", v.state, "-s", "imap"}, &out, &out, func(string) string { return "" })
	if code != 0 {
		t.Fatalf("options leaked between Spec calls: exit %d: %s", code, out.String())
	}
}

func TestStateRoundTrip(t *testing.T) {
	dir := t.TempDir()
	s := savedState{Version: stateVersion, Service: "imap", Log: "/x/imap", Cursor: logtail.Cursor{Ino: 7, Offset: 10, Size: 10}}
	b, _ := json.Marshal(s)
	os.WriteFile(filepath.Join(dir, "s.json"), b, 0o600)
	var got savedState
	if err := json.Unmarshal(b, &got); err != nil || got.validate("imap", "/x/imap") != nil {
		t.Fatalf("round trip: %v %v", err, got.validate("imap", "/x/imap"))
	}
	if got.validate("pop", "/x/imap") == nil {
		t.Fatal("state of another service accepted")
	}
}
