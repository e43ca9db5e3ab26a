package plugin

import (
	"bytes"
	"context"
	"os"
	"syscall"
	"testing"
	"time"
)

// A sub-check has its own stage, hooks and context: giving up on one does
// not touch its parent or its siblings, and the parent's watchdog reaches
// all of them.
func TestSubEnv(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	root := &Env{Now: time.Now(), Timeout: 30 * time.Second, ctx: ctx, cancel: cancel}
	a := root.SubEnv(0, root.Now.Add(27*time.Second))
	b := root.SubEnv(0, root.Now.Add(27*time.Second))
	if a.Timeout != 27*time.Second {
		t.Errorf("sub timeout %s", a.Timeout)
	}
	fired := map[string]int{}
	root.OnTimeout(func() { fired["root"]++ })
	a.OnTimeout(func() { fired["a"]++ })
	b.OnTimeout(func() { fired["b"]++ })
	root.Stage("waiting")
	a.Stage("reading %s", "/x")
	if root.CurrentStage() != "waiting" || a.CurrentStage() != "reading /x" || b.CurrentStage() != "starting" {
		t.Errorf("stages %q %q %q", root.CurrentStage(), a.CurrentStage(), b.CurrentStage())
	}

	a.Expire()
	if fired["a"] != 1 || fired["b"] != 0 || fired["root"] != 0 || a.Context().Err() == nil || b.Context().Err() != nil {
		t.Errorf("after a.Expire: fired %v, a ctx %v, b ctx %v", fired, a.Context().Err(), b.Context().Err())
	}
	root.fireTimeout()
	if fired["root"] != 1 || fired["b"] != 1 || b.Context().Err() == nil {
		t.Errorf("after the root's timeout: fired %v, b ctx %v", fired, b.Context().Err())
	}
}

// A termination signal ends the run at once: the check's hooks and
// onSignal run (they kill its programs) and one UNKNOWN line names the
// signal and the stage.
func TestSignalEndsTheRun(t *testing.T) {
	for _, sig := range []struct {
		sig  syscall.Signal
		name string
	}{{syscall.SIGTERM, "SIGTERM"}, {syscall.SIGINT, "SIGINT"}, {syscall.SIGHUP, "SIGHUP"}} {
		t.Run(sig.name, func(t *testing.T) {
			hooked, killed := make(chan bool, 1), false
			started := make(chan struct{})
			spec := Spec{Name: "check_sig", Service: "SIG", Options: &testOptions{}, Check: func(env *Env) (*Result, error) {
				env.OnTimeout(func() { hooked <- true })
				env.Stage("running reconstruct")
				close(started)
				select {} // blocked, as on a child that never ends
			}}
			sigs := make(chan os.Signal, 1)
			go func() { <-started; sigs <- sig.sig }()
			var out bytes.Buffer
			code := execute(spec, []string{"-t", "60"}, &out, &out, func(string) string { return "" }, sigs, func() { killed = true })
			if want := "SIG UNKNOWN - killed by " + sig.name + " while running reconstruct\n"; code != 3 || out.String() != want || !killed || len(hooked) != 1 {
				t.Fatalf("code %d killed %v hooked %d out %q, want %q", code, killed, len(hooked), out.String(), want)
			}
		})
	}
}
