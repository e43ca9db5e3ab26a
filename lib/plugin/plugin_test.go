package plugin

import (
	"bytes"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/msgstore-plugins/msgstore/lib/threshold"

	"golang.org/x/sys/unix"
)

type testOptions struct {
	Common
	Warning  threshold.Range `short:"w" long:"warning" default:"5" description:"warning range"`
	Critical threshold.Range `short:"c" long:"critical" default:"10" description:"critical range"`
	Value    float64         `long:"value" description:"the value to check"`
	Mode     string          `long:"mode" description:"what the test check does"`
	File     string          `long:"file" description:"a file to open"`
}

func testSpec(o *testOptions) Spec {
	return Spec{
		Name: "check_test", Service: "TEST", Description: "A test plugin.",
		Examples: []string{"check_test -w 5 -c 10"}, Options: o,
		Check: func(env *Env) (*Result, error) {
			switch o.Mode {
			case "panic":
				env.Stage("exploding")
				var m map[string]int
				m["x"]++
			case "fail":
				return nil, Criticalf("partition primary: /x is missing")
			case "block":
				env.Stage("reading %s", o.File)
				f, err := os.Open(o.File) // a FIFO: blocks until a writer appears
				if err == nil {
					f.Close()
				}
			case "nil":
				return nil, nil
			}
			r := &Result{}
			r.Add(threshold.Evaluate(o.Value, o.Warning, o.Critical), "value is %g", o.Value)
			r.AddPerf(NewPerf("value", o.Value, "").Thresholds(o.Warning, o.Critical))
			return r, nil
		},
	}
}

func run(t *testing.T, args ...string) (int, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := Execute(testSpec(&testOptions{}), args, &out, &errOut, func(string) string { return "" })
	return code, out.String()
}

func TestExecute(t *testing.T) {
	tests := []struct {
		name     string
		args     []string
		code     int
		line1    string // prefix of line 1
		contains string
	}{
		{"ok", []string{"--value", "3"}, 0, "TEST OK - value is 3 | value=3;5;10;;", ""},
		{"warning", []string{"--value", "6"}, 1, "TEST WARNING - value is 6 | value=6;5;10;;", ""},
		{"critical", []string{"--value=11"}, 2, "TEST CRITICAL - value is 11", ""},
		{"negative range with space", []string{"-w", "-10:-2", "-c", "~:0", "--value", "-5"}, 0, "TEST OK - value is -5 | value=-5;-10:-2;~:0;;", ""},
		{"negative range outside", []string{"-w", "-10:-2", "-c", "~:0", "--value", "-1"}, 1, "TEST WARNING", ""},
		{"bad range", []string{"-w", "2:1"}, 3, "TEST UNKNOWN - -w/--warning: invalid range", "2:1"},
		{"empty range", []string{"-w", ""}, 3, "TEST UNKNOWN - ", "empty range"},
		{"nan range", []string{"-c", "nan"}, 3, "TEST UNKNOWN - ", "nan"},
		{"at range", []string{"-c=@"}, 3, "TEST UNKNOWN - ", "invalid range"},
		{"unknown option", []string{"--frobnicate"}, 3, "TEST UNKNOWN - unknown option --frobnicate", "--help"},
		{"missing value", []string{"--value"}, 3, "TEST UNKNOWN - --value needs a value", ""},
		{"percent in value", []string{"--mode", "-5%"}, 3, "TEST UNKNOWN - --mode needs a value, but got `-5%'", ""},
		{"positional", []string{"foo"}, 3, "TEST UNKNOWN - unexpected argument \"foo\"", ""},
		{"zero timeout", []string{"-t", "0"}, 3, "TEST UNKNOWN - --timeout must be greater than 0", ""},
		{"bad timeout", []string{"-t", "soon"}, 3, "TEST UNKNOWN - -t/--timeout: invalid duration", ""},
		{"version", []string{"-V"}, 3, "check_test dev", ""},
		{"help", []string{"--help"}, 3, "check_test dev, msgstore plugins", "-t, --timeout=SECONDS"},
		{"failure", []string{"--mode", "fail"}, 2, "TEST CRITICAL - partition primary: /x is missing", ""},
		{"panic", []string{"--mode", "panic"}, 3, "TEST UNKNOWN - internal error while exploding: assignment to entry in nil map", ""},
		{"nil result", []string{"--mode", "nil"}, 3, "TEST UNKNOWN - internal error: the check returned no result", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, out := run(t, tc.args...)
			if code != tc.code {
				t.Errorf("exit code %d, want %d; output:\n%s", code, tc.code, out)
			}
			line1 := strings.SplitN(out, "\n", 2)[0]
			if !strings.HasPrefix(line1, tc.line1) {
				t.Errorf("line 1 = %q, want prefix %q", line1, tc.line1)
			}
			if !strings.Contains(out, tc.contains) {
				t.Errorf("output %q does not contain %q", out, tc.contains)
			}
			if strings.Contains(out, "goroutine") || strings.Contains(out, "panic:") {
				t.Errorf("Go trace on stdout: %s", out)
			}
		})
	}
}

func TestHelpShowsDefaultsAndExamples(t *testing.T) {
	_, out := run(t, "-h")
	for _, want := range []string{"-B, --base=DIR", "(default: 10)", "-w, --warning=", "(default: 5)", "Examples:", "check_test -w 5 -c 10", "Exit codes:"} {
		if !strings.Contains(out, want) {
			t.Errorf("--help lacks %q:\n%s", want, out)
		}
	}
}

func TestTimeoutWhileBlockedInOpen(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "msg.conf")
	if err := unix.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	// Unblock the leaked goroutine when the test ends.
	t.Cleanup(func() {
		if f, err := os.OpenFile(fifo, os.O_WRONLY|syscall.O_NONBLOCK, 0); err == nil {
			f.Close()
		}
	})
	start := time.Now()
	code, out := run(t, "--mode", "block", "--file", fifo, "-t", "1")
	if code != 3 {
		t.Fatalf("exit %d, want 3: %s", code, out)
	}
	want := "TEST UNKNOWN - timed out after 1s while reading " + fifo
	if strings.TrimSpace(out) != want {
		t.Fatalf("got %q, want %q", out, want)
	}
	if d := time.Since(start); d > 30*time.Second {
		t.Fatalf("watchdog did not fire (%v)", d)
	}
}

func TestTimeoutRunsHooksAndCancelsContext(t *testing.T) {
	var hooked bool
	spec := Spec{Name: "check_hook", Service: "HOOK", Options: &testOptions{}, Check: func(env *Env) (*Result, error) {
		env.OnTimeout(func() { hooked = true })
		env.Stage("waiting for a child")
		<-env.Context().Done()
		select {} // keep blocking, as a stuck syscall would
	}}
	var out bytes.Buffer
	code := Execute(spec, []string{"-t", "0.2"}, &out, &out, func(string) string { return "" })
	if code != 3 || !hooked || !strings.HasPrefix(out.String(), "HOOK UNKNOWN - timed out after 0s while waiting for a child") {
		t.Fatalf("code %d hooked %v out %q", code, hooked, out.String())
	}
}

func TestRenderOrdersAndCaps(t *testing.T) {
	r := &Result{}
	r.Add(OK, "fine one")
	r.Add(CRITICAL, "bad | thing\nwith newline \x1b[31mred")
	r.Add(WARNING, "meh")
	out := Render("X", r)
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if lines[0] != "X CRITICAL - bad ¦ thing with newline ?[31mred" {
		t.Errorf("line 1 = %q", lines[0])
	}
	if lines[1] != "[CRITICAL] bad ¦ thing with newline ?[31mred" || lines[2] != "[WARNING] meh" || lines[3] != "[OK] fine one" {
		t.Errorf("long output not worst first or not sanitised: %q", lines[1:])
	}

	big := &Result{Status: WARNING, Summary: "many"}
	for i := 0; i < 5000; i++ {
		big.Lines = append(big.Lines, Line{Status: OK, Text: strings.Repeat("x", 100)})
		big.Perf = append(big.Perf, NewPerf("item"+strings.Repeat("y", 10), float64(i), "B"))
	}
	out = Render("X", big)
	if len(out) >= 8192 || len(out) > MaxOutputBytes {
		t.Fatalf("output is %d bytes", len(out))
	}
	if !regexpMatch(`\n\.\.\. \d+ more\n\|item`, out) {
		t.Errorf("capped output does not say how many lines were left out before the last perfdata line: %q", out[len(out)-200:])
	}
	all := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	line1, last := all[0], all[len(all)-1]
	if len(line1) > MaxLine1Bytes {
		t.Errorf("line 1 is %d bytes, over %d (NRPE 2)", len(line1), MaxLine1Bytes)
	}
	if !strings.HasPrefix(last, "|item") {
		t.Fatalf("perfdata that does not fit line 1 must follow on a last '|' line: %q", last)
	}
	items := append(strings.Fields(strings.SplitN(line1, " | ", 2)[1]), strings.Fields(last[1:])...)
	for i, item := range items {
		if strings.Count(item, ";") != 4 || !strings.HasPrefix(item, "itemyyyyyyyyyy=") {
			t.Errorf("perfdata item cut in half: %q", item)
		}
		if want := fmt.Sprintf("itemyyyyyyyyyy=%dB;;;;", i); item != want {
			t.Fatalf("item %d is %q, want %q: order lost", i, item, want)
		}
	}
	if len(items) < 300 {
		t.Errorf("only %d perfdata items kept", len(items))
	}
}

func TestRenderShortPerfdataStaysOnLine1(t *testing.T) {
	r := &Result{Summary: "fine"}
	r.Add(OK, "item")
	r.AddPerf(NewPerf("a", 1, ""), NewPerf("b", 2, "s"))
	if got := Render("X", r); got != "X OK - fine | a=1;;;; b=2s;;;;\n[OK] item\n" {
		t.Fatalf("got %q", got)
	}
}

func TestPerfString(t *testing.T) {
	nan := math.NaN()
	tests := []struct {
		p    Perf
		want string
	}{
		{NewPerf("primary", 1234, "B").Bounds(0, 5000), "primary=1234B;;;0;5000"},
		{Perf{Label: "free pct", Value: 12.5, Unit: "%", Warn: "25:", Crit: "10:", Min: 0, Max: 100}, "'free pct'=12.5%;25:;10:;0;100"},
		{Perf{Label: "it's", Value: 1, Min: nan, Max: nan}, "'it''s'=1;;;;"},
		{Perf{Label: "a=b|c", Value: 0.000001, Min: nan, Max: nan}, "a_b_c=0.000001;;;;"},
		{Perf{Label: "age", Value: 1e15, Unit: "s", Warn: "300", Crit: "900", Min: 0, Max: nan}, "age=1000000000000000s;300;900;0;"},
		{Perf{Label: "bad unit", Value: 3, Unit: "files", Min: nan, Max: nan}, "'bad unit'=3;;;;"},
		{Perf{Label: "nan", Value: nan, Min: nan, Max: nan}, "nan=U;;;;"},
		{NewPerf("newest_core_age", Unknown, "s").Bounds(0, nan), "newest_core_age=U;;;0;"},
		{NewPerf("free pct", math.Inf(1), "%").Bounds(0, 100).Thresholds(rs("25:"), rs("10:")), "'free pct'=U;25:;10:;0;100"},
		{NewPerf("a;b", Unknown, "").Bounds(nan, nan), "'a;b'=U;;;;"},
	}
	for _, tc := range tests {
		if got := tc.p.String(); got != tc.want {
			t.Errorf("got %q, want %q", got, tc.want)
		}
	}
}

func TestWorst(t *testing.T) {
	for _, tc := range []struct {
		in   []Status
		want Status
	}{
		{nil, OK}, {[]Status{OK, UNKNOWN}, UNKNOWN}, {[]Status{UNKNOWN, WARNING}, WARNING},
		{[]Status{WARNING, CRITICAL, UNKNOWN}, CRITICAL},
	} {
		if got := Worst(tc.in...); got != tc.want {
			t.Errorf("Worst(%v) = %v, want %v", tc.in, got, tc.want)
		}
	}
}

func TestSanitizeAndTruncate(t *testing.T) {
	if got := Sanitize("a\xffb|c\td\x07"); got != "a\uFFFDb¦c d?" {
		t.Errorf("Sanitize = %q", got)
	}
	if got := Truncate("héllo world", 5); got != "h..." {
		t.Errorf("Truncate = %q", got)
	}
}

// Nagios replaces ';' in plugin output with ':': line 1's text has none,
// whatever the check wrote; the perfdata keeps its own ';' separators and
// long output is left as written.
func TestLine1HasNoSemicolon(t *testing.T) {
	r := &Result{Status: WARNING, Summary: "ready; checkpoint 20s ago; file a;b",
		Perf:  []Perf{NewPerf("x", 1, "").Bounds(0, 2)},
		Lines: []Line{{Status: WARNING, Text: "item; with detail"}}}
	out := Render("TEST", r)
	line1, rest, _ := strings.Cut(out, "\n")
	text, perf, _ := strings.Cut(line1, " | ")
	if text != "TEST WARNING - ready - checkpoint 20s ago - file a,b" {
		t.Errorf("line 1 text %q", text)
	}
	if perf != "x=1;;;0;2" {
		t.Errorf("perfdata %q", perf)
	}
	if !strings.Contains(rest, "[WARNING] item; with detail") {
		t.Errorf("long output changed: %q", rest)
	}
}

type rs string

func (r rs) String() string { return string(r) }
