package plugin

import (
	"bytes"
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// committingSpec registers a commit and then returns, blocks until the
// watchdog fires, or registers one that fails.
func committingSpec(mode string, committed *atomic.Int32, release chan struct{}) Spec {
	o := &testOptions{}
	return Spec{
		Name: "check_test", Service: "TEST", Options: o,
		Check: func(env *Env) (*Result, error) {
			env.OnCommit(func() error { committed.Add(1); return nil })
			if mode == "fail" {
				env.OnCommit(func() error { return errors.New("disk full") })
			}
			if mode == "hang-commit" {
				env.OnCommit(func() error { <-release; return nil })
			}
			r := &Result{Summary: "2 critical lines"}
			r.Add(CRITICAL, "2 critical lines")
			if mode == "block" {
				env.Stage("evaluating")
				<-release // a stage that hangs after the reading
			}
			return r, nil
		},
	}
}

// A check's commits run only when its own result is printed: never after
// the watchdog printed UNKNOWN in its place, and their failure is UNKNOWN.
func TestCommitOnlyWithTheCheckResult(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	cases := []struct {
		mode      string
		args      []string
		code      int
		line1     string
		committed int
	}{
		{"", nil, 2, "TEST CRITICAL - 2 critical lines", 1},
		{"block", []string{"-t", "1"}, 3, "TEST UNKNOWN - timed out after 1s while evaluating", 0},
		{"fail", nil, 2, "TEST CRITICAL - 2 critical lines - cannot save state: disk full", 1},
		// Saving hangs (a state dir on a dead NFS mount): the result is
		// printed at the timeout all the same, saying the state was not saved.
		{"hang-commit", []string{"-t", "1"}, 2, "TEST CRITICAL - 2 critical lines - cannot save state: timed out after 1s", 1},
	}
	for _, c := range cases {
		var committed atomic.Int32
		var out bytes.Buffer
		code := Execute(committingSpec(c.mode, &committed, release), c.args, &out, &out, func(string) string { return "" })
		line1, _, _ := strings.Cut(out.String(), "\n")
		if n := int(committed.Load()); code != c.code || line1 != c.line1 || n != c.committed {
			t.Errorf("mode %q: exit %d, %q, %d commits; want %d, %q, %d", c.mode, code, line1, committed.Load(), c.code, c.line1, c.committed)
		}
	}
}

// A check run inside another commits with the outer run, once, and only
// when its caller hands its commits on (its result is reported): one given
// up on at its deadline never commits.
func TestSubEnvCommitsWithParent(t *testing.T) {
	now := time.Unix(1795881600, 0)
	parent := NewTestEnv(now, nil)
	n := 0
	reported := parent.SubEnv(0, now.Add(time.Second))
	reported.OnCommit(func() error { n++; return nil })
	expired := parent.SubEnv(0, now.Add(time.Second))
	expired.OnCommit(func() error { n += 100; return nil })
	expired.Expire()
	parent.CommitWith(reported)
	if err := parent.Commit(); err != nil || n != 1 {
		t.Fatalf("commit: %v, n = %d, want 1 (the reported sub-check only)", err, n)
	}
	late := parent.SubEnv(0, now.Add(time.Second))
	late.OnCommit(func() error { n++; return nil })
	parent.CommitWith(late)
	parent.Commit()
	if n != 1 {
		t.Fatal("a commit registered after the result was printed ran")
	}
}

func TestInteractiveOnlyForATerminal(t *testing.T) {
	var b bytes.Buffer
	if isTerminal(&b) {
		t.Error("a buffer is not a terminal")
	}
}
