package msgqueue

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/msgstore-plugins/msgstore/lib/plugintest"
	"github.com/msgstore-plugins/msgstore/lib/state"
	"github.com/msgstore-plugins/msgstore/lib/trend"
)

// The built binary, as Nagios runs it.

func TestBinaryHealthy(t *testing.T) {
	bin := plugintest.Build(t, "check_msgqueue")
	s, args := sample(t)
	out := plugintest.Run(t, bin, nil, args...)
	out.Expect(t, "MSGQUEUE", 0)
	if out.Summary != "2 messages waiting in 2 channels, oldest 1d in ims-ms" {
		t.Errorf("summary %q", out.Summary)
	}
	if out.Perf["messages"].Value != 2 || out.Perf["ims-ms_messages"].Value != 1 || out.Perf["tcp_local_oldest"].Unit != "s" {
		t.Errorf("perfdata %+v", out.Perf)
	}
	// $MSG_SVR_BASE is honoured like --base.
	out = plugintest.Run(t, bin, []string{"MSG_SVR_BASE=" + s.Base()}, "--no-growth")
	out.Expect(t, "MSGQUEUE", 0)
}

func TestBinaryBroken(t *testing.T) {
	bin := plugintest.Build(t, "check_msgqueue")
	s, args := sample(t)
	queueTree(s)
	out := plugintest.Run(t, bin, nil, append(args, "--channel-critical", "ims-ms=2", "--age-warning", "1d", "--held-warning", "0")...)
	out.Expect(t, "MSGQUEUE", 2)
	if out.Summary != "ims-ms: 3 messages waiting (critical 2) (+2 more)" {
		t.Errorf("summary %q", out.Summary)
	}
	if len(out.Lines) < 3 || !strings.HasPrefix(out.Lines[0], "[CRITICAL] ims-ms: 3 messages") ||
		!strings.HasPrefix(out.Lines[1], "[WARNING] tcp_local: 3 messages") {
		t.Errorf("long output not worst first:\n%s", out.Stdout)
	}
	if p := out.Perf["ims-ms_messages"]; p.Crit != "2" || p.Value != 3 {
		t.Errorf("ims-ms_messages %+v", p)
	}
}

// TestBinaryGrowth seeds the history as earlier runs would have left it,
// then runs the binary once more with ims-ms holding 480 messages.
func TestBinaryGrowth(t *testing.T) {
	bin := plugintest.Build(t, "check_msgqueue")
	s, args := sample(t)
	s.Remove(queueRel + "/ims-ms")
	setCount(t, s, "ims-ms", 480)
	dir := args[len(args)-1]
	now := time.Now()
	h := &trend.History{}
	// Earlier runs 29m, 24m, ... 4m ago (a minute's slack for a slow
	// machine between seeding and running).
	for i := 6; i >= 1; i-- {
		at := now.Add(-time.Duration(i)*5*time.Minute + time.Minute)
		h.Add(at, float64(480-60*i), growthLimits(30*time.Minute))
	}
	st := growthState{Channels: map[string]*trend.History{"ims-ms": h}}
	if err := state.Save(dir, state.Key("check_msgqueue", "growth", s.Var("queue")), st); err != nil {
		t.Fatal(err)
	}
	out := plugintest.Run(t, bin, nil, args...)
	out.Expect(t, "MSGQUEUE", 1)
	if !strings.HasPrefix(out.Summary, "ims-ms queue growing: 120 -> 480 messages in 29m") {
		t.Errorf("summary %q", out.Summary)
	}
	if g := out.Perf["ims-ms_growth_per_hour"].Value; g < 700 || g > 740 {
		t.Errorf("growth per hour %v", g)
	}
}

func TestBinaryUsage(t *testing.T) {
	bin := plugintest.Build(t, "check_msgqueue")
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"--channel-warning", "ims-ms"}, `invalid "ims-ms": expected CHANNEL=VALUE`},
		{[]string{"--bogus"}, "unknown option --bogus"},
		{[]string{"-B", "/nonexistent/x"}, "msg-svr-base /nonexistent/x (from --base) does not exist"},
		{[]string{"--queue-dir", "/nonexistent/q", "--no-growth"}, "cannot read the MTA queue /nonexistent/q (--queue-dir): does not exist"},
	}
	for _, tt := range tests {
		out := plugintest.Run(t, bin, nil, tt.args...)
		out.Expect(t, "MSGQUEUE", 3)
		out.Contains(t, tt.want)
		if len(out.Lines) != 0 {
			t.Errorf("%v: more than one line:\n%s", tt.args, out.Stdout)
		}
	}
	help := plugintest.Run(t, bin, nil, "--help")
	if help.Code != 3 || !strings.Contains(help.Stdout, "--channel-warning=CHANNEL=RANGE") || !strings.Contains(help.Stdout, "(default: ims-ms)") {
		t.Errorf("help:\n%s", help.Stdout)
	}
}

func TestBinaryTimeout(t *testing.T) {
	// A queue on a hung NFS server is simulated with a FIFO where the
	// queue directory should be: opening it blocks.
	bin := plugintest.Build(t, "check_msgqueue")
	dir := t.TempDir()
	fifo := filepath.Join(dir, "queue")
	if err := mkfifo(fifo); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	out := plugintest.Run(t, bin, nil, "--queue-dir", fifo, "--no-growth", "-t", "1")
	out.Expect(t, "MSGQUEUE", 3)
	out.Contains(t, fmt.Sprintf("timed out after 1s while reading %s", fifo))
	if out.Elapsed > 5*time.Second {
		t.Errorf("took %v", out.Elapsed)
	}
}
