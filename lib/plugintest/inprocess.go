package plugintest

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/msgstore-plugins/msgstore/lib/plugin"
)

// RunSpec runs spec in this process through the same harness as the
// binary (plugin.Execute: option parsing, watchdog, rendering) with args
// and the environment Run gives a binary plus env ("K=V"), and returns the
// output parsed as Run parses a binary's. It is for tests that need no
// separate process: no signal, no exit of a left-behind goroutine.
func RunSpec(t testing.TB, spec plugin.Spec, env []string, args ...string) Output {
	t.Helper()
	vars := map[string]string{}
	for _, kv := range append([]string{"PATH=/usr/bin:/bin", "LC_ALL=C"}, env...) {
		k, v, _ := strings.Cut(kv, "=")
		vars[k] = v
	}
	var stdout, stderr bytes.Buffer
	start := time.Now()
	code := plugin.Execute(spec, args, &stdout, &stderr, func(k string) string { return vars[k] })
	o := Output{Code: code, Stdout: stdout.String(), Stderr: stderr.String(), Elapsed: time.Since(start)}
	o.parse()
	return o
}

// RunBoth runs the binary bin and, in-process, spec with the same args
// and env; both must end with the same exit code. The binary's output is
// returned: a test asserts what a user sees and proves the in-process
// path (the one check_msgstore takes) agrees.
func RunBoth(t testing.TB, bin string, spec plugin.Spec, env []string, args ...string) Output {
	t.Helper()
	out := Run(t, bin, env, args...)
	if in := RunSpec(t, spec, env, args...); in.Code != out.Code {
		t.Errorf("in-process exit %d, binary exit %d\nin-process: %s\nbinary: %s", in.Code, out.Code, in.Stdout, out.Stdout)
	}
	return out
}
