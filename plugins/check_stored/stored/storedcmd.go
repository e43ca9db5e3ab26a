package stored

import (
	"errors"
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/msgstore-plugins/msgstore/lib/plugin"
)

// maxCmdOutput is how much of stored -t's output is kept: its tail, for
// the last line.
const maxCmdOutput = 8 << 10

// cmdEnv is the whole environment stored -t gets: no variables of the
// monitoring agent leak into it.
var cmdEnv = []string{"PATH=/usr/bin:/bin:/usr/sbin:/sbin", "LC_ALL=C"}

// runStoredCmd runs `path -t` (stored's status check: "The return code of
// this command indicates the status", AR63) without a shell, in its own
// process group so that the group can be killed at the timeout. Its text
// and the meaning of each non-zero code are not documented, so only the
// exit code decides.
func runStoredCmd(env *plugin.Env, path, base string) finding {
	if !filepath.IsAbs(path) {
		path = filepath.Join(base, path)
	}
	cmd := exec.CommandContext(env.Context(), path, "-t")
	cmd.Env = cmdEnv
	cmd.Dir = "/"
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	out := &tail{max: maxCmdOutput}
	cmd.Stdout, cmd.Stderr = out, out
	cmd.Cancel = func() error { return killGroup(cmd) }
	// A grandchild that keeps the output pipe open must not hold Wait.
	cmd.WaitDelay = time.Second

	env.Stage("starting %s -t", path)
	if err := cmd.Start(); err != nil {
		msg := fmt.Sprintf("cannot run %s -t: %s", path, errText(err))
		return finding{plugin.UNKNOWN, msg, msg}
	}
	env.OnTimeout(func() { killGroup(cmd) })
	env.Stage("running %s -t (pid %d)", path, cmd.Process.Pid)
	err := cmd.Wait()
	last := out.lastLine()
	var ee *exec.ExitError
	switch {
	case err == nil:
		text := fmt.Sprintf("%s -t: exit 0", path)
		if last != "" {
			text += ": " + last
		}
		return finding{plugin.OK, text, text}
	case errors.As(err, &ee) && ee.Exited():
		short := fmt.Sprintf("stored -t reports a problem (exit %d)", ee.ExitCode())
		if last != "" {
			short += ": " + last
		}
		return finding{plugin.CRITICAL, fmt.Sprintf("%s -t exited %d: %s", path, ee.ExitCode(), orNoOutput(last)), short}
	case env.Context().Err() != nil:
		msg := fmt.Sprintf("%s -t did not finish before the timeout", path)
		return finding{plugin.UNKNOWN, msg, msg}
	default:
		// Killed by a signal: stored -t gave no status at all.
		msg := fmt.Sprintf("%s -t ended without a status: %v", path, err)
		return finding{plugin.UNKNOWN, msg, msg}
	}
}

func orNoOutput(s string) string {
	if s == "" {
		return "no output"
	}
	return s
}

// killGroup kills the command's whole process group.
func killGroup(cmd *exec.Cmd) error {
	if cmd.Process == nil {
		return nil
	}
	return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
}

// tail keeps the last max bytes written to it.
type tail struct {
	mu  sync.Mutex
	max int
	buf []byte
}

func (t *tail) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf = append(t.buf, p...)
	if over := len(t.buf) - t.max; over > 0 {
		t.buf = append(t.buf[:0], t.buf[over:]...)
	}
	return len(p), nil
}

// lastLine is the last non-blank line of the output.
func (t *tail) lastLine() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	lines := strings.Split(strings.TrimRight(string(t.buf), "\r\n\t "), "\n")
	return strings.TrimSpace(lines[len(lines)-1])
}
