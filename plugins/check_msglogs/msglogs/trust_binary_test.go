package msglogs

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/msgstore-plugins/msgstore/lib/plugin"
	"github.com/msgstore-plugins/msgstore/lib/plugintest"
)

// runPipe runs the plugin as Nagios does (stdout a pipe) without failing
// the test from a goroutine.
func (v *server) runPipe(args ...string) plugintest.Output {
	cmd := exec.Command(v.bin, append([]string{"-B", v.s.Base(), "--state-dir", v.state}, args...)...)
	cmd.Env = []string{"PATH=/usr/bin:/bin", "LC_ALL=C"}
	out, err := cmd.Output()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		return plugintest.Parse(-1, err.Error())
	}
	return plugintest.Parse(code, string(out))
}

func perfOr(o plugintest.Output, label string) float64 {
	if p, ok := o.Perf[label]; ok {
		return p.Value
	}
	return 0
}

// Overlapping runs of one check (a retry started while a run still reads)
// take turns on a log's state: 400 new lines are counted 400 times in all,
// never twice.
func TestBinaryOverlappingRunsCountEachLineOnce(t *testing.T) {
	v := newServer(t)
	v.run("-s", "imap").Expect(t, "MSGLOGS", 0)
	lines := make([]string, 400)
	for i := range lines {
		lines[i] = errLine
	}
	v.append("imap", lines...)
	const runs = 8
	outs := make([]plugintest.Output, runs)
	var wg sync.WaitGroup
	for i := range outs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			outs[i] = v.runPipe("-s", "imap", "-t", "20")
		}()
	}
	wg.Wait()
	total := 0.0
	for i, o := range outs {
		if o.Code != 0 && o.Code != 1 {
			t.Errorf("run %d: exit %d:\n%s", i, o.Code, o.Stdout)
		}
		total += perfOr(o, "imap_error")
	}
	if total != 400 {
		t.Fatalf("%d overlapping runs counted %g error lines in all, want exactly 400", runs, total)
	}
}

// A run that times out after reading a log reports nothing of what it
// read, so it must not move that log's position: the Critical line is
// reported by that run or by the next one, never lost. Here the stage that
// hangs is the next log's state file, a FIFO.
func TestBinaryTimeoutDoesNotLoseLines(t *testing.T) {
	v := newServer(t)
	v.run("-s", "imap,pop").Expect(t, "MSGLOGS", 0)
	pop, _ := filepath.Glob(filepath.Join(v.state, "check_msglogs.pop.*.json"))
	if len(pop) != 1 {
		t.Fatalf("pop state files %v", pop)
	}
	v.append("imap", critLine)
	os.Remove(pop[0])
	if err := unix.Mkfifo(pop[0], 0o600); err != nil {
		t.Fatal(err)
	}
	first := v.run("-s", "imap,pop", "-t", "2")
	os.Remove(pop[0])
	second := v.run("-s", "imap,pop", "-t", "2")
	if got := perfOr(first, "imap_critical") + perfOr(second, "imap_critical"); got != 1 {
		t.Fatalf("the Critical line was reported %g times over two runs, want 1:\n%s\n%s", got, first.Stdout, second.Stdout)
	}
	if first.Code == 0 || second.Code == 0 && perfOr(first, "imap_critical") == 0 {
		t.Fatalf("OK while a Critical line was unreported:\n%s\n%s", first.Stdout, second.Stdout)
	}
}

// The same, with the watchdog firing after the check has read everything
// (a stage that hangs after the reading): the next run reports the line.
func TestTimeoutAfterReadingKeepsPositions(t *testing.T) {
	v := newServer(t)
	v.run("-s", "imap").Expect(t, "MSGLOGS", 0)
	v.append("imap", critLine)
	hang := make(chan struct{})
	defer close(hang)
	spec := Spec()
	read := spec.Check
	spec.Check = func(env *plugin.Env) (*plugin.Result, error) {
		r, err := read(env)
		env.Stage("evaluating")
		<-hang
		return r, err
	}
	args := []string{"-B", v.s.Base(), "--state-dir", v.state, "-s", "imap", "-t", "1"}
	o := plugintest.RunSpec(t, spec, nil, args...)
	o.Expect(t, "MSGLOGS", 3)
	if !strings.Contains(o.Line1, "timed out after 1s while evaluating") {
		t.Fatalf("line 1: %s", o.Line1)
	}
	next := v.run("-s", "imap")
	next.Expect(t, "MSGLOGS", 2)
	perfValue(t, next, "imap_critical", 1)
}

// check_msgstore runs check_msglogs in-process; each keeps its own
// positions, so neither takes the other's new lines.
func TestBinaryInvokersKeepTheirOwnPositions(t *testing.T) {
	v := newServer(t)
	overview := plugintest.Build(t, "check_msgstore")
	runOverview := func() plugintest.Output {
		return plugintest.Run(t, overview, nil, "-B", v.s.Base(), "--state-dir", v.state, "--check", "msglogs", "--with", "msglogs=-s imap")
	}
	v.run("-s", "imap").Expect(t, "MSGLOGS", 0)
	runOverview()
	v.append("imap", critLine)
	alone := v.run("-s", "imap")
	alone.Expect(t, "MSGLOGS", 2)
	perfValue(t, alone, "imap_critical", 1)
	o := runOverview()
	if o.Code != 2 || !strings.Contains(o.Stdout, "imap: 1 critical") {
		t.Fatalf("check_msgstore after check_msglogs: exit %d:\n%s", o.Code, o.Stdout)
	}
	files, _ := filepath.Glob(filepath.Join(v.state, "check_msglogs.imap.via-check_msgstore.*.json"))
	if len(files) != 1 {
		t.Fatalf("check_msgstore's own state file: %v", files)
	}
}

// runInTerminal runs the plugin with stdout on a terminal and returns what
// it printed.
func (v *server) runInTerminal(t *testing.T, args ...string) plugintest.Output {
	t.Helper()
	m, s := openPTY(t)
	cmd := exec.Command(v.bin, append([]string{"-B", v.s.Base(), "--state-dir", v.state}, args...)...)
	cmd.Env = []string{"PATH=/usr/bin:/bin", "LC_ALL=C"}
	cmd.Stdout = s
	err := cmd.Run()
	s.Close()
	var b bytes.Buffer
	buf := make([]byte, 64<<10)
	for {
		n, rerr := m.Read(buf)
		b.Write(buf[:n])
		if rerr != nil || n == 0 {
			break
		}
	}
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return plugintest.Parse(code, strings.ReplaceAll(b.String(), "\r\n", "\n"))
}

// A run in a terminal shows the new lines without taking them from the
// scheduled check, unless --commit.
func TestBinaryInteractiveRunDoesNotConsume(t *testing.T) {
	v := newServer(t)
	v.run("-s", "imap").Expect(t, "MSGLOGS", 0)
	v.append("imap", critLine)
	look := v.runInTerminal(t, "-s", "imap")
	look.Expect(t, "MSGLOGS", 2)
	perfValue(t, look, "imap_critical", 1)
	look.Contains(t, "interactive run: positions not saved, give --commit to save")
	if !strings.Contains(look.Line1, "(interactive run: positions not saved, give --commit to save)") {
		t.Fatalf("line 1 does not say so: %s", look.Line1)
	}
	nagios := v.run("-s", "imap")
	nagios.Expect(t, "MSGLOGS", 2)
	perfValue(t, nagios, "imap_critical", 1)

	v.append("imap", critLine)
	commit := v.runInTerminal(t, "-s", "imap", "--commit")
	commit.Expect(t, "MSGLOGS", 2)
	if strings.Contains(commit.Stdout, "positions not saved") {
		t.Fatalf("--commit run says it did not save:\n%s", commit.Stdout)
	}
	after := v.run("-s", "imap")
	after.Expect(t, "MSGLOGS", 0)
	perfValue(t, after, "imap_critical", 0)
}

// A run as root in the monitoring user's state dir (a person trying the
// command line of a Nagios definition) is refused and leaves nothing there:
// the monitoring user's next run still reports the new line.
func TestBinaryRootRunLeavesTheUsersStateAlone(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root and another user")
	}
	v := newServer(t)
	runAsNobody(t, v, "-s", "imap").Expect(t, "MSGLOGS", 0)
	before, _ := os.ReadDir(v.state)
	v.append("imap", critLine)
	root := v.run("-s", "imap")
	root.Expect(t, "MSGLOGS", 3)
	if !strings.Contains(root.Line1, v.state) || !strings.Contains(root.Line1, "owned by uid 65534") {
		t.Fatalf("line 1 does not name the refused dir and its owner: %s", root.Line1)
	}
	if after, _ := os.ReadDir(v.state); len(after) != len(before) {
		t.Fatalf("the root run changed the user's state dir: %v -> %v", before, after)
	}
	o := runAsNobody(t, v, "-s", "imap")
	o.Expect(t, "MSGLOGS", 2)
	if !strings.Contains(o.Line1, "imap: 1 critical") {
		t.Fatalf("line 1: %s", o.Line1)
	}
}
