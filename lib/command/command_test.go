package command

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// script writes an executable /bin/sh script into a temporary directory.
func script(t *testing.T, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "tool")
	if err := os.WriteFile(p, []byte("#!/bin/sh\n"+body), 0o755); err != nil {
		t.Fatal(err)
	}
	return p
}

// alive reports whether pid is a live process (not gone, not a zombie).
func alive(pid int) bool {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return false
	}
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	return i < 0 || i+2 >= len(s) || s[i+2] != 'Z'
}

// readPids reads the pids a test script recorded, one per line.
func readPids(t *testing.T, path string) []int {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var pids []int
	for _, f := range strings.Fields(string(b)) {
		n, err := strconv.Atoi(f)
		if err != nil {
			t.Fatalf("bad pid %q in %s", f, path)
		}
		pids = append(pids, n)
	}
	return pids
}

// waitGone polls (bounded) until none of pids is alive: a SIGKILLed
// process disappears asynchronously.
func waitGone(t *testing.T, pids []int) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		var left []int
		for _, p := range pids {
			if alive(p) {
				left = append(left, p)
			}
		}
		if len(left) == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("processes left behind: %v", left)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// hangScript forks a child (which forks a grandchild) and all of them
// sleep; every pid is recorded in pidfile once it is started.
func hangScript(t *testing.T) (path, pidfile string) {
	t.Helper()
	pidfile = filepath.Join(t.TempDir(), "pids")
	path = script(t, fmt.Sprintf(`( sleep 300 & echo $! >> %[1]s; sleep 300 ) &
echo $! >> %[1]s
echo $$ >> %[1]s
until [ "$(grep -c . %[1]s)" -ge 3 ]; do sleep 0.02; done
echo started
sleep 300
`, pidfile))
	return path, pidfile
}

func waitForLine(t *testing.T, lines <-chan string, want string) {
	t.Helper()
	select {
	case l := <-lines:
		if l != want {
			t.Fatalf("first line %q, want %q", l, want)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the script never started")
	}
}

func TestArgumentsReachTheProgramVerbatim(t *testing.T) {
	p := script(t, `for a in "$@"; do echo "[$a]"; done; env | sort`)
	var got []string
	res, err := Run(context.Background(), Cmd{Path: p, Args: []string{"-r", "a b", "$(id)", "*", ""}, OnLine: func(l string) { got = append(got, l) }})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"[-r]", "[a b]", "[$(id)]", "[*]", "[]"}
	if len(got) < len(want) || strings.Join(got[:5], " ") != strings.Join(want, " ") {
		t.Fatalf("arguments: got %q, want %q first", got, want)
	}
	env := strings.Join(got[5:], " ")
	for _, w := range []string{"PATH=/usr/bin:/bin", "LANG=C", "LC_ALL=C"} {
		if !strings.Contains(env, w) {
			t.Errorf("environment lacks %s: %s", w, env)
		}
	}
	if strings.Contains(env, "HOME=") || !res.Success() || res.Lines != len(got) {
		t.Errorf("env %s, result %+v", env, res)
	}
}

func TestExitStatusAndLastLine(t *testing.T) {
	p := script(t, `echo one; echo "two  " >&2; echo; exit 3`)
	res, err := Run(context.Background(), Cmd{Path: p})
	if err != nil {
		t.Fatal(err)
	}
	if res.ExitCode != 3 || res.Success() || res.LastLine != "two" || res.Lines != 3 || res.String() != "exit status 3" {
		t.Fatalf("result %+v", res)
	}
}

func TestOutputIsBounded(t *testing.T) {
	// 300 lines of 1000 bytes and one line of 20000 bytes without a newline.
	p := script(t, `i=0; while [ $i -lt 300 ]; do printf '%01000d\n' $i; i=$((i+1)); done; printf '%020000d' 7`)
	var longest int
	res, err := Run(context.Background(), Cmd{Path: p, TailBytes: 4096, MaxLineBytes: 1500, OnLine: func(l string) {
		longest = max(longest, len(l))
	}})
	if err != nil {
		t.Fatal(err)
	}
	if res.Lines != 301 || longest != 1500 || len(res.Tail) != 4096 || !res.TailTruncated {
		t.Fatalf("lines %d longest %d tail %d cut %v", res.Lines, longest, len(res.Tail), res.TailTruncated)
	}
}

func TestKillEndsTheWholeGroup(t *testing.T) {
	path, pidfile := hangScript(t)
	lines := make(chan string, 10)
	p, err := Start(context.Background(), Cmd{Path: path, OnLine: func(l string) { lines <- l }})
	if err != nil {
		t.Fatal(err)
	}
	waitForLine(t, lines, "started")
	pids := readPids(t, pidfile)
	if len(pids) != 3 {
		t.Fatalf("want 3 pids, got %v", pids)
	}
	p.Kill()
	res := p.Wait()
	if !res.Killed || res.Signal != "killed" || res.ExitCode != -1 || res.KillReason != nil {
		t.Fatalf("result %+v", res)
	}
	waitGone(t, pids)
	p.Kill() // after Wait: harmless
}

func TestContextCancellationKillsTheGroup(t *testing.T) {
	path, pidfile := hangScript(t)
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	start := time.Now()
	res, err := Run(ctx, Cmd{Path: path})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Killed || !errors.Is(res.KillReason, context.DeadlineExceeded) || time.Since(start) > 5*time.Second {
		t.Fatalf("result %+v after %s", res, time.Since(start))
	}
	waitGone(t, readPids(t, pidfile))
}

func TestLeftoverChildrenDieWithTheLeader(t *testing.T) {
	pidfile := filepath.Join(t.TempDir(), "pids")
	path := script(t, fmt.Sprintf("sleep 300 &\necho $! > %s\necho done\n", pidfile))
	start := time.Now()
	res, err := Run(context.Background(), Cmd{Path: path})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Success() || res.Killed || res.PipeHeld || res.LastLine != "done" || time.Since(start) > 5*time.Second {
		t.Fatalf("result %+v after %s", res, time.Since(start))
	}
	waitGone(t, readPids(t, pidfile))
}

func TestCheckExecutable(t *testing.T) {
	dir := t.TempDir()
	plain := filepath.Join(dir, "plain")
	os.WriteFile(plain, []byte("#!/bin/sh\n"), 0o644)
	tests := []struct {
		path string
		is   error
		text string
	}{
		{"relative/tool", nil, "must be absolute"},
		{filepath.Join(dir, "missing"), fs.ErrNotExist, "does not exist"},
		{dir, ErrNotExecutable, "is a directory"},
		{plain, ErrNotExecutable, "is not executable (mode 0644)"},
	}
	for _, tt := range tests {
		err := CheckExecutable(tt.path)
		if err == nil || !strings.Contains(err.Error(), tt.text) || (tt.is != nil && !errors.Is(err, tt.is)) {
			t.Errorf("CheckExecutable(%s) = %v, want %q", tt.path, err, tt.text)
		}
		if _, err := Start(context.Background(), Cmd{Path: tt.path}); err == nil {
			t.Errorf("Start(%s) succeeded", tt.path)
		} else if r := StartReason(err); !strings.Contains(r, tt.text) || strings.HasSuffix(r, ": "+fs.ErrNotExist.Error()) || strings.HasSuffix(r, ": "+ErrNotExecutable.Error()) {
			t.Errorf("StartReason(Start(%s)) = %q, want %q without the sentinel", tt.path, r, tt.text)
		}
	}
}

func TestCollectorSplitsLines(t *testing.T) {
	tests := []struct {
		chunks []string
		lines  []string
		last   string
	}{
		{[]string{"a\nb"}, []string{"a", "b"}, "b"},
		{[]string{"a", "b\r\n", "\n"}, []string{"ab", ""}, "ab"},
		{[]string{"", "x\n \n"}, []string{"x", " "}, "x"},
		{nil, nil, ""},
	}
	for _, tt := range tests {
		var got []string
		k := newCollector(Cmd{OnLine: func(l string) { got = append(got, l) }})
		for _, c := range tt.chunks {
			k.Write([]byte(c))
		}
		k.Flush()
		r := k.result()
		if strings.Join(got, "|") != strings.Join(tt.lines, "|") || r.LastLine != tt.last || r.Lines != len(tt.lines) {
			t.Errorf("%q: lines %q last %q", tt.chunks, got, r.LastLine)
		}
	}
}
