package stored_test

import (
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/msgstore-plugins/msgstore/lib/fixture"
	"github.com/msgstore-plugins/msgstore/lib/plugintest"
)

const (
	checkFileAge = "/usr/lib/nagios/plugins/check_file_age"
	checkProcs   = "/usr/lib/nagios/plugins/check_procs"
	pluginsDeb   = "monitoring-plugins-basic"
)

var fileAgeRE = regexp.MustCompile(`\| age=(-?[0-9]+)s;`)

// TestAgreesWithCheckFileAge: for each stamp, fresh, past warning, past
// critical and missing, check_file_age with the same thresholds in seconds
// reports the same age (within the second or two between the runs) and the
// same state. (A stamp in the future is where the two differ on purpose:
// check_file_age calls it OK at a negative age; check_stored warns.)
func TestAgreesWithCheckFileAge(t *testing.T) {
	t.Parallel()
	tool := plugintest.RequireTool(t, checkFileAge, pluginsDeb)
	stampsTable := []struct {
		key, file        string
		warn, crit       int // seconds, the check_stored defaults
		fresh, mid, late time.Duration
	}{
		{"ckp", "stored.ckp", 300, 900, 20 * time.Second, 7 * time.Minute, 23 * time.Minute},
		{"lcu", "stored.lcu", 900, 3600, 2 * time.Minute, 20 * time.Minute, 3 * time.Hour},
		{"per", "stored.per", 7200, 14400, 25 * time.Minute, 3 * time.Hour, 5 * time.Hour},
	}
	for _, st := range stampsTable {
		for _, age := range []time.Duration{st.fresh, st.mid, st.late, 0} {
			t.Run(fmt.Sprintf("%s %v", st.file, age), func(t *testing.T) {
				t.Parallel()
				s := fixture.New(t)
				startStored(t, s, "ready", time.Hour)
				rel := fixture.VarRel + "/config/" + st.file
				if age == 0 {
					s.Remove(rel)
				} else {
					s.SetAge(rel, age)
				}
				ours := run(t, "-B", s.Base())
				cmd := exec.Command(tool, "-w", strconv.Itoa(st.warn), "-c", strconv.Itoa(st.crit), "-f", s.Path(rel))
				b, _ := cmd.CombinedOutput()
				theirs := cmd.ProcessState.ExitCode()
				if theirs != ours.Code {
					t.Errorf("check_file_age exit %d, check_stored exit %d\n%s\n%s", theirs, ours.Code, b, ours.Stdout)
				}
				m := fileAgeRE.FindSubmatch(b)
				p, ok := ours.Perf[st.key+"_age"]
				if age == 0 {
					if m != nil || ok {
						t.Errorf("a missing stamp has no age:\n%s\n%s", b, ours.Line1)
					}
					return
				}
				if m == nil || !ok {
					t.Fatalf("no age to compare:\n%s\n%s", b, ours.Line1)
				}
				theirAge, _ := strconv.ParseFloat(string(m[1]), 64)
				if d := theirAge - p.Value; d < 0 || d > 2 {
					t.Errorf("check_file_age says %vs, check_stored %vs (ran first, so at most 2s less)", theirAge, p.Value)
				}
				if p.Warn != strconv.Itoa(st.warn) || p.Crit != strconv.Itoa(st.crit) {
					t.Errorf("thresholds %s;%s, want %d;%d as check_file_age's", p.Warn, p.Crit, st.warn, st.crit)
				}
			})
		}
	}
}

var procsRE = regexp.MustCompile(`^PROCS (OK|WARNING|CRITICAL): ([0-9]+) process`)

// TestAgreesWithCheckProcs: check_procs -C stored (the kernel's command
// name, as check_stored reads it) finds the same process check_stored
// accepts, and none when check_stored says stored is dead or the pid file
// is stale. A unique sleep argument (-a) keeps other tests' processes out
// of the count.
func TestAgreesWithCheckProcs(t *testing.T) {
	t.Parallel()
	tool := plugintest.RequireTool(t, checkProcs, pluginsDeb)
	arg := fmt.Sprintf("%d.%d", 3600+os.Getpid()%1000, time.Now().UnixNano()%1000000)
	procs := func(t *testing.T, name string) (int, string) {
		t.Helper()
		b, _ := exec.Command(tool, "-C", name, "-a", arg, "-c", "1:1").CombinedOutput()
		m := procsRE.FindSubmatch(b)
		if m == nil {
			t.Fatalf("check_procs said: %s", b)
		}
		n, _ := strconv.Atoi(string(m[2]))
		return n, string(b)
	}

	s := fixture.New(t)
	cmd := start(t, fakeStored, arg)
	s.Write(pidRel, fmt.Sprintf("%d ready\n", cmd.Process.Pid), time.Hour)
	ours := run(t, "-B", s.Base())
	n, said := procs(t, "stored")
	if ours.Code != 0 || n != 1 || ours.Perf["stored_running"].Value != 1 {
		t.Errorf("live stored: check_procs counts %d, check_stored exit %d\n%s\n%s", n, ours.Code, said, ours.Stdout)
	}

	// The same pid once stored has gone: both see no stored.
	cmd.Process.Kill()
	cmd.Wait()
	ours = run(t, "-B", s.Base())
	n, said = procs(t, "stored")
	if ours.Code != 2 || n != 0 || ours.Perf["stored_running"].Value != 0 {
		t.Errorf("dead stored: check_procs counts %d, check_stored exit %d\n%s\n%s", n, ours.Code, said, ours.Stdout)
	}

	// A live pid of another program: check_procs finds it under its own
	// name and no stored; check_stored calls the pid file stale.
	other := start(t, fakeOther, arg)
	s.Write(pidRel, fmt.Sprintf("%d ready\n", other.Process.Pid), time.Hour)
	ours = run(t, "-B", s.Base())
	nStored, said := procs(t, "stored")
	nOther, _ := procs(t, "other")
	if ours.Code != 2 || nStored != 0 || nOther != 1 {
		t.Errorf("recycled pid: check_procs counts %d stored, %d other; check_stored exit %d\n%s\n%s", nStored, nOther, ours.Code, said, ours.Stdout)
	}
	ours.Contains(t, "stale pid file")
}
