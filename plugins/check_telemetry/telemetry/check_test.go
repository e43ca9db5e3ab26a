package telemetry_test

import (
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/msgstore-plugins/msgstore/lib/fixture"
	"github.com/msgstore-plugins/msgstore/lib/plugintest"
	"github.com/msgstore-plugins/msgstore/plugins/check_telemetry/telemetry"
)

const (
	telRel  = fixture.VarRel + "/telemetry"
	redbRel = telRel + "/imap/redb"
	day     = 24 * time.Hour
	nobody  = 65534 // nobody and nogroup on Debian
)

// check runs check_telemetry on the sample server through the built binary
// and in-process, and returns what the binary printed. Both must agree on
// the exit code and line 1 before the perfdata.
func check(t *testing.T, s *fixture.Server, args ...string) plugintest.Output {
	t.Helper()
	args = append([]string{"-B", s.Base()}, args...)
	out := plugintest.Run(t, plugintest.Build(t, "check_telemetry"), nil, args...)
	in := plugintest.RunSpec(t, telemetry.Spec(), nil, args...)
	head := func(o plugintest.Output) string { h, _, _ := strings.Cut(o.Line1, " | "); return h }
	if in.Code != out.Code || head(in) != head(out) {
		t.Errorf("in-process run differs from the binary:\n%d %s\n%d %s", in.Code, in.Stdout, out.Code, out.Stdout)
	}
	if len(out.Stdout) >= 8192 {
		t.Errorf("output is %d bytes", len(out.Stdout))
	}
	return out
}

func perf(t *testing.T, out plugintest.Output, label string, want float64) {
	t.Helper()
	p, ok := out.Perf[label]
	if !ok || p.Value != want {
		t.Errorf("perfdata %s = %+v (present %v), want %v\n%s", label, p, ok, want, out.Stdout)
	}
}

// session is a session file in the documented format.
func session(user string, lines ...string) string {
	return "LOGIN " + user + " 2026/11/28 13:03:21\n" + strings.Join(lines, "\n") + "\n"
}

func chown(t *testing.T, path string, uid, gid int, mode os.FileMode) {
	t.Helper()
	if err := os.Chown(path, uid, gid); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, mode); err != nil {
		t.Fatal(err)
	}
}

func TestHealthySample(t *testing.T) {
	s := fixture.New(t)
	out := check(t, s)
	out.Expect(t, "TELEMETRY", 0)
	if out.Summary != "telemetry on: imap/redb for 2h, 1 session, 574 B - imap response p95 0.236s max 0.236s" {
		t.Errorf("summary %q", out.Summary)
	}
	out.Contains(t, "[OK] imap/redb: capturing for 2h, 1 session file (574 B), newest 2h ago; "+s.Base()+"/data/telemetry/imap/redb\n",
		"[OK] imap: 3 responses in 1 session: server response max 0.236s (SELECT, user redb, session 1795881801.1), p95 0.236s")
	if p := out.Perf["oldest_age"]; p.Value < 7200 || p.Value > 7260 {
		t.Errorf("oldest_age %v, want 2h", p.Value)
	}
	for label, want := range map[string]float64{"captures": 1, "users": 1, "files": 1, "bytes": 574,
		"unparsable": 0, "imap_response_max": 0.236, "imap_response_p95": 0.236, "imap_responses": 3} {
		perf(t, out, label, want)
	}
	if p := out.Perf["oldest_age"]; p.Warn != "86400" || p.Unit != "s" {
		t.Errorf("oldest_age %+v", p)
	}
	if p := out.Perf["bytes"]; p.Warn != "104857600" || p.Crit != "1073741824" || p.Unit != "B" {
		t.Errorf("bytes %+v", p)
	}
}

func TestTelemetryOff(t *testing.T) {
	tests := []struct {
		name  string
		setup func(s *fixture.Server)
		line  string
	}{
		{"no telemetry directory", func(s *fixture.Server) { s.Remove(telRel) }, "telemetry does not exist: nothing is recorded"},
		{"empty protocol directories", func(s *fixture.Server) { s.Remove(redbRel) }, "no capture directory under"},
		{"no protocol directories", func(s *fixture.Server) {
			s.Remove(telRel + "/imap")
			s.Remove(telRel + "/pop")
			s.Remove(telRel + "/http")
		}, "no capture directory under"},
		{"a stray file only", func(s *fixture.Server) {
			s.Remove(redbRel)
			s.Write(telRel+"/imap/README", "not a capture\n", day)
		}, "no capture directory under"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := fixture.New(t)
			tc.setup(s)
			out := check(t, s)
			out.Expect(t, "TELEMETRY", 0)
			if out.Summary != "telemetry off" {
				t.Errorf("summary %q", out.Summary)
			}
			out.Contains(t, tc.line)
			perf(t, out, "captures", 0)
			// The same labels as with a capture on, unknown (U) values.
			for _, l := range []string{"oldest_age", "imap_response_max", "pop_response_p95", "http_response_max"} {
				if p, ok := out.Perf[l]; !ok || !math.IsNaN(p.Value) {
					t.Errorf("perfdata %s = %+v (present %v), want U:\n%s", l, p, ok, out.Stdout)
				}
			}
			perf(t, out, "imap_responses", 0)
		})
	}
}

func TestCaptureAge(t *testing.T) {
	tests := []struct {
		name    string
		setup   func(s *fixture.Server)
		args    []string
		code    int
		summary string
		lines   []string
	}{
		{
			name: "forgotten capture",
			setup: func(s *fixture.Server) {
				s.SetAge(redbRel+"/1795881801.1", 3*day)
				s.SetAge(redbRel, 3*day)
			},
			code:    1,
			summary: "imap/redb capturing for 3d, over 1d",
			lines:   []string{"[WARNING] imap/redb: capturing for 3d (over --age-warning 1d), 1 session file (574 B), newest 3d ago; remove "},
		},
		{
			name: "forgotten: old sessions in a directory touched today",
			setup: func(s *fixture.Server) {
				s.Write(redbRel+"/1795990000.7", session("redb", ">0.5>1 OK"), time.Hour)
				s.SetAge(redbRel+"/1795881801.1", 40*time.Hour)
			},
			code:    1,
			summary: "imap/redb capturing for 1d16h, over 1d",
			lines:   []string{"2 session files", "newest 1h ago"},
		},
		{
			name: "past the critical age",
			setup: func(s *fixture.Server) {
				s.SetAge(redbRel+"/1795881801.1", 10*day)
				s.SetAge(redbRel, 10*day)
			},
			args:    []string{"--age-critical", "7d"},
			code:    2,
			summary: "imap/redb capturing for 10d, over 7d",
		},
		{
			name: "no age limit",
			setup: func(s *fixture.Server) {
				s.SetAge(redbRel+"/1795881801.1", 10*day)
				s.SetAge(redbRel, 10*day)
			},
			args: []string{"--age-warning", "0"},
			code: 0,
		},
		{
			name: "a fresh capture without sessions",
			setup: func(s *fixture.Server) {
				os.MkdirAll(s.Path(telRel+"/pop/jdoe"), 0o755)
				s.SetAge(telRel+"/pop/jdoe", 30*time.Minute)
			},
			code:    0,
			summary: "telemetry on: 2 captures of 2 users, oldest imap/redb for 2h, 574 B - imap response p95 0.236s max 0.236s",
			lines:   []string{"[OK] pop/jdoe: capturing for 30m, no session recorded yet (is the userid right?)"},
		},
		{
			name: "a forgotten capture that never recorded",
			setup: func(s *fixture.Server) {
				os.MkdirAll(s.Path(telRel+"/http/jdoe@example.com"), 0o755)
				s.SetAge(telRel+"/http/jdoe@example.com", 5*day)
			},
			code:    1,
			summary: "http/jdoe@example.com capturing for 5d, over 1d",
			lines:   []string{"no session recorded yet"},
		},
		{
			name: "a capture dated in the future",
			setup: func(s *fixture.Server) {
				s.SetAge(redbRel+"/1795881801.1", -time.Hour)
				s.SetAge(redbRel, -time.Hour)
			},
			code: 0,
			// A clock step must not make a capture look old.
			summary: "telemetry on: imap/redb for 0s, 1 session, 574 B - imap response p95 0.236s max 0.236s",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := fixture.New(t)
			tc.setup(s)
			out := check(t, s, tc.args...)
			out.Expect(t, "TELEMETRY", tc.code)
			if tc.summary != "" && out.Summary != tc.summary {
				t.Errorf("summary %q, want %q", out.Summary, tc.summary)
			}
			out.Contains(t, tc.lines...)
		})
	}
}

func TestCaptureOwner(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root to chown")
	}
	tests := []struct {
		name    string
		setup   func(t *testing.T, s *fixture.Server)
		args    []string
		code    int
		summary string
		lines   []string
	}{
		{
			name:    "server user from BASE/config cannot write",
			setup:   func(t *testing.T, s *fixture.Server) { chown(t, s.Var("config"), nobody, nobody, 0o755) },
			code:    1,
			summary: "imap/redb not writable by nobody (owned by root)",
			lines: []string{"[WARNING] imap/redb: owned by root:root, mode 0755: the server user nobody (owner of ",
				"/config) cannot create session files there, nothing is recorded; chown it to nobody"},
		},
		{
			name:    "--server-user names the user",
			args:    []string{"--server-user", "nobody"},
			code:    1,
			summary: "imap/redb not writable by nobody (owned by root)",
			lines:   []string{"the server user nobody (--server-user)"},
		},
		{
			name:    "a numeric uid unknown to /etc/passwd",
			args:    []string{"--server-user", "4321"},
			code:    1,
			summary: "imap/redb not writable by uid 4321 (owned by root)",
		},
		{
			name: "owned by another user, mode 0700",
			setup: func(t *testing.T, s *fixture.Server) {
				chown(t, s.Var("telemetry/imap/redb"), 4321, 4321, 0o700)
			},
			args:    []string{"--server-user", "nobody"},
			code:    1,
			summary: "imap/redb not writable by nobody (owned by uid 4321)",
			lines:   []string{"owned by uid 4321:gid 4321, mode 0700"},
		},
		{
			name:  "owned by the server user",
			setup: func(t *testing.T, s *fixture.Server) { chown(t, s.Var("telemetry/imap/redb"), nobody, nobody, 0o755) },
			args:  []string{"--server-user", "nobody"},
			code:  0,
		},
		{
			name:  "group-writable for the server user's group",
			setup: func(t *testing.T, s *fixture.Server) { chown(t, s.Var("telemetry/imap/redb"), 0, nobody, 0o770) },
			args:  []string{"--server-user", "nobody"},
			code:  0,
		},
		{
			name:  "writable by everyone",
			setup: func(t *testing.T, s *fixture.Server) { chown(t, s.Var("telemetry/imap/redb"), 0, 0, 0o777) },
			args:  []string{"--server-user", "nobody"},
			code:  0,
		},
		{
			name:    "owned by the server user but read-only",
			setup:   func(t *testing.T, s *fixture.Server) { chown(t, s.Var("telemetry/imap/redb"), nobody, nobody, 0o555) },
			args:    []string{"--server-user", "nobody"},
			code:    1,
			summary: "imap/redb not writable by nobody (owned by nobody)",
		},
		{
			name:  "a server running as root writes anywhere",
			setup: func(t *testing.T, s *fixture.Server) { chown(t, s.Var("telemetry/imap/redb"), 4321, 4321, 0o500) },
			args:  []string{"--server-user", "root"},
			code:  0,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := fixture.New(t)
			if tc.setup != nil {
				tc.setup(t, s)
			}
			out := check(t, s, tc.args...)
			out.Expect(t, "TELEMETRY", tc.code)
			if tc.summary != "" && out.Summary != tc.summary {
				t.Errorf("summary %q, want %q", out.Summary, tc.summary)
			}
			out.Contains(t, tc.lines...)
		})
	}
}

// richSession has multi-line responses, literals in both directions, a
// LOGIN by literal, SASL, IDLE and pipelining: what a real client does.
var richSession = session("jdoe",
	`>0.020>a0 OK User logged in`,
	`<1.5<a1 LIST "" "*"`,
	`>0.041>* LIST (\HasNoChildren) "/" "INBOX"`,
	`* LIST (\HasNoChildren) "/" "Secret plans"`,
	`a1 OK Completed`,
	`<0.3<a2 APPEND "Secret plans" {58}`,
	`>0.002>+ go ahead`,
	`<0.004<From: boss@example.com`,
	`Subject: the password is hunter2`,
	``,
	`>2.750>a2 OK [APPENDUID 1 7] Completed`,
	`<0.2<a3 SELECT "Secret plans"`,
	`>0.310>* 7 EXISTS`,
	`a3 OK [READ-WRITE] Completed`,
	`<0.1<a4 UID FETCH 7 BODY[]`,
	`>0.120>* 1 FETCH (UID 7 BODY[] {52}`,
	`From: boss@example.com`,
	`Subject: the password is hunter2`,
	`)`,
	`a4 OK Completed`,
	`<4<a5 IDLE`,
	`>0.001>+ idling`,
	`>600>* 8 EXISTS`,
	`<3<DONE`,
	`>0.004>a5 OK IDLE terminated`,
)

func TestSessionContents(t *testing.T) {
	s := fixture.New(t)
	s.Write(telRel+"/imap/jdoe/1795890000.1", richSession, time.Hour)
	s.Write(telRel+"/pop/jdoe/1795890100.2", session("jdoe",
		`>0.01>+OK ready`, `<0.2<USER jdoe`, `>0.01>+OK`, `<0.2<PASS hunter2`, `>0.9>+OK logged in`,
		`<0.1<RETR 1`, `>0.40>+OK`, `Subject: the password is hunter2`, `.`, `<0.1<QUIT`, `>0.001>+OK`), time.Hour)
	s.Write(telRel+"/http/jdoe/1795890200.3", session("jdoe",
		`<0.1<POST /login.msc?user=jdoe&password=hunter2 HTTP/1.1`, `Host: mail`, ``, `user=jdoe&password=hunter2`,
		`>1.25>HTTP/1.1 200 OK`, `Set-Cookie: session=abc`, `<2<GET /mbox.msc?sid=abc HTTP/1.1`, `>0.3>HTTP/1.1 200 OK`), time.Hour)
	for _, d := range []string{"imap/jdoe", "pop/jdoe", "http/jdoe"} {
		s.SetAge(telRel+"/"+d, time.Hour)
	}
	out := check(t, s)
	out.Expect(t, "TELEMETRY", 0)
	out.Contains(t,
		"imap: 11 responses in 2 sessions: server response max 2.75s (APPEND, user jdoe, session 1795890000.1), p95 2.75s",
		"pop: 5 responses in 1 session: server response max 0.9s (PASS, user jdoe, session 1795890100.2)",
		"http: 2 responses in 1 session: server response max 1.25s (POST, user jdoe, session 1795890200.3)",
		"imap response p95 2.75s max 2.75s - pop response p95 0.9s max 0.9s - http response p95 1.25s max 1.25s")
	perf(t, out, "imap_responses", 11) // 3 in the sample's session, 8 in jdoe's
	perf(t, out, "imap_response_max", 2.75)
	perf(t, out, "pop_response_p95", 0.9)
	perf(t, out, "http_response_max", 1.25)
	perf(t, out, "users", 2)
	perf(t, out, "captures", 4)
	verbose := check(t, s, "-v")
	verbose.Contains(t, "[OK] imap commands: APPEND 2x max 2.75s avg 1.376s, SELECT 2x max 0.31s avg 0.273s, UID FETCH 2x max 0.12s avg 0.119s,",
		"[OK] pop commands: PASS 1x max 0.9s avg 0.9s, RETR 1x max 0.4s avg 0.4s,")
	for _, secret := range []string{"hunter2", "Secret plans", "boss@", "login.msc", "sid=", "INBOX", "user=jdoe"} {
		if strings.Contains(out.Stdout+verbose.Stdout, secret) {
			t.Errorf("output shows session content %q:\n%s", secret, out.Stdout)
		}
	}
}

func TestResponseThresholds(t *testing.T) {
	tests := []struct {
		args    []string
		code    int
		summary string
	}{
		{[]string{"--response-warning", "0.2"}, 1, "imap response p95 0.236s max 0.236s"},
		{[]string{"--response-warning", "0.2", "--response-critical", "0.23"}, 2, "imap response p95 0.236s max 0.236s"},
		{[]string{"--response-warning", "1", "--response-max-critical", "0.1"}, 2, "imap response p95 0.236s max 0.236s"},
		{[]string{"--response-warning", "1", "--response-critical", "2"}, 0, ""},
	}
	for _, tc := range tests {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			out := check(t, fixture.New(t), tc.args...)
			out.Expect(t, "TELEMETRY", tc.code)
			if tc.summary != "" && out.Summary != tc.summary {
				t.Errorf("summary %q", out.Summary)
			}
			if p := out.Perf["imap_response_p95"]; len(tc.args) >= 2 && tc.args[0] == "--response-warning" && p.Warn != tc.args[1] {
				t.Errorf("p95 perfdata %+v", p)
			}
		})
	}
}

func TestUsersAndSize(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		code    int
		summary string
		line    string
	}{
		{"any capture warns with -w 0", []string{"-w", "0"}, 1, "1 user captured", "[WARNING] 1 user captured, outside the warning range 0"},
		{"critical range", []string{"-w", "0", "-c", "0"}, 2, "1 user captured", "outside the critical range 0"},
		{"within range", []string{"-w", "3"}, 0, "", ""},
		{"size warning", []string{"--size-warning", "500B"}, 1, "captures hold 574 B", "[WARNING] session files hold 574 B, over --size-warning 500 B"},
		{"size critical", []string{"--size-warning", "100", "--size-critical", "500"}, 2, "captures hold 574 B", "over --size-critical 500 B"},
		{"no size limit", []string{"--size-warning", "0", "--size-critical", "0"}, 0, "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out := check(t, fixture.New(t), tc.args...)
			out.Expect(t, "TELEMETRY", tc.code)
			if tc.summary != "" && out.Summary != tc.summary {
				t.Errorf("summary %q", out.Summary)
			}
			if tc.line != "" {
				out.Contains(t, tc.line)
			}
		})
	}
}

func TestBadFiles(t *testing.T) {
	s := fixture.New(t)
	s.Write(redbRel+"/garbage.bin", "\x00\x01PK\x03\x04\xff\xfe binary|junk\n", time.Hour)
	s.Write(redbRel+"/truncated", "LOGI", time.Hour)
	s.Write(redbRel+"/nodate", "LOGIN redb\n>0.1>1 OK\n", time.Hour)
	s.Write(redbRel+"/empty", "", time.Hour)
	s.Write(redbRel+"/cut-mid-session", session("redb", "<0.1<a1 SELECT INBOX", ">0.9>* 3 EXI"), time.Hour)
	if err := os.Symlink("/etc/shadow", s.Path(redbRel+"/link")); err != nil {
		t.Fatal(err)
	}
	os.Mkdir(s.Path(redbRel+"/subdir"), 0o755)
	s.SetAge(redbRel, 2*time.Hour)
	out := check(t, s)
	out.Expect(t, "TELEMETRY", 0)
	out.Contains(t,
		"imap/redb: capturing for 2h, 6 session files (",
		"2 other entries ignored",
		"[OK] imap/redb: 3 files not in the session format, not counted: ",
		"garbage.bin (first line is not LOGIN <user> <date> <time>)",
		"nodate (LOGIN line lacks the user, date or time)",
		"truncated (first line is not LOGIN <user> <date> <time>)",
		"imap: 4 responses in 2 sessions: server response max 0.9s (SELECT, user redb, session cut-mid-session)")
	perf(t, out, "unparsable", 3)
	perf(t, out, "files", 6)
	if strings.Contains(out.Stdout, "root:") || strings.Contains(out.Stdout, "PK") {
		t.Errorf("file contents leaked:\n%s", out.Stdout)
	}
}

func TestThousandsOfFiles(t *testing.T) {
	s := fixture.New(t)
	s.Remove(redbRel + "/1795881801.1")
	dir := s.Var("telemetry/imap/redb")
	now := time.Now()
	for i := range 3000 {
		name := filepath.Join(dir, fmt.Sprintf("%d.%d", 1795800000+i, i%7))
		content := session("redb", "<0.1<a1 SELECT INBOX", fmt.Sprintf(">%d.%03d>a1 OK", i/1000, i%1000))
		if i%10 == 0 {
			content = "garbage\n"
		}
		if err := os.WriteFile(name, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		mt := now.Add(-time.Duration(i) * time.Minute)
		os.Chtimes(name, mt, mt)
	}
	// And 400 forgotten POP captures: many more lines than 8 KiB holds.
	for i := range 400 {
		d := filepath.Join(s.Var("telemetry/pop"), fmt.Sprintf("user%03d", i))
		os.Mkdir(d, 0o755)
		mt := now.Add(-time.Duration(48+i) * time.Hour)
		os.Chtimes(d, mt, mt)
	}
	out := check(t, s)
	out.Expect(t, "TELEMETRY", 1)
	if out.Summary != "pop/user399 capturing for 18d15h, over 1d (+400 more)" {
		t.Errorf("summary %q", out.Summary)
	}
	last := out.Lines[len(out.Lines)-1]
	if !strings.HasPrefix(last, "... ") || !strings.HasSuffix(last, " more") {
		t.Errorf("long output not capped with a count: %q", last)
	}
	perf(t, out, "files", 3000)
	perf(t, out, "captures", 401)
	perf(t, out, "users", 401)
	perf(t, out, "unparsable", 200) // the 2000 newest are read, 1 in 10 is garbage
	// --max-sessions keeps the newest 2000: the oldest 1000 are not read.
	perf(t, out, "imap_responses", 1800)
	perf(t, out, "imap_response_max", 1.999)
	if out.Elapsed > 10*time.Second {
		t.Errorf("took %s", out.Elapsed)
	}

	out = check(t, s, "--max-sessions", "10", "--age-warning", "0", "-v")
	out.Expect(t, "TELEMETRY", 0)
	out.Contains(t, "[OK] 2990 session files not read (--max-sessions 10 reached): response times come from the 9 newest sessions")
	perf(t, out, "imap_responses", 9)
}

func TestReadBudgets(t *testing.T) {
	s := fixture.New(t)
	big := session("redb", "<0.1<a1 FETCH 1 BODY[]", ">0.5>* 1 FETCH (BODY[] {100000}", strings.Repeat("x", 100000), ")", "a1 OK", "<1<a2 NOOP", ">7>a2 OK")
	s.Write(redbRel+"/big", big, time.Minute)
	s.SetAge(redbRel, 2*time.Hour)

	out := check(t, s, "--max-read-per-file", "10KiB")
	out.Expect(t, "TELEMETRY", 0)
	out.Contains(t, "1 session file read only in part")
	perf(t, out, "imap_response_max", 0.5) // NOOP's 7 s lies past the cap

	out = check(t, s, "--max-read", "1KiB")
	out.Expect(t, "TELEMETRY", 0)
	out.Contains(t, "1 session file not read (--max-read 1 KiB reached)")

	out = check(t, s, "--no-sessions")
	out.Expect(t, "TELEMETRY", 0)
	out.Contains(t, "session files not read (--no-sessions)", "2 session files")
	if p := out.Perf["imap_response_max"]; !math.IsNaN(p.Value) {
		t.Errorf("response times with --no-sessions:\n%s", out.Stdout)
	}
}

func TestStrayEntries(t *testing.T) {
	s := fixture.New(t)
	os.MkdirAll(s.Path(telRel+"/smtp/redb"), 0o755)
	s.Write(telRel+"/notes.txt", "x", day)
	out := check(t, s)
	out.Expect(t, "TELEMETRY", 0)
	out.Contains(t, "notes.txt, smtp ignored (the server captures imap, pop and http only)")
	perf(t, out, "captures", 1)
}

func TestUnusableInput(t *testing.T) {
	tests := []struct {
		name  string
		setup func(s *fixture.Server)
		args  []string
		line1 string
	}{
		{"telemetry is a file", func(s *fixture.Server) {
			s.Remove(telRel)
			s.Write(telRel, "x", day)
		}, nil, "TELEMETRY UNKNOWN - " + "%s is not a directory"},
		{"unknown server user", nil, []string{"--server-user", "no-such-user"}, `TELEMETRY UNKNOWN - --server-user "no-such-user": no such user`},
		{"bad duration", nil, []string{"--age-warning", "soon"}, "TELEMETRY UNKNOWN - --age-warning: "},
		{"bad size", nil, []string{"--size-warning", "lots"}, "TELEMETRY UNKNOWN - --size-warning: "},
		{"bad range", nil, []string{"-w", "2:1"}, "TELEMETRY UNKNOWN - -w/--warning: "},
		{"negative max sessions", nil, []string{"--max-sessions", "-1"}, "TELEMETRY UNKNOWN - --max-sessions -1: must be 0 or more"},
		{"missing base", nil, []string{"-B", "/nonexistent/base"}, "TELEMETRY UNKNOWN - msg-svr-base /nonexistent/base (from --base) does not exist"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := fixture.New(t)
			if tc.setup != nil {
				tc.setup(s)
			}
			out := check(t, s, tc.args...)
			out.Expect(t, "TELEMETRY", 3)
			want := tc.line1
			if strings.Contains(want, "%s") {
				want = fmt.Sprintf(want, s.Base()+"/data/telemetry")
			}
			if !strings.HasPrefix(out.Line1, want) {
				t.Errorf("line 1 %q, want %q", out.Line1, want)
			}
			if len(out.Lines) != 0 {
				t.Errorf("more than one line:\n%s", out.Stdout)
			}
		})
	}
}

// TestRunAsNagios runs the binary as an unprivileged user, as Nagios does,
// against a capture the server user keeps private: the capture is still
// found and dated, and the check says UNKNOWN for what it could not read.
func TestRunAsNagios(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root to switch users")
	}
	s := fixture.New(t)
	bin := plugintest.Build(t, "check_telemetry")
	// Open the way to the sample and the binary for nobody.
	// Only the test's own temporary directories: never /tmp itself.
	for _, d := range []string{s.Root, filepath.Dir(s.Root), filepath.Dir(bin)} {
		os.Chmod(d, 0o755)
	}
	chown(t, s.Var("telemetry/imap/redb"), 4321, 4321, 0o700)
	s.SetAge(redbRel, 2*time.Hour)
	// A capture that can be listed but whose session is private.
	s.Write(telRel+"/pop/jdoe/1795890100.2", session("jdoe", ">0.01>+OK"), time.Hour)
	chown(t, s.Var("telemetry/pop/jdoe/1795890100.2"), 4321, 4321, 0o600)
	chown(t, s.Var("telemetry/pop/jdoe"), 4321, 4321, 0o755)
	cmd := exec.Command(bin, "-B", s.Base(), "--server-user", "4321")
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: nobody, Gid: nobody}}
	cmd.Env = []string{"PATH=/usr/bin:/bin"}
	b, err := cmd.Output()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	out := string(b)
	if code != 3 || !strings.HasPrefix(out, "TELEMETRY UNKNOWN - cannot list imap/redb (+1 more) | captures=2;") ||
		!strings.Contains(out, "[UNKNOWN] imap/redb: cannot list ") || !strings.Contains(out, "permission denied (run the check as root or as the server user)") ||
		!strings.Contains(out, "[OK] imap/redb: capturing for 2h, session files not counted") ||
		!strings.Contains(out, "[UNKNOWN] pop/jdoe: 1 session file unreadable: 1795890100.2 (permission denied)") ||
		!strings.Contains(out, "[OK] pop/jdoe: capturing for 1h, 1 session file (") {
		t.Fatalf("exit %d:\n%s", code, out)
	}
}

// TestDemoBrokenSample is the broken state the README gives for make demo:
// a forgotten capture whose newest session had a slow SELECT.
func TestDemoBrokenSample(t *testing.T) {
	s := fixture.New(t)
	tel := fixture.VarRel + "/telemetry/imap/redb"
	s.Write(tel+"/1796100000.4", "LOGIN redb 2026/11/28 16:40:02\n>0.019>1 OK User logged in\n"+
		"<0.051<3 select \"INBOX\"\n>4.212>* 1540 EXISTS\n3 OK [READ-WRITE] Completed\n", 20*time.Minute)
	s.SetAge(tel+"/1795881801.1", 72*time.Hour)
	s.SetAge(tel, 72*time.Hour)
	out := check(t, s, "--response-warning", "2")
	out.Expect(t, "TELEMETRY", 1)
	if out.Summary != "imap/redb capturing for 3d, over 1d (+1 more)" {
		t.Errorf("summary %q", out.Summary)
	}
	out.Contains(t, "[WARNING] imap: 5 responses in 2 sessions: server response max 4.212s (SELECT, user redb, session 1796100000.4)")
	perf(t, out, "imap_response_max", 4.212)
}
