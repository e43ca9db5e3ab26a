package main

import (
	"fmt"
	"golang.org/x/sys/unix"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/msgstore-plugins/msgstore/lib/fixture"
	"github.com/msgstore-plugins/msgstore/lib/plugintest"
)

// One check stuck on a hung file system does not hide the others. stored
// -t blocks opening a FIFO, as it would reading from a dead NFS mount:
// stored is UNKNOWN at its own deadline, inside the overall timeout,
// saying what it was doing, its stored -t is killed, and the other seven
// checks report what they found. Line 1 and the exit code are the worst;
// the checks stay in registry order within each state.
func TestOneHungCheckDoesNotHideTheOthers(t *testing.T) {
	plugintest.RequireProc(t)
	bin := plugintest.Build(t, "check_msgstore")
	s := fixture.New(t)
	if err := s.Break(); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	fifo, pidfile := filepath.Join(dir, "fifo"), filepath.Join(dir, "pid")
	if err := unix.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	storedCmd := filepath.Join(dir, "stored")
	if err := os.WriteFile(storedCmd, []byte(fmt.Sprintf("#!/bin/sh\necho $$ > %s\nexec cat %s\n", pidfile, fifo)), 0o755); err != nil {
		t.Fatal(err)
	}
	out := plugintest.Run(t, bin, nil, "-B", s.Base(), "--state-dir", t.TempDir(), "--format", "nagios", "-t", "10",
		"--with", "cores=--core-dir "+s.Path("var/cores"), "--with", "telemetry=--response-warning 2",
		"--with", "msgqueue=--channel-warning ims-ms=50 --held-warning 0", "--with", "stored=--stored-cmd "+storedCmd)
	out.Expect(t, "MSGSTORE", 2)
	if want := "4 critical (disk, procs, dblogs, folders), 3 warning (telemetry, cores, msgqueue), 1 unknown (stored) of 9 checks"; out.Summary != want {
		t.Errorf("summary %q, want %q", out.Summary, want)
	}
	pid := plugintest.WaitForPids(t, pidfile, 1)[0]
	out.Contains(t, fmt.Sprintf("[UNKNOWN] stored: timed out after 9s while running %s -t (pid %d)", storedCmd, pid),
		"[CRITICAL] dblogs: 12 database logs", "[CRITICAL] folders: 3 damaged folders",
		"[WARNING] cores: 2 cores: imapd (pid 4711, 3h ago), stored (pid 28250, 2d ago)", "[OK] msglogs: first check of 7 logs")
	var names []string
	for _, l := range out.Lines {
		_, rest, _ := strings.Cut(l, "] ")
		name, _, _ := strings.Cut(rest, ":")
		names = append(names, name)
	}
	if got := strings.Join(names, ","); got != "disk,procs,dblogs,folders,telemetry,cores,msgqueue,stored,msglogs" {
		t.Errorf("checks in order %s:\n%s", got, out.Stdout)
	}
	for _, label := range []string{"disk.primary+mboxlist+queue_used", "dblogs.logs", "folders.damaged_folders", "cores.cores", "msgqueue.held"} {
		if _, ok := out.Perf[label]; !ok {
			t.Errorf("perfdata %s missing", label)
		}
	}
	plugintest.WaitGone(t, []int{pid})
}

// The same with a FIFO in place of msg.conf, which several checks read as
// a file: each of those is UNKNOWN at its deadline naming the FIFO, the
// others report, and the worst state wins.
func TestFIFOInPlaceOfMsgConf(t *testing.T) {
	bin := plugintest.Build(t, "check_msgstore")
	s := fixture.New(t)
	fifo := s.Path(fixture.VarRel + "/config/msg.conf")
	s.Remove(fixture.VarRel + "/config/msg.conf")
	if err := unix.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	out := plugintest.Run(t, bin, nil, "-B", s.Base(), "--state-dir", t.TempDir(), "--format", "nagios", "-t", "10")
	out.Expect(t, "MSGSTORE", 2) // stored: the sample's pid is not running here
	blocked := 0
	for _, l := range out.Lines {
		if strings.HasPrefix(l, "[UNKNOWN] ") {
			if !strings.HasSuffix(l, ": timed out after 9s while reading "+filepath.Join(s.Base(), "config", "msg.conf")) {
				t.Errorf("UNKNOWN line does not name the FIFO: %q", l)
			}
			blocked++
		}
	}
	if blocked == 0 || blocked == 9 || len(out.Lines) != 9 {
		t.Errorf("%d of %d checks blocked, want some, not all:\n%s", blocked, len(out.Lines), out.Stdout)
	}
	out.Contains(t, "[CRITICAL] stored: ", "[OK] folders: ", "[OK] dblogs: ")
}
