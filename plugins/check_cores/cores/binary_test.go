package cores

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/msgstore-plugins/msgstore/lib/elfcore/elfcoretest"
	"github.com/msgstore-plugins/msgstore/lib/plugintest"
)

// These tests run the built check_cores as Nagios does. The sample's
// var/cores is given with --core-dir, so the host's /var/cores and
// kernel.core_pattern play no part.

func binaryRun(t *testing.T, s *server, args ...string) plugintest.Output {
	t.Helper()
	bin := plugintest.Build(t, "check_cores")
	args = append([]string{"-B", s.Base(), "--core-dir", s.Path(cores)}, args...)
	return plugintest.Run(t, bin, nil, args...)
}

func TestBinaryHealthy(t *testing.T) {
	s := newServer(t)
	out := binaryRun(t, s)
	out.Expect(t, "CORES", 0)
	if out.Line1 != "CORES OK - no core files in 10 directories | cores=0;0;;0; newest_core_age=U;;;0; cores_size=0B;;;0;" {
		t.Errorf("output:\n%s", out.Stdout)
	}
	out.Contains(t, "[OK] cores looked for in "+s.Path(cores)+" (--core-dir, any core whatever its name); msg-svr-base and its lib")
}

func TestBinaryBroken(t *testing.T) {
	s := newServer(t)
	twoCores(t, s)
	// A text file named core and a FIFO named core: neither is a core,
	// and opening the FIFO would block forever.
	s.file(t, baseRel+"/lib/core", []byte("not a core\n"), time.Hour)
	if err := unix.Mkfifo(s.Path(baseRel+"/sbin/core"), 0o644); err != nil {
		t.Fatal(err)
	}
	out := binaryRun(t, s)
	out.Expect(t, "CORES", 1)
	if out.Summary != "2 cores: imapd (pid 4711, 3h ago), stored (pid 28250, 2d ago)" {
		t.Errorf("summary: %s", out.Summary)
	}
	if p := out.Perf["cores"]; p.Value != 2 || p.Warn != "0" || p.Min != "0" {
		t.Errorf("cores perfdata %+v", p)
	}
	if p := out.Perf["newest_core_age"]; p.Value < 10800 || p.Value > 10860 || p.Unit != "s" {
		t.Errorf("newest_core_age perfdata %+v", p)
	}
	if p := out.Perf["cores_size"]; p.Value != float64(len(imapd.Bytes())+len(stored.Bytes())) || p.Unit != "B" {
		t.Errorf("cores_size perfdata %+v", p)
	}
	want := []string{
		"[WARNING] imapd pid 4711: killed by SIGSEGV, dumped 3h ago",
		"Solaris SPARC ELF32 core: " + s.Path(cores+"/imapd.mailhost.4711.1795870000.core"),
		"[WARNING] stored pid 28250: killed by SIGABRT, dumped 2d2h ago",
		"[OK] not a core: " + s.Path(baseRel+"/lib/core") + " (not an ELF file)",
	}
	out.Contains(t, want...)
	if n := countPrefix(out.Lines, "[WARNING]", "[OK] not a core"); n != 3 {
		t.Errorf("want 3 lines on cores and not cores, got %d:\n%s", n, out.Stdout)
	}

	crit := binaryRun(t, s, "-C", "stored", "--max-age", "7d")
	crit.Expect(t, "CORES", 2)
	if crit.Summary != "2 cores: stored (pid 28250, 2d ago), imapd (pid 4711, 3h ago)" {
		t.Errorf("summary: %s", crit.Summary)
	}
}

// countPrefix counts the lines that start with one of the prefixes.
func countPrefix(lines []string, prefixes ...string) int {
	n := 0
	for _, l := range lines {
		for _, p := range prefixes {
			if strings.HasPrefix(l, p) {
				n++
				break
			}
		}
	}
	return n
}

// TestBinaryGenuineCore has the kernel dump a real process into the
// sample's core directory.
func TestBinaryGenuineCore(t *testing.T) {
	s := newServer(t)
	path, pid := elfcoretest.GenuineLinuxCore(t, s.Path(cores), 0)
	out := binaryRun(t, s, "-C", "sleep")
	out.Expect(t, "CORES", 2)
	if !strings.HasPrefix(out.Summary, "1 core: sleep (pid "+strconv.Itoa(pid)+", ") {
		t.Errorf("summary: %s", out.Summary)
	}
	out.Contains(t, "[CRITICAL] sleep pid "+strconv.Itoa(pid)+" (critical program): killed by SIGSEGV", "Linux x86-64 ELF64 core: "+path)
}

// TestBinaryUnreadable runs the check as a user who cannot read a
// directory, nor a core written mode 0600 (daemons write them so). As root
// the check runs as nobody through setpriv.
func TestBinaryUnreadable(t *testing.T) {
	s := newServer(t)
	s.core(t, cores+"/imapd.mailhost.4711.1795870000.core", imapd, 3*time.Hour) // mode 0600
	private := s.Path(baseRel + "/lib/private")
	if err := os.Mkdir(private, 0o700); err != nil {
		t.Fatal(err)
	}
	run := asUnprivileged(t, s)

	out := run("--core-dir", s.Path(cores))
	out.Expect(t, "CORES", 1)
	if out.Summary != "1 core: imapd (pid 4711, 3h ago, unreadable) - 1 path unreadable" {
		t.Errorf("summary: %s", out.Summary)
	}
	out.Contains(t, "not readable (permission denied), not confirmed by its header",
		"[UNKNOWN] cannot read directory "+private+": permission denied")

	out = run("--no-system-dirs")
	out.Expect(t, "CORES", 3)
	if out.Summary != "cannot read directory "+private+": permission denied" {
		t.Errorf("summary: %s", out.Summary)
	}
}

// asUnprivileged returns a runner of the built plugin that cannot read
// files mode 0600 or 0700 owned by someone else.
func asUnprivileged(t *testing.T, s *server) func(args ...string) plugintest.Output {
	t.Helper()
	bin := plugintest.Build(t, "check_cores")
	if os.Geteuid() != 0 {
		if err := os.Chmod(s.Path(baseRel+"/lib/private"), 0); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { os.Chmod(s.Path(baseRel+"/lib/private"), 0o700) })
		return func(args ...string) plugintest.Output {
			return plugintest.Run(t, bin, nil, append([]string{"-B", s.Base()}, args...)...)
		}
	}
	setpriv := plugintest.RequireTool(t, "/usr/bin/setpriv", "util-linux")
	// nobody must reach the sample and the binary: open up the test's
	// own temporary directories (not the private one).
	for d := s.Root; d != filepath.Dir(d) && strings.HasPrefix(d, os.TempDir()) && d != os.TempDir(); d = filepath.Dir(d) {
		if err := os.Chmod(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	binDir, err := os.MkdirTemp("", "check_cores-bin-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(binDir) })
	b, err := os.ReadFile(bin)
	if err != nil {
		t.Fatal(err)
	}
	pub := filepath.Join(binDir, "check_cores")
	if err := os.WriteFile(pub, b, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(binDir, 0o755); err != nil {
		t.Fatal(err)
	}
	return func(args ...string) plugintest.Output {
		cmd := append([]string{"--reuid=65534", "--regid=65534", "--clear-groups", pub, "-B", s.Base()}, args...)
		return plugintest.Run(t, setpriv, nil, cmd...)
	}
}

func TestBinaryUsage(t *testing.T) {
	bin := plugintest.Build(t, "check_cores")
	help := plugintest.Run(t, bin, nil, "--help")
	if help.Code != 3 || !strings.Contains(help.Stdout, "--max-age=DURATION") || !strings.Contains(help.Stdout, "--critical-program=PROG") {
		t.Errorf("help (exit %d):\n%s", help.Code, help.Stdout)
	}
	bad := plugintest.Run(t, bin, nil, "--depht", "3")
	bad.Expect(t, "CORES", 3)
	if len(bad.Lines) != 0 || !strings.Contains(bad.Summary, "depht") {
		t.Errorf("bad option:\n%s", bad.Stdout)
	}
	neg := plugintest.Run(t, bin, nil, "-B", "/nonexistent/base")
	neg.Expect(t, "CORES", 3)
	if neg.Summary != "msg-svr-base /nonexistent/base (from --base) does not exist" {
		t.Errorf("summary: %s", neg.Summary)
	}
}
