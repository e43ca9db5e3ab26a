package integration

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/msgstore-plugins/msgstore/lib/plugintest"
)

// daemonUser is the account the daemons run checks as (Debian's packages
// create it); the plugins, sample servers and state directories must be
// usable by it.
const daemonUser = "nagios"

// underCI is true when a missing prerequisite must fail, not skip.
func underCI() bool { return os.Getenv("CI") != "" }

// skipOrFail skips the test with msg, or fails it under CI.
func skipOrFail(t testing.TB, format string, args ...any) {
	t.Helper()
	msg := fmt.Sprintf(format, args...)
	if underCI() {
		t.Fatalf("under CI: %s", msg)
	}
	t.Skip(msg)
}

// requireRoot: the daemons switch to the nagios user, dpkg installs.
func requireRoot(t testing.TB) {
	t.Helper()
	if os.Geteuid() != 0 {
		skipOrFail(t, "the end-to-end tests run the monitoring daemons and dpkg and need root")
	}
}

// requireTool returns path, or skips naming the Debian package (fails
// under CI).
func requireTool(t testing.TB, path, debianPackage string) string {
	t.Helper()
	requireRoot(t)
	return plugintest.RequireTool(t, path, debianPackage)
}

// account is the daemon user's uid and gid.
type account struct{ uid, gid int }

func lookupDaemonUser(t testing.TB) account {
	t.Helper()
	u, err := user.Lookup(daemonUser)
	if err != nil {
		skipOrFail(t, "user %s missing (it comes with nagios4-core): %v", daemonUser, err)
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	return account{uid, gid}
}

// workspace is a temporary directory the daemon user can traverse (the
// test's own TempDir is 0700 root). It is removed when the test ends.
func workspace(t testing.TB) string {
	t.Helper()
	d, err := os.MkdirTemp("", "msgstore-e2e-")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(d, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(d) })
	return d
}

// ownedDir creates dir (and parents) owned by the daemon user: where a
// daemon writes its state, logs and the plugins their --state-dir.
func ownedDir(t testing.TB, a account, parts ...string) string {
	t.Helper()
	d := filepath.Join(parts...)
	if err := os.MkdirAll(d, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Chown(d, a.uid, a.gid); err != nil {
		t.Fatal(err)
	}
	return d
}

// writeFile writes a configuration file readable by the daemon user.
func writeFile(t testing.TB, path, content string) string {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// daemon is a started monitoring daemon in its own process group.
type daemon struct {
	name string
	cmd  *exec.Cmd
	log  string
	done chan struct{}
}

// startDaemon starts argv in a new process group, output to a log file
// in dir, and stops the whole group when the test ends, failed or not.
func startDaemon(t testing.TB, dir, name string, argv ...string) *daemon {
	t.Helper()
	logPath := filepath.Join(dir, name+".out")
	logf, err := os.Create(logPath)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Dir = dir
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.Env = []string{"PATH=/usr/sbin:/usr/bin:/sbin:/bin", "LC_ALL=C"}
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		logf.Close()
		t.Fatalf("start %s: %v", name, err)
	}
	d := &daemon{name: name, cmd: cmd, log: logPath, done: make(chan struct{})}
	go func() { cmd.Wait(); logf.Close(); close(d.done) }()
	t.Cleanup(d.stop)
	return d
}

// stop sends SIGTERM to the process group, then SIGKILL after 5 s.
func (d *daemon) stop() {
	pgid := d.cmd.Process.Pid
	syscall.Kill(-pgid, syscall.SIGTERM)
	select {
	case <-d.done:
	case <-time.After(5 * time.Second):
		syscall.Kill(-pgid, syscall.SIGKILL)
		<-d.done
	}
	// Children that left the group's leader behind (workers) go too.
	syscall.Kill(-pgid, syscall.SIGKILL)
}

// exited reports whether the daemon has stopped by itself.
func (d *daemon) exited() bool {
	select {
	case <-d.done:
		return true
	default:
		return false
	}
}

// tail is the end of the daemon's output, for failure messages.
func (d *daemon) tail() string {
	b, _ := os.ReadFile(d.log)
	if len(b) > 3000 {
		b = b[len(b)-3000:]
	}
	return string(b)
}

// pollUntil calls done every 200 ms until it returns true or limit
// passes; it fails the test with what is still missing.
func pollUntil(t testing.TB, d *daemon, limit time.Duration, done func() (bool, string)) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for {
		ok, missing := done()
		if ok {
			return
		}
		if d != nil && d.exited() {
			t.Fatalf("%s exited while waiting for %s:\n%s", d.name, missing, d.tail())
		}
		if time.Now().After(deadline) {
			msg := ""
			if d != nil {
				msg = d.tail()
			}
			t.Fatalf("after %v still waiting for %s\n%s", limit, missing, msg)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// run executes a command with a time limit and returns its combined output.
func run(t testing.TB, limit time.Duration, dir string, env []string, argv ...string) (string, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), limit)
	defer cancel()
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Dir = dir
	if env != nil {
		cmd.Env = env
	}
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	return out.String(), err
}

// --- the plugins under test ---

var (
	pluginsOnce sync.Once
	pluginNames []string
	pluginsDir  string
	pluginsErr  error
)

// discoverPlugins lists plugins/check_* that have a main.go, limited by
// MSGSTORE_E2E_PLUGINS when set.
func discoverPlugins() ([]string, error) {
	root := plugintest.ModuleRoot()
	mains, err := filepath.Glob(filepath.Join(root, "plugins", "check_*", "main.go"))
	if err != nil {
		return nil, err
	}
	only := map[string]bool{}
	for _, n := range strings.Split(os.Getenv("MSGSTORE_E2E_PLUGINS"), ",") {
		if n = strings.TrimSpace(n); n != "" {
			only[n] = true
		}
	}
	var names []string
	for _, m := range mains {
		n := filepath.Base(filepath.Dir(m))
		if len(only) == 0 || only[n] {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	if len(names) == 0 {
		return nil, errors.New("no plugins/check_*/main.go found")
	}
	return names, nil
}

// plugins builds every plugin once per test process into a directory the
// daemon user can read, and returns the names and that directory ($USER1$).
func plugins(t testing.TB) ([]string, string) {
	t.Helper()
	pluginsOnce.Do(func() {
		pluginNames, pluginsErr = discoverPlugins()
		if pluginsErr != nil {
			return
		}
		pluginsDir, pluginsErr = os.MkdirTemp("", "msgstore-e2e-bin-")
		if pluginsErr != nil {
			return
		}
		os.Chmod(pluginsDir, 0o755)
		args := []string{"build", "-trimpath", "-o", pluginsDir + "/",
			"-ldflags", "-X github.com/msgstore-plugins/msgstore/lib/plugin.Version=e2e"}
		for _, n := range pluginNames {
			args = append(args, "./plugins/"+n)
		}
		cmd := exec.Command("go", args...)
		cmd.Dir = plugintest.ModuleRoot()
		if out, err := cmd.CombinedOutput(); err != nil {
			pluginsErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if pluginsErr != nil {
		t.Fatal(pluginsErr)
	}
	return pluginNames, pluginsDir
}

func TestMain(m *testing.M) {
	code := m.Run()
	if pluginsDir != "" {
		os.RemoveAll(pluginsDir)
	}
	os.Exit(code)
}
