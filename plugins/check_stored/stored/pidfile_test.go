package stored

import (
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestParsePidFile(t *testing.T) {
	cases := []struct {
		in      string
		want    PidFile
		errPart string
	}{
		{"28250 ready", PidFile{28250, "ready"}, ""},
		{"28250 ready\n", PidFile{28250, "ready"}, ""},
		{"28250\nready\n", PidFile{28250, "ready"}, ""},
		{"  28250\t init \r\n", PidFile{28250, "init"}, ""},
		{"\ufeff28250 READY", PidFile{28250, "ready"}, ""},
		{"28250", PidFile{28250, ""}, ""},
		{"2147483647 ready", PidFile{2147483647, "ready"}, ""},
		{"1 shutting-down", PidFile{1, "shutting-down"}, ""},
		{"", PidFile{}, "is empty"},
		{"\n\n", PidFile{}, "is empty"},
		{"ready", PidFile{}, `starts with "ready"`},
		{"28250 28251", PidFile{}, "two numbers"},
		{"28250 ready extra", PidFile{}, "holds 3 words"},
		{"-1 ready", PidFile{}, "negative"},
		{"0 ready", PidFile{}, "pid 0"},
		{"2147483648 ready", PidFile{}, "out of range"},
		{"18446744073709551616 ready", PidFile{}, "out of range"},
		{"+5 ready", PidFile{}, "not a process id"},
		{"0x10 ready", PidFile{}, "not a process id"},
		{"28250 re@dy", PidFile{}, "not a word"},
		{"28250\x00 ready", PidFile{}, "not a process id"},
		{strings.Repeat("1", 5000), PidFile{}, "over 4096 bytes"},
	}
	for _, c := range cases {
		got, err := ParsePidFile([]byte(c.in))
		switch {
		case c.errPart == "" && (err != nil || got != c.want):
			t.Errorf("ParsePidFile(%q) = %+v, %v; want %+v", c.in, got, err, c.want)
		case c.errPart != "" && (err == nil || !strings.Contains(err.Error(), c.errPart)):
			t.Errorf("ParsePidFile(%q) error %v, want one containing %q", c.in, err, c.errPart)
		}
	}
}

// FuzzParsePidFile: any bytes give a valid pid file or an error that is
// one short printable line; accepted content reads back the same.
func FuzzParsePidFile(f *testing.F) {
	for _, s := range []string{"28250 ready\n", "28250\ninit\n", "", "-1 ready", "99999999999999999999 init", "x", "1 2", "\xff\xfe"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		pf, err := ParsePidFile(b)
		if err != nil {
			msg := err.Error()
			if strings.ContainsAny(msg, "\n\r") || !utf8.ValidString(msg) || len(msg) > 300 {
				t.Fatalf("error %q is not one short printable line", msg)
			}
			return
		}
		if pf.Pid < 1 || pf.Pid > maxPid {
			t.Fatalf("accepted pid %d", pf.Pid)
		}
		if pf.State != strings.ToLower(pf.State) || pf.State != "" && !isWord(pf.State) {
			t.Fatalf("accepted state %q", pf.State)
		}
		again, err := ParsePidFile([]byte(strings.TrimSpace(fmt.Sprintf("%d %s", pf.Pid, pf.State))))
		if err != nil || again != pf {
			t.Fatalf("%+v does not read back: %+v, %v", pf, again, err)
		}
	})
}
