// Package command runs an external program the way a monitoring plugin
// must: by absolute path, with a fixed argument list and no shell, in a
// minimal environment, in its own process group, and with bounded output.
//
// The process group is what makes a timeout safe: Kill (and the
// cancellation of the context given to Start) sends SIGKILL to the whole
// group, so that the children a tool forks die with it instead of running
// on after the plugin has printed UNKNOWN. When the program exits by
// itself, whatever it left behind in its group is killed too: a checking
// tool has no business leaving daemons. A process that leaves the group on
// purpose (setsid, setpgid) escapes; nothing short of a cgroup catches it.
//
// A program must not outlive the plugin either, however the plugin ends:
//   - On Linux the program gets a parent-death signal (SIGKILL): the kernel
//     kills it when the plugin dies, even by SIGKILL. Linux sends it when the
//     THREAD that forked the program exits, so the program is started and
//     waited for on one goroutine locked to its OS thread.
//   - Its group gets a watcher: a /bin/sh in the same process group that
//     reads a pipe whose only write end the plugin holds. When the plugin
//     dies (any signal, any platform) the pipe ends and the watcher kills
//     its own group, so grandchildren die too, as do programs that the
//     parent-death signal does not reach (Linux clears it on exec of a
//     set-user-ID program such as sudo; Solaris and illumos have none).
//   - KillAll kills every group still running, for a plugin that catches a
//     termination signal (lib/plugin's Main does).
//
// Output (stdout and stderr merged, in the order written) is handed line by
// line to Cmd.OnLine as it arrives, so a parser never needs the whole of
// it; only the last Cmd.TailBytes bytes are kept.
//
// Typical use in a check, where env is the plugin's *plugin.Env:
//
//	p, err := command.Start(ctx, command.Cmd{Path: "/opt/x/sbin/tool", Args: []string{"-n"}, OnLine: parse})
//	if err != nil { ... }
//	env.OnTimeout(p.Kill) // the watchdog kills the group before printing UNKNOWN
//	res := p.Wait()
package command

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/msgstore-plugins/msgstore/lib/errtext"
)

// Defaults for the output bounds.
const (
	DefaultTailBytes    = 1 << 20 // output kept for diagnostics
	DefaultMaxLineBytes = 8 << 10 // a longer line is cut to this length
)

// SafePath is the PATH of the minimal environment.
const SafePath = "/usr/bin:/bin"

// readerGrace bounds how long Wait waits for the output pipe to close after
// the group is gone: only a process that escaped the group can hold it.
const readerGrace = 2 * time.Second

// Cmd describes a program to run. Args never pass through a shell: each
// element reaches the program as one argument, exactly as given.
type Cmd struct {
	Path         string            // absolute path of the program
	Args         []string          // arguments, without argv[0]
	Env          []string          // whole environment ("K=V"); nil means MinimalEnv()
	Dir          string            // working directory; "" means "/"
	TailBytes    int               // output bytes kept in Result.Tail; 0 means DefaultTailBytes
	MaxLineBytes int               // longer lines are cut; 0 means DefaultMaxLineBytes
	OnLine       func(line string) // called for each output line, in order, without its newline
}

// Result is how the program ended and what it printed.
type Result struct {
	ExitCode      int           // exit status; -1 when ended by a signal
	Signal        string        // the signal that ended it ("killed"), if any
	Killed        bool          // Kill or the context ended it
	KillReason    error         // the context's error when the context ended it
	Lines         int           // output lines seen
	LastLine      string        // last non-blank output line (trimmed)
	Tail          []byte        // the last TailBytes bytes of output
	TailTruncated bool          // output was longer than Tail
	Duration      time.Duration // from start to exit
	PipeHeld      bool          // an escaped process still held the output open at the end
}

// Success reports a zero exit status.
func (r Result) Success() bool { return r.ExitCode == 0 && r.Signal == "" }

// String describes how the program ended: "exit status 2", "killed by signal killed".
func (r Result) String() string {
	if r.Signal != "" {
		return "killed by signal " + r.Signal
	}
	return fmt.Sprintf("exit status %d", r.ExitCode)
}

// MinimalEnv is PATH=/usr/bin:/bin and LANG=C/LC_ALL=C (so that messages are
// in the C locale the parsers expect) plus extra "K=V" entries.
func MinimalEnv(extra ...string) []string {
	return append([]string{"PATH=" + SafePath, "LANG=C", "LC_ALL=C"}, extra...)
}

// ErrNotExecutable is wrapped by CheckExecutable's errors for a file that
// exists but cannot be run.
var ErrNotExecutable = errors.New("not executable")

// StartReason is an error of Start or CheckExecutable as a plugin prints
// it: the message already says "does not exist" or "is not executable" in
// words, so the sentinel it wraps for errors.Is (": file does not exist",
// ": not executable", ": permission denied") is dropped.
func StartReason(err error) string {
	msg := err.Error()
	for _, sentinel := range []error{fs.ErrNotExist, fs.ErrPermission, ErrNotExecutable} {
		msg = strings.TrimSuffix(msg, ": "+sentinel.Error())
	}
	return msg
}

// CheckExecutable reports, in words fit for a plugin's output, why path
// cannot be run: not absolute, missing, a directory, or without execute
// permission. It follows symlinks, as exec does.
func CheckExecutable(path string) error {
	if !filepath.IsAbs(path) {
		return fmt.Errorf("%s: the path must be absolute", path)
	}
	fi, err := os.Stat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("%s does not exist: %w", path, fs.ErrNotExist)
	case errors.Is(err, fs.ErrPermission):
		return fmt.Errorf("%s cannot be reached (permission denied): %w", path, fs.ErrPermission)
	case err != nil:
		return fmt.Errorf("%s: %v", path, err)
	case fi.IsDir():
		return fmt.Errorf("%s is a directory: %w", path, ErrNotExecutable)
	case !fi.Mode().IsRegular():
		return fmt.Errorf("%s is not a regular file: %w", path, ErrNotExecutable)
	case fi.Mode().Perm()&0o111 == 0:
		return fmt.Errorf("%s is not executable (mode %04o): %w", path, fi.Mode().Perm(), ErrNotExecutable)
	}
	return nil
}

// Process is a started program.
type Process struct {
	cmd    *exec.Cmd
	pgid   int
	start  time.Time
	mu     sync.Mutex
	reaped bool  // the leader has been waited for: the pgid may be reused
	killed bool  // Kill ran while the group existed
	reason error // why the context ended it
	done   chan struct{}
	res    Result
	out    *collector
	guard  *watcher // kills the group when the plugin dies; nil if it could not start
}

// Start runs c. Cancelling ctx kills the program's whole process group.
func Start(ctx context.Context, c Cmd) (*Process, error) {
	if err := CheckExecutable(c.Path); err != nil {
		return nil, err
	}
	env := c.Env
	if env == nil {
		env = MinimalEnv()
	}
	dir := c.Dir
	if dir == "" {
		dir = "/"
	}
	r, w, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	cmd := &exec.Cmd{
		Path:        c.Path,
		Args:        append([]string{c.Path}, c.Args...),
		Env:         env,
		Dir:         dir,
		Stdout:      w, // an *os.File: the child writes to it directly, no copying goroutine
		Stderr:      w,
		SysProcAttr: groupLeaderAttr(),
	}
	p := &Process{cmd: cmd, done: make(chan struct{}), out: newCollector(c)}
	started := make(chan error, 1)
	go p.run(ctx, r, w, started)
	if err := <-started; err != nil {
		return nil, err
	}
	return p, nil
}

// run starts the program, then waits for it, on one goroutine locked to
// its OS thread: on Linux the parent-death signal follows the forking
// thread, which must therefore live as long as the program does.
func (p *Process) run(ctx context.Context, r, w *os.File, started chan<- error) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread() // the program has been reaped by then
	if err := register(p); err != nil {
		r.Close()
		w.Close()
		started <- err
		return
	}
	p.start = time.Now()
	if err := p.cmd.Start(); err != nil {
		unregister(p)
		r.Close()
		w.Close()
		started <- fmt.Errorf("cannot run %s: %v", p.cmd.Path, errtext.Cause(err))
		return
	}
	w.Close() // the children hold the write end now
	p.mu.Lock()
	p.pgid = p.cmd.Process.Pid
	p.mu.Unlock()
	p.guard = startWatcher(p.pgid)
	readDone := make(chan struct{})
	go func() {
		p.out.readFrom(r)
		close(readDone)
	}()
	started <- nil
	p.wait(ctx, r, readDone)
}

// Run starts c and waits for it.
func Run(ctx context.Context, c Cmd) (Result, error) {
	p, err := Start(ctx, c)
	if err != nil {
		return Result{}, err
	}
	return p.Wait(), nil
}

// Pid is the process id (and process group id) of the program.
func (p *Process) Pid() int { return p.pgid }

// Kill sends SIGKILL to the program's whole process group. It is safe to
// call at any time, from any goroutine, any number of times; after the
// program has been waited for it does nothing.
func (p *Process) Kill() { p.kill(nil) }

func (p *Process) kill(reason error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.reaped {
		return
	}
	if p.pgid == 0 {
		return // not started yet: nothing to kill
	}
	if !p.killed {
		p.killed, p.reason = true, reason
	}
	syscall.Kill(-p.pgid, syscall.SIGKILL)
}

// Done is closed when Wait's result is ready.
func (p *Process) Done() <-chan struct{} { return p.done }

// Wait waits for the program and its output and returns the result.
func (p *Process) Wait() Result {
	<-p.done
	return p.res
}

// wait watches the context, waits for the leader to exit, kills what is
// left of its group while the leader's zombie still pins the group id,
// reaps the leader, and then waits (boundedly) for the output to end.
func (p *Process) wait(ctx context.Context, r *os.File, readDone chan struct{}) {
	exited := make(chan struct{})
	go func() {
		select {
		case <-ctx.Done():
			p.kill(ctx.Err())
		case <-exited:
		}
	}()
	var err error
	if waitExitNoReap(p.pgid) {
		p.killLeftovers()
		err = p.cmd.Wait()
	} else {
		// The leader is reaped first; its group id stays in use as long
		// as any member lives, so killing the group is still safe.
		err = p.cmd.Wait()
		p.killLeftovers()
	}
	duration := time.Since(p.start)
	close(exited)
	p.guard.stop()
	unregister(p)

	held := false
	select {
	case <-readDone:
	case <-time.After(readerGrace):
		held = true
		r.Close() // unblocks the reader
		<-readDone
	}
	r.Close()

	res := p.out.result()
	res.Duration = duration
	res.PipeHeld = held
	res.ExitCode = p.cmd.ProcessState.ExitCode()
	if ws, ok := p.cmd.ProcessState.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		res.Signal = ws.Signal().String()
		res.ExitCode = -1
	}
	var ee *exec.ExitError
	if err != nil && !errors.As(err, &ee) && res.Signal == "" && res.ExitCode == 0 {
		res.ExitCode = -1
		res.Signal = err.Error()
	}
	p.mu.Lock()
	res.Killed, res.KillReason = p.killed, p.reason
	p.mu.Unlock()
	p.res = res
	close(p.done)
}

// killLeftovers kills what the leader left in its group, once: after it
// Kill does nothing.
func (p *Process) killLeftovers() {
	p.mu.Lock()
	defer p.mu.Unlock()
	syscall.Kill(-p.pgid, syscall.SIGKILL)
	p.reaped = true
}

// collector splits output into lines for OnLine and keeps a bounded tail.
type collector struct {
	onLine   func(string)
	maxLine  int
	maxTail  int
	tail     []byte
	cut      bool
	cur      []byte
	curLong  bool
	lines    int
	lastLine string
}

func newCollector(c Cmd) *collector {
	k := &collector{onLine: c.OnLine, maxLine: c.MaxLineBytes, maxTail: c.TailBytes}
	if k.maxLine <= 0 {
		k.maxLine = DefaultMaxLineBytes
	}
	if k.maxTail <= 0 {
		k.maxTail = DefaultTailBytes
	}
	return k
}

func (k *collector) readFrom(r io.Reader) {
	buf := make([]byte, 32<<10)
	for {
		n, err := r.Read(buf)
		if n > 0 {
			k.Write(buf[:n])
		}
		if err != nil {
			break
		}
	}
	k.Flush()
}

// Write takes a chunk of output.
func (k *collector) Write(b []byte) {
	k.keepTail(b)
	for len(b) > 0 {
		i := strings.IndexByte(string(b), '\n')
		if i < 0 {
			k.appendPart(b)
			return
		}
		k.appendPart(b[:i])
		k.endLine()
		b = b[i+1:]
	}
}

// Flush ends a last line that had no newline.
func (k *collector) Flush() {
	if len(k.cur) > 0 || k.curLong {
		k.endLine()
	}
}

func (k *collector) appendPart(b []byte) {
	room := k.maxLine - len(k.cur)
	if len(b) > room {
		b = b[:room]
		k.curLong = true
	}
	k.cur = append(k.cur, b...)
}

func (k *collector) endLine() {
	line := strings.TrimSuffix(string(k.cur), "\r")
	k.cur, k.curLong = k.cur[:0], false
	k.lines++
	if t := strings.TrimSpace(line); t != "" {
		k.lastLine = t
	}
	if k.onLine != nil {
		k.onLine(line)
	}
}

func (k *collector) keepTail(b []byte) {
	k.tail = append(k.tail, b...)
	if len(k.tail) > 2*k.maxTail {
		k.cut = true
		k.tail = append(k.tail[:0], k.tail[len(k.tail)-k.maxTail:]...)
	}
}

func (k *collector) result() Result {
	tail := k.tail
	cut := k.cut
	if len(tail) > k.maxTail {
		tail, cut = tail[len(tail)-k.maxTail:], true
	}
	return Result{Lines: k.lines, LastLine: k.lastLine, Tail: append([]byte(nil), tail...), TailTruncated: cut}
}
