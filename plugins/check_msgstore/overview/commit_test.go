package overview

import (
	"strings"
	"testing"
	"time"

	"github.com/msgstore-plugins/msgstore/lib/plugin"
)

// testOptions are a check's options with nothing but the common ones.
type testOptions struct{ plugin.Common }

// consumer is a check that consumes something (as check_msglogs consumes
// new log lines): it registers a commit, then hangs when hang is set.
func consumer(name string, hang <-chan struct{}, committed *[]string) check {
	return check{name: name, spec: func() plugin.Spec {
		return plugin.Spec{Name: "check_" + name, Service: "TEST", Options: &testOptions{},
			Check: func(env *plugin.Env) (*plugin.Result, error) {
				env.OnCommit(func() error { *committed = append(*committed, name); return nil })
				if hang != nil {
					env.Stage("hanging")
					<-hang
				}
				return &plugin.Result{Status: plugin.CRITICAL, Summary: "1 new critical line"}, nil
			}}
	}}
}

// A check given up on at its deadline inside check_msgstore reports
// UNKNOWN and commits nothing: what it consumed is read again next run.
// The check that ended in time commits when the overview's result is.
func TestHungCheckCommitsNothing(t *testing.T) {
	hang := make(chan struct{})
	defer close(hang)
	var committed []string
	saved := registry
	registry = []check{consumer("quick", nil, &committed), consumer("hung", hang, &committed)}
	defer func() { registry = saved }()

	env := plugin.NewTestEnv(time.Now(), nil)
	env.Timeout = time.Second
	res, err := run(env, &options{Format: "nagios"})
	if err != nil {
		t.Fatal(err)
	}
	if len(committed) != 0 {
		t.Fatalf("committed %v before the overview's result was printed", committed)
	}
	if err := env.Commit(); err != nil {
		t.Fatal(err)
	}
	if len(committed) != 1 || committed[0] != "quick" {
		t.Fatalf("committed %v, want only the check that ended in time", committed)
	}
	out := plugin.Render("MSGSTORE", res)
	for _, want := range []string{"[CRITICAL] quick: 1 new critical line", "[UNKNOWN] hung: timed out after ", "while hanging"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}
