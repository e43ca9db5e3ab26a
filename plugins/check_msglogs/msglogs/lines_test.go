package msglogs

import (
	"bufio"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// lineCase is one line of testdata/lines/*.txt: what the line counts as,
// its date, the line.
type lineCase struct {
	expect, when, line string
}

func readLineCases(t *testing.T, name string) []lineCase {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", "lines", name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []lineCase
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		parts := strings.SplitN(sc.Text(), "\t", 3)
		if len(parts) != 3 {
			t.Fatalf("%s: bad case %q", name, sc.Text())
		}
		out = append(out, lineCase{parts[0], parts[1], parts[2]})
	}
	if len(out) == 0 {
		t.Fatalf("%s: no cases", name)
	}
	return out
}

// checkWhen compares lineTime with the case's date: RFC 3339 with a zone
// for service lines, local time without one for the MTA's.
func checkWhen(t *testing.T, c lineCase, loc *time.Location) {
	t.Helper()
	got, ok := lineTime([]byte(c.line), loc)
	if c.when == "-" {
		if ok {
			t.Errorf("lineTime(%q) = %v, want no date", c.line, got)
		}
		return
	}
	layout := "2006-01-02T15:04:05Z07:00"
	if !strings.HasSuffix(c.when, "Z") {
		layout = "2006-01-02T15:04:05"
	}
	want, err := time.ParseInLocation(layout, c.when, loc)
	if err != nil {
		t.Fatalf("case date %q: %v", c.when, err)
	}
	if !ok || !got.Equal(want) {
		t.Errorf("lineTime(%q) = %v, %v, want %v", c.line, got, ok, want)
	}
}

func TestServiceLinesFromTheDocsAndRealSites(t *testing.T) {
	for _, c := range readLineCases(t, "service.txt") {
		if got := lineLevel([]byte(c.line)).String(); got != c.expect {
			t.Errorf("lineLevel(%q) = %s, want %s", c.line, got, c.expect)
		}
		checkWhen(t, c, time.UTC)
	}
}

func TestMTALinesWithOptionalFields(t *testing.T) {
	loc := time.FixedZone("CET", 3600)
	for _, file := range []string{"mta.txt", "mta-xml.txt"} {
		for _, c := range readLineCases(t, file) {
			got := "none"
			if a := mtaAction([]byte(c.line), defaultXMLCodeAttrs); a != 0 {
				got = string(a)
			}
			if got != c.expect {
				t.Errorf("%s: mtaAction(%q) = %s, want %s", file, c.line, got, c.expect)
			}
			checkWhen(t, c, loc)
		}
	}
}

func TestMTAXMLCodeAttributeIsConfigurable(t *testing.T) {
	line := []byte(`<en ts="2014-06-02T09:45:50.29" sc="tcp_local" act="R" ec="E"/>`)
	tests := []struct {
		attrs []string
		want  byte
	}{
		{defaultXMLCodeAttrs, 'E'},
		{[]string{"act"}, 'R'},
		{[]string{"act", "ec"}, 'R'},
		{[]string{"nothere"}, 0},
	}
	for _, tt := range tests {
		if got := mtaAction(line, tt.attrs); got != tt.want {
			t.Errorf("mtaAction with %v = %q, want %q", tt.attrs, got, tt.want)
		}
	}
}

func TestParseExpect(t *testing.T) {
	tests := []struct {
		in      string
		svc, re string
		age     time.Duration
		err     string
	}{
		{in: "default=imexpire.*Expire finished/26h", svc: "default", re: "imexpire.*Expire finished", age: 26 * time.Hour},
		{in: "DEFAULT=a/b/c/1d", svc: "default", re: "a/b/c", age: 24 * time.Hour},
		{in: "imap=x=y/90", svc: "imap", re: "x=y", age: 90 * time.Second},
		{in: "mta=tcp_local .* J /2h30m", svc: "mta", re: "tcp_local .* J ", age: 150 * time.Minute},
		{in: "default=Expire finished", err: "no MAXAGE"},
		{in: "default=a/b", err: `MAXAGE "b" after the last '/'`},
		{in: "default=/26h", err: "empty REGEX"},
		{in: "default=x/0", err: "more than 0"},
		{in: "nosuch=x/1h", err: `unknown service "nosuch"`},
		{in: "Expire finished/26h", err: "expected SERVICE=REGEX/MAXAGE"},
		{in: "default=(/1h", err: "REGEX"},
	}
	for _, tt := range tests {
		e, err := parseExpect(tt.in)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("parseExpect(%q) error %v, want %q", tt.in, err, tt.err)
			}
			continue
		}
		if err != nil || e.svc != tt.svc || e.re.String() != tt.re || e.maxAge != tt.age {
			t.Errorf("parseExpect(%q) = %s %q %v, %v", tt.in, e.svc, e.re, e.maxAge, err)
		}
	}
	if _, err := parseExpects([]string{"default=x/1h", "default=x/2h"}); err == nil || !strings.Contains(err.Error(), "given twice") {
		t.Errorf("duplicate --expect: %v", err)
	}
}

func FuzzLineTime(f *testing.F) {
	for _, s := range []string{critLine, "02/May/1998:17:37:32 -0700 showshoe x[1]: General Notice: y",
		"[29/May/2006:17:44:37 +051800] u i[1]: General Critical: z", "16-Feb-2007 14:54:13.72 tcp_local ims-ms EE 1",
		`<co ts="2014-06-02T09:45:50.29" ac="U"/>`, `<x ts="`, "[", "1-1-1 1"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		lineTime(b, time.UTC)
		xmlAttr(b, "ts")
	})
}
