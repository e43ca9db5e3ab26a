package msglogs

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/msgstore-plugins/msgstore/lib/logtail"
	"github.com/msgstore-plugins/msgstore/lib/plugin"
)

func FuzzLineLevel(f *testing.F) {
	for _, s := range []string{critLine, errLine, warnLine, "", "]: ", "]: a b:", " Store Error:",
		"28-Nov-2026 16:30:00.01 tcp_local                 J 0 a@b rfc822;c@d",
		"[01/Jan/2026:00:00:00 +0000] h stored: Store Error: no pid",
		"26-Feb-2007 14:10:06.89 hosta   2e2d.5.1 tcp_local                 JE 0  harold@varrius.com rfc822; alan@very.bogus.com",
		`<en ts="2014-06-02T09:45:50.29" sc="tcp_local" ec="J" sz="0"/>`, `<co ts="2014-06-02T09:45:50.29" ac="U"/>`, `< ec="`} {
		f.Add([]byte(s))
	}
	c := newCounter(false, &config{match: []*regexp.Regexp{regexp.MustCompile(`bad`)}}, 3)
	m := newCounter(true, &config{}, 3)
	f.Fuzz(func(t *testing.T, b []byte) {
		lv := lineLevel(b)
		if lv < lvNone || lv > lvWarning {
			t.Fatalf("lineLevel(%q) = %d", b, lv)
		}
		if a := mtaAction(b, defaultXMLCodeAttrs); a != 0 && (a < 'A' || a > 'Z') {
			t.Fatalf("mtaAction(%q) = %q", b, a)
		}
		c.line(b, false)
		m.line(b, true)
		for _, k := range c.newest() {
			if len(k.text) > keptLineBytes {
				t.Fatalf("kept %d bytes", len(k.text))
			}
		}
	})
}

// FuzzStateDecode feeds arbitrary state files through decoding, validation
// and a Follow of a real file: whatever the state says, the plugin neither
// panics nor reads outside the file.
func FuzzStateDecode(f *testing.F) {
	f.Add([]byte(`{"version":1,"service":"imap","log":"LOG","cursor":{"dev":1,"ino":2,"offset":5,"size":9,"head_len":4,"head_hash":1}}`))
	f.Add([]byte(`{"version":1,"cursor":{"offset":-1}}`))
	f.Add([]byte(`{"version":1,"service":"imap","log":"LOG","cursor":{"ino":1,"offset":99999999999,"in_long":true}}`))
	f.Add([]byte("\x00garbage"))
	f.Add([]byte(`{"version":1,"service":"imap","log":"LOG","cursor":{"ino":1},"expect":[{"pattern":"Expire","last":"2026-11-28T23:01:19Z","since":"0001-01-01T00:00:00Z","searched":true}]}`))
	f.Add([]byte(`{"version":1,"service":"imap","log":"LOG","cursor":{"ino":1},"expect":[{"pattern":"Expire","last":"9999-12-31T23:59:59Z","since":"-0001-01-01T00:00:00Z"}]}`))
	dir := f.TempDir()
	log := filepath.Join(dir, "imap")
	content := []byte(critLine + errLine + "partial")
	if err := os.WriteFile(log, content, 0o644); err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var s savedState
		if err := json.Unmarshal(b, &s); err != nil {
			return
		}
		s.Log = log // aim every decoded state at the real file
		s.Service = "imap"
		if s.validate("imap", log) != nil {
			return
		}
		// Whatever the saved expected lines say, judging them neither
		// panics nor yields an age below 0.
		e, _ := parseExpect("imap=Expire/26h")
		ts := newTrackers(&config{expects: []expectation{e}}, "imap", s.Expect, time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC))
		for _, tr := range ts {
			tr.judge(plugin.WARNING)
			if tr.age() < 0 {
				t.Fatalf("age %v", tr.age())
			}
		}
		c := newCounter(false, &config{}, 3)
		cur, rep, err := logtail.Follow(&s.Cursor, logtail.Source{Path: log}, logtail.Options{}, c.line)
		if err != nil {
			t.Fatalf("Follow: %v", err)
		}
		if cur.Offset < 0 || cur.Offset > int64(len(content)) || rep.BytesRead > int64(len(content)) {
			t.Fatalf("cursor %+v report %+v outside a %d-byte file", cur, rep, len(content))
		}
	})
}
