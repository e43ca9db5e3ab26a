package stored

import (
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"strings"
	"sync"

	"github.com/msgstore-plugins/msgstore/lib/command"
	"github.com/msgstore-plugins/msgstore/lib/plugin"
)

// maxCmdOutput is how much of stored -t's output is kept: its tail, for
// the last line.
const maxCmdOutput = 8 << 10

// cmdEnv is the whole environment stored -t gets: no variables of the
// monitoring agent leak into it.
var cmdEnv = []string{"PATH=/usr/bin:/bin:/usr/sbin:/sbin", "LC_ALL=C"}

// runStoredCmd runs `path -t` (stored's status check: "The return code of
// this command indicates the status", AR63) through lib/command: without a
// shell, in its own process group, which is killed at the timeout and,
// when stored -t exits, with whatever it left running (a child holding the
// output open used to turn an exit 0 into "WaitDelay expired" and live
// on). Its text and the meaning of each non-zero code are not documented,
// so only the exit code decides.
func runStoredCmd(env *plugin.Env, path, base string) plugin.Finding {
	if !filepath.IsAbs(path) {
		path = filepath.Join(base, path)
	}
	out := &tail{max: maxCmdOutput}
	env.Stage("starting %s -t", path)
	p, err := command.Start(env.Context(), command.Cmd{
		Path: path, Args: []string{"-t"}, Env: cmdEnv, Dir: "/",
		TailBytes: maxCmdOutput, MaxLineBytes: maxCmdOutput,
		OnLine: func(l string) { out.Write([]byte(l + "\n")) },
	})
	if err != nil {
		msg := fmt.Sprintf("cannot run %s -t: %s", path, startErrText(err))
		return found(plugin.UNKNOWN, msg, msg)
	}
	env.OnTimeout(p.Kill)
	env.Stage("running %s -t (pid %d)", path, p.Pid())
	res := p.Wait()
	last := out.lastLine()
	switch {
	case res.Killed:
		msg := fmt.Sprintf("%s -t did not finish before the timeout", path)
		return found(plugin.UNKNOWN, msg, msg)
	case res.Signal != "":
		// Killed by a signal: stored -t gave no status at all.
		msg := fmt.Sprintf("%s -t ended without a status: signal: %s", path, res.Signal)
		return found(plugin.UNKNOWN, msg, msg)
	case res.ExitCode == 0:
		text := fmt.Sprintf("%s -t: exit 0", path)
		if last != "" {
			text += ": " + last
		}
		return found(plugin.OK, text, text)
	default:
		short := fmt.Sprintf("stored -t reports a problem (exit %d)", res.ExitCode)
		if last != "" {
			short += ": " + last
		}
		return found(plugin.CRITICAL, fmt.Sprintf("%s -t exited %d: %s", path, res.ExitCode, orNoOutput(last)), short)
	}
}

// startErrText says why path could not be started, without repeating it:
// "no such file or directory", "is a directory", "is not executable (mode
// 0644)".
func startErrText(err error) string {
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return "no such file or directory"
	case errors.Is(err, fs.ErrPermission):
		return "permission denied"
	}
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	s := strings.TrimSuffix(err.Error(), ": "+command.ErrNotExecutable.Error())
	if i := strings.Index(s, " is "); i >= 0 {
		return s[i+1:]
	}
	return s
}

func orNoOutput(s string) string {
	if s == "" {
		return "no output"
	}
	return s
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
