package telemetry

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/msgstore-plugins/msgstore/lib/fixture"
)

// guideSession is the example of Administration Guide 20.14.1.3, completed
// with the tagged OK of command 4.
const guideSession = `LOGIN redb 2003/11/26 13:03:21
>0.017>1 OK User logged in
2 OK Completed
<0.046<3 select "INBOX"
>0.236>* FLAGS (\Answered flagged draft deleted \Seen $MDNSent Junk)
* OK [PERMANENTFLAGS (\Answered flag draft deleted \Seen $MDNSent Junk \*)]
* 1538 EXISTS
* OK [UNSEEN 23]
* OK [UIDVALIDITY 1046219200]
* OK [UIDNEXT 1968]
3 OK [READ-WRITE] Completed
<0.045<4 UID fetch 1:* (FLAGS)
>0.117>* 1 FETCH (FLAGS (\Seen) UID 330)
* 2 FETCH (FLAGS (\Seen) UID 331)
4 OK Completed
`

func parse(t testing.TB, proto Protocol, text string, maxBytes int64) (Session, []Response, error) {
	t.Helper()
	var got []Response
	s, err := NewParser().Parse(strings.NewReader(text), proto, maxBytes, func(r Response) { got = append(got, r) })
	return s, got, err
}

func TestParseGuideExample(t *testing.T) {
	s, got, err := parse(t, IMAP, guideSession, 0)
	if err != nil {
		t.Fatal(err)
	}
	want := []Response{{"LOGIN", 0.017}, {"SELECT", 0.236}, {"UID FETCH", 0.117}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("responses %v, want %v", got, want)
	}
	if s.User != "redb" || s.Login != "2003/11/26 13:03:21" || s.Records != 5 || s.Commands != 2 ||
		s.Slowest != (Response{"SELECT", 0.236}) || s.ClientMax != 0.046 || s.Bytes != int64(len(guideSession)) || s.Truncated {
		t.Fatalf("session %+v", s)
	}
	if math.Abs(s.ServerTime-0.37) > 1e-9 || math.Abs(s.ClientTime-0.091) > 1e-9 {
		t.Fatalf("server %v client %v", s.ServerTime, s.ClientTime)
	}
}

func TestParseSampleSessionFile(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(fixture.SampleDir(), fixture.VarRel, "telemetry/imap/redb/1795881801.1"))
	if err != nil {
		t.Fatal(err)
	}
	s, got, err := parse(t, IMAP, string(b), 0)
	if err != nil || len(got) != 3 || s.Slowest.Command != "SELECT" {
		t.Fatalf("sample session: %+v %v %v", s, got, err)
	}
}

func TestParseSessions(t *testing.T) {
	tests := []struct {
		name     string
		proto    Protocol
		text     string
		want     []Response
		commands int
	}{
		{
			name:  "CR LF line ends",
			proto: IMAP,
			text:  "LOGIN u 2026/1/2 3:04:05\r\n<0.5<a1 NOOP\r\n>0.25>a1 OK NOOP completed\r\n",
			want:  []Response{{"NOOP", 0.25}}, commands: 1,
		},
		{
			name:  "synchronizing literal: APPEND data is not a command",
			proto: IMAP,
			text: "LOGIN u 2026/01/02 03:04:05\n" +
				"<1<a2 APPEND INBOX {33}\n" +
				">0.004>+ go ahead\n" +
				"<0.01<a3 LOGIN someone secret\n" + // message text: 23+2 bytes
				"Hi all\n" + // 6+2: the literal's 33 bytes
				"\n" + // the rest of the APPEND command line: empty
				">0.7>a2 OK APPEND completed\n" +
				"<2<a4 LOGOUT\n" +
				">0.001>* BYE\n",
			want:     []Response{{"APPEND", 0.004}, {"APPEND", 0.7}, {"LOGOUT", 0.001}},
			commands: 2,
		},
		{
			name:  "non-synchronizing literal inside the record",
			proto: IMAP,
			text: "LOGIN u 2026/01/02 03:04:05\n" +
				"<1<a2 APPEND INBOX {13+}\n" +
				"a9 DELETE X\n" + // 11+2 bytes: the whole literal
				"\n" +
				">0.3>a2 OK\n",
			want:     []Response{{"APPEND", 0.3}},
			commands: 1,
		},
		{
			name:  "literal ends inside a line that announces another",
			proto: IMAP,
			text: "LOGIN u 2026/01/02 03:04:05\n" +
				"<1<a1 LOGIN {4}\n" +
				">0.001>+ ok\n" +
				"<0.1<user {6}\n" +
				">0.001>+ ok\n" +
				"<0.1<a2 DELETE\n" + // the password: literal data
				">0.2>a1 OK\n",
			want:     []Response{{"LOGIN", 0.001}, {"LOGIN", 0.001}, {"LOGIN", 0.2}},
			commands: 1,
		},
		{
			name:  "IDLE: DONE and server notices",
			proto: IMAP,
			text: "LOGIN u 2026/01/02 03:04:05\n" +
				"<1<a5 IDLE\n" +
				">0.002>+ idling\n" +
				">300.5>* 4 EXISTS\n" + // server-paced, not a response time
				"<10<DONE\n" +
				">0.003>a5 OK IDLE terminated\n",
			want:     []Response{{"IDLE", 0.002}, {"IDLE", 0.003}},
			commands: 1,
		},
		{
			name:  "pipelined commands in one record",
			proto: IMAP,
			text: "LOGIN u 2026/01/02 03:04:05\n" +
				"<1<a1 SELECT INBOX\n" +
				"a2 uid STORE 1 +FLAGS (\\Seen)\n" +
				">0.5>a1 OK\n" +
				"a2 OK\n",
			want:     []Response{{"UID STORE", 0.5}},
			commands: 2,
		},
		{
			name:  "unknown commands and SASL data keep the command",
			proto: IMAP,
			text: "LOGIN u 2026/01/02 03:04:05\n" +
				"<1<a1 AUTHENTICATE PLAIN\n" +
				">0.001>+\n" +
				"<0.2<dXNlcgB1c2VyAHNlY3JldA==\n" +
				">0.4>a1 OK\n" +
				"<1<a2 FROBNICATE secret\n" +
				">0.1>a2 BAD\n",
			want:     []Response{{"AUTHENTICATE", 0.001}, {"AUTHENTICATE", 0.4}, {"AUTHENTICATE", 0.1}},
			commands: 1,
		},
		{
			name:  "quoted mail text that looks almost like a record",
			proto: IMAP,
			text: "LOGIN u 2026/01/02 03:04:05\n" +
				"<1<a1 FETCH 1 BODY[]\n" +
				">0.9>* 1 FETCH (BODY[] {40}\n" +
				"> quoted\n" +
				">>0.5> not a record\n" +
				"<3 love\n" +
				")\n" +
				"a1 OK\n",
			want:     []Response{{"FETCH", 0.9}},
			commands: 1,
		},
		{
			name:  "POP: PASS is a name only",
			proto: POP,
			text: "LOGIN jdoe 2026/11/28 10:00:00\n" +
				">0.01>+OK Maildrop ready\n" +
				"<0.2<STAT\n" +
				">0.03>+OK 2 320\n" +
				"<0.1<retr 1\n" +
				">1.5>+OK 120 octets\n" +
				"Subject: hi\n" +
				".\n" +
				"<0.1<QUIT\n" +
				">0.002>+OK\n",
			want:     []Response{{"LOGIN", 0.01}, {"STAT", 0.03}, {"RETR", 1.5}, {"QUIT", 0.002}},
			commands: 3,
		},
		{
			name:  "HTTP: method only, never the URL",
			proto: HTTP,
			text: "LOGIN jdoe 2026/11/28 10:00:00\n" +
				"<0.1<POST /login.msc?user=jdoe&password=secret HTTP/1.1\n" +
				"Host: mail\n" +
				"\n" +
				"<0.01<user=jdoe&password=secret\n" +
				">0.8>HTTP/1.1 200 OK\n" +
				"<3<GET /mbox.msc?sid=abc HTTP/1.1\n" +
				">0.2>HTTP/1.1 200 OK\n",
			want:     []Response{{"POST", 0.8}, {"GET", 0.2}},
			commands: 2,
		},
		{
			name:  "truncated mid-line",
			proto: IMAP,
			text:  "LOGIN u 2026/01/02 03:04:05\n<1<a1 SELECT INBOX\n>0.2>* 3 EXI",
			want:  []Response{{"SELECT", 0.2}}, commands: 1,
		},
		{
			name:  "LOGIN only",
			proto: IMAP,
			text:  "LOGIN u 2026/01/02 03:04:05",
			want:  nil,
		},
		{
			name:  "text before the first record and a bare prefix",
			proto: IMAP,
			text:  "LOGIN u 2026/01/02 03:04:05\nstray\n<<\n>.>\n<5.<a NOOP\n>.25>a OK\n",
			want:  []Response{{"NOOP", 0.25}}, commands: 1,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, got, err := parse(t, tc.proto, tc.text, 0)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("responses %v, want %v", got, tc.want)
			}
			if s.Commands != tc.commands {
				t.Errorf("commands %d, want %d", s.Commands, tc.commands)
			}
			if s.Responses != len(tc.want) {
				t.Errorf("Responses %d, want %d", s.Responses, len(tc.want))
			}
		})
	}
}

func TestParseNotASession(t *testing.T) {
	tests := []struct {
		name, text string
		empty      bool
		reason     string
	}{
		{"empty", "", true, ""},
		{"binary", "\x00\x01\x02PK\x03\x04garbage\n", false, "first line is not LOGIN"},
		{"records without LOGIN", ">0.1>* OK\n", false, "first line is not LOGIN"},
		{"LOGIN without date", "LOGIN redb\n>0.1>x\n", false, "lacks the user, date or time"},
		{"bad date", "LOGIN redb 2003-11-26 13:03:21\n", false, "no valid yyyy/mm/dd"},
		{"bad time", "LOGIN redb 2003/11/26 25:03:21\n", false, "no valid yyyy/mm/dd"},
		{"truncated LOGIN line", "LOGI", false, "first line is not LOGIN"},
		{"huge first line", "LOGIN " + strings.Repeat("x", 10000) + " 2003/11/26 13:03:21\n", false, "too long"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, got, err := parse(t, IMAP, tc.text, 0)
			if len(got) != 0 {
				t.Errorf("responses from a non-session: %v", got)
			}
			if tc.empty {
				if !errors.Is(err, ErrEmpty) {
					t.Fatalf("err %v, want ErrEmpty", err)
				}
				return
			}
			var fe *FormatError
			if !errors.As(err, &fe) || !strings.Contains(fe.Reason, tc.reason) {
				t.Fatalf("err %v, want a FormatError with %q", err, tc.reason)
			}
		})
	}
}

func TestParseByteCap(t *testing.T) {
	text := guideSession + "<1<5 NOOP\n>9>5 OK\n"
	cap := int64(strings.Index(text, "<1<5"))
	s, got, err := parse(t, IMAP, text, cap+3) // cuts "<1<5 NOOP"
	if err != nil || !s.Truncated || s.Bytes != cap+3 {
		t.Fatalf("capped: %+v %v", s, err)
	}
	if len(got) != 3 {
		t.Fatalf("the cut line or what follows was counted: %v", got)
	}
	s, _, _ = parse(t, IMAP, text, int64(len(text)))
	if s.Truncated || s.Responses != 4 {
		t.Fatalf("a file of exactly the cap is whole: %+v", s)
	}
}

func TestParseLongLines(t *testing.T) {
	// A line longer than the read buffer, and a literal announced at the
	// end of a long line.
	long := strings.Repeat("A", 200000)
	text := "LOGIN u 2026/01/02 03:04:05\n" +
		"<1<a1 SEARCH TEXT " + long + " {11}\n" +
		"<0.1<a9 NOOP x\n" + // 9 bytes + CRLF: the literal, then the command continues
		"\n" +
		">0.3>* SEARCH " + long + "\n" +
		"<1<a2 NOOP\n>0.1>a2 OK\n"
	s, got, err := parse(t, IMAP, text, 0)
	if err != nil {
		t.Fatal(err)
	}
	want := []Response{{"SEARCH", 0.3}, {"NOOP", 0.1}}
	if !reflect.DeepEqual(got, want) || s.Commands != 2 || s.Bytes != int64(len(text)) {
		t.Fatalf("got %v, %+v", got, s)
	}
}

func TestSplitRecord(t *testing.T) {
	tests := []struct {
		line string
		dir  byte
		secs float64
		text string
		ok   bool
	}{
		{">0.017>1 OK", '>', 0.017, "1 OK", true},
		{"<12<a NOOP", '<', 12, "a NOOP", true},
		{"<.5<x", '<', 0.5, "x", true},
		{">3.>", '>', 3, "", true},
		{"<0.5>x", 0, 0, "", false},
		{">>", 0, 0, "", false},
		{"> 1>", 0, 0, "", false},
		{">1234567890>x", 0, 0, "", false},
		{">1.123456789012345>x", '>', 1.123456789, "x", true},
	}
	for _, tc := range tests {
		dir, secs, text, ok := splitRecord([]byte(tc.line))
		if ok != tc.ok || dir != tc.dir || math.Abs(secs-tc.secs) > 1e-9 || string(text) != tc.text {
			t.Errorf("splitRecord(%q) = %q %v %q %v", tc.line, dir, secs, text, ok)
		}
	}
}

// FuzzParse feeds arbitrary session files: the parser must not panic, must
// stay within the byte cap, and must never let anything but a known command
// name out of a file (arguments, passwords and mail text stay inside).
func FuzzParse(f *testing.F) {
	f.Add([]byte(guideSession), uint8(0), uint16(0))
	f.Add([]byte("LOGIN u 2026/01/02 03:04:05\r\n<1<a2 APPEND INBOX {9}\r\n>0.1>+\r\n<0<hello\r\n\r\n>1>a2 OK\r\n"), uint8(0), uint16(40))
	f.Add([]byte("LOGIN u 2026/1/2 3:04:05\n<1<PASS secret\n>0.1>+OK\n<1<RETR 1\n>2>+OK\n.\n"), uint8(1), uint16(0))
	f.Add([]byte("LOGIN u 2026/1/2 3:04:05\n<1<GET /?password=x HTTP/1.1\n>2>HTTP/1.1 200 OK\n"), uint8(2), uint16(0))
	f.Add([]byte("LOGIN u 2026/1/2 3:04:05\n<1<a UID {99999999999999999999}\n<1<x\n"), uint8(0), uint16(7))
	p := NewParser()
	f.Fuzz(func(t *testing.T, data []byte, proto uint8, limit uint16) {
		pr := Protocols[int(proto)%len(Protocols)]
		var n int
		s, err := p.Parse(bytes.NewReader(data), pr, int64(limit), func(r Response) {
			n++
			if !KnownCommand(pr, r.Command) {
				t.Fatalf("command name %q is not a known %s command", r.Command, pr)
			}
			if !(r.Seconds >= 0) || math.IsInf(r.Seconds, 0) {
				t.Fatalf("bad seconds %v", r.Seconds)
			}
		})
		if err != nil {
			return
		}
		if limit > 0 && s.Bytes > int64(limit) {
			t.Fatalf("read %d bytes over the cap %d", s.Bytes, limit)
		}
		if limit == 0 && s.Bytes != int64(len(data)) {
			t.Fatalf("read %d of %d bytes", s.Bytes, len(data))
		}
		if n != s.Responses || s.Responses > s.Records || s.Commands > s.Records*len(data) {
			t.Fatalf("counts: %d callbacks, %+v", n, s)
		}
		if s.Responses > 0 && !KnownCommand(pr, s.Slowest.Command) {
			t.Fatalf("slowest command %q unknown", s.Slowest.Command)
		}
	})
}

// benchSession is a realistic IMAP session of about 1 MiB: a SELECT, then
// FETCHes of message bodies with literals.
func benchSession() []byte {
	var b bytes.Buffer
	b.WriteString("LOGIN redb 2026/11/28 13:03:21\n>0.017>1 OK User logged in\n<0.046<3 select \"INBOX\"\n>0.236>* 1538 EXISTS\n3 OK [READ-WRITE] Completed\n")
	body := strings.Repeat("Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod.\r\n", 40)
	for i := 0; b.Len() < 1<<20; i++ {
		fmt.Fprintf(&b, "<0.%03d<a%d UID FETCH %d BODY.PEEK[]\n", i%1000, i, i)
		fmt.Fprintf(&b, ">0.%03d>* %d FETCH (UID %d BODY[] {%d}\n%s)\na%d OK Completed\n", (i*7)%1000, i, i, len(body), body, i)
	}
	return b.Bytes()
}

func BenchmarkParse(b *testing.B) {
	data := benchSession()
	p := NewParser()
	var lat Latency
	r := bytes.NewReader(data)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		r.Reset(data)
		if _, err := p.Parse(r, IMAP, 0, func(resp Response) { lat.Add(resp.Seconds) }); err != nil {
			b.Fatal(err)
		}
	}
}
