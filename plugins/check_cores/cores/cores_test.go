package cores

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/msgstore-plugins/msgstore/lib/elfcore/elfcoretest"
	"github.com/msgstore-plugins/msgstore/lib/fixture"
	"github.com/msgstore-plugins/msgstore/lib/layout"
	"github.com/msgstore-plugins/msgstore/lib/plugintest"
)

const (
	varRel  = fixture.VarRel
	baseRel = fixture.BaseRel
	cores   = "var/cores" // the sample's coreadm directory
)

// server is a sample server and the host files check_cores reads: the
// sample's var/cores stands for /var/cores, and there is no core_pattern
// or coreadm.conf unless a test writes one.
type server struct {
	*fixture.Server
	sys systemPaths
}

func newServer(t testing.TB) *server {
	t.Helper()
	s := fixture.New(t)
	host := t.TempDir()
	return &server{Server: s, sys: systemPaths{
		coreDirs:     []sysDir{{path: s.Path(cores), why: "the coreadm directory of Sun's debugging guide", dedicated: true}},
		systemdDir:   filepath.Join(host, "coredump"),
		coredumpConf: filepath.Join(host, "coredump.conf"),
		corePattern:  filepath.Join(host, "core_pattern"),
		suidDumpable: filepath.Join(host, "suid_dumpable"),
		coreadmConf:  filepath.Join(host, "coreadm.conf"),
		coreadm:      filepath.Join(host, "coreadm"),
	}}
}

// run runs the check in-process with -B set to the sample's base.
func (s *server) run(t testing.TB, args ...string) plugintest.Output {
	t.Helper()
	return plugintest.RunSpec(t, newSpec(&options{}, s.sys), nil, append([]string{"-B", s.Base()}, args...)...)
}

// core writes a core at rel (relative to the sample root) dumped age ago.
func (s *server) core(t testing.TB, rel string, c elfcoretest.Core, age time.Duration) string {
	t.Helper()
	p := s.Path(rel)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := c.WriteFile(p, s.Now.Add(-age)); err != nil {
		t.Fatal(err)
	}
	return p
}

// file writes raw bytes at rel, age ago.
func (s *server) file(t testing.TB, rel string, b []byte, age time.Duration) {
	t.Helper()
	s.Write(rel, string(b), age)
}

func (s *server) symlink(t *testing.T, target, rel string) {
	t.Helper()
	if err := os.Symlink(target, s.Path(rel)); err != nil {
		t.Fatal(err)
	}
}

var (
	imapd  = elfcoretest.Core{Layout: elfcoretest.SolarisSPARC32, Program: "imapd", Args: "/opt/SUNWmsgsr/lib/imapd", PID: 4711, Signal: 11}
	stored = elfcoretest.Core{Layout: elfcoretest.SolarisSPARC64, Program: "stored", Args: "/opt/SUNWmsgsr/lib/stored -d", PID: 28250, Signal: 6}
)

// twoCores is the example: an imapd core 3 hours old and a stored
// core 2 days old in /var/cores, named as coreadm names them.
func twoCores(t *testing.T, s *server) {
	s.core(t, cores+"/imapd.mailhost.4711.1795870000.core", imapd, 3*time.Hour)
	s.core(t, cores+"/stored.mailhost.28250.1795700000.core", stored, 50*time.Hour)
}

func TestHealthySample(t *testing.T) {
	s := newServer(t)
	out := s.run(t)
	out.Expect(t, "CORES", 0)
	// lib, sbin, config, data, proc, store, session, user, BASE, var/cores.
	if out.Line1 != "CORES OK - no core files in 10 directories | cores=0;0;;0; newest_core_age=U;;;0; cores_size=0B;;;0;" {
		t.Errorf("line 1: %s", out.Line1)
	}
	// One line says where cores were looked for, and why there.
	want := "[OK] cores looked for in " + s.Path(cores) + " (the coreadm directory of Sun's debugging guide, any core whatever its name); " +
		"msg-svr-base and its lib, sbin, config and data (a daemon's working directory; files named like cores)"
	if len(out.Lines) != 1 || out.Lines[0] != want {
		t.Errorf("long output: %q", out.Lines)
	}
}

func TestStates(t *testing.T) {
	tests := []struct {
		name   string
		setup  func(t *testing.T, s *server)
		args   []string
		code   int
		line1  string // exact text before " | ", when set
		want   []string
		absent []string
	}{
		{
			name:  "two cores, the issue's example",
			setup: twoCores,
			code:  1,
			line1: "CORES WARNING - 2 cores: imapd (pid 4711, 3h ago), stored (pid 28250, 2d ago)",
			want: []string{
				"[WARNING] imapd pid 4711: killed by SIGSEGV, dumped 3h ago (",
				"), 16 KiB, Solaris SPARC ELF32 core: ",
				"[WARNING] stored pid 28250: killed by SIGABRT, dumped 2d2h ago (",
				"Solaris SPARCv9 ELF64 core: ",
				"cores=2;0;;0; newest_core_age=108", // 3h, plus the seconds a loaded machine takes to run it
			},
		},
		{
			name:  "a critical program",
			setup: twoCores,
			args:  []string{"-C", "stored"},
			code:  2,
			line1: "CORES CRITICAL - 2 cores: stored (pid 28250, 2d ago), imapd (pid 4711, 3h ago)",
			want:  []string{"[CRITICAL] stored pid 28250 (critical program): killed by SIGABRT", "[WARNING] imapd pid 4711"},
		},
		{
			name:  "critical programs as a pattern list",
			setup: twoCores,
			args:  []string{"-C", "imap*,pop*"},
			code:  2,
			line1: "CORES CRITICAL - 2 cores: imapd (pid 4711, 3h ago), stored (pid 28250, 2d ago)",
		},
		{
			name:  "max-age ignores the old core",
			setup: twoCores,
			args:  []string{"--max-age", "1d"},
			code:  1,
			line1: "CORES WARNING - 1 core: imapd (pid 4711, 3h ago)",
			want:  []string{"[OK] ignored, older than --max-age 1d: stored pid 28250", "cores=1;0;;0;"},
		},
		{
			name:  "max-age ignores every core",
			setup: twoCores,
			args:  []string{"--max-age", "1h"},
			code:  0,
			line1: "CORES OK - no core files in 10 directories (2 older than 1h ignored)",
		},
		{
			name:  "count within the warning range",
			setup: twoCores,
			args:  []string{"-w", "5"},
			code:  0,
			line1: "CORES OK - 2 cores: imapd (pid 4711, 3h ago), stored (pid 28250, 2d ago)",
			want:  []string{"[OK] imapd pid 4711", "cores=2;5;;0;"},
		},
		{
			name:  "count beyond the critical range",
			setup: twoCores,
			args:  []string{"-c", "1"},
			code:  2,
			line1: "CORES CRITICAL - 2 cores: imapd (pid 4711, 3h ago), stored (pid 28250, 2d ago)",
			want:  []string{"cores=2;0;1;0;"},
		},
		{
			name: "Linux i386 core named core in the daemons' directory",
			setup: func(t *testing.T, s *server) {
				s.core(t, baseRel+"/lib/core", elfcoretest.Core{Layout: elfcoretest.Linux386, Program: "tcp_lmtp_server", PID: 3131, Signal: 7}, 25*time.Minute)
			},
			code:  1,
			line1: "CORES WARNING - 1 core: tcp_lmtp_server (pid 3131, 25m ago)",
			want:  []string{"killed by SIGBUS", "Linux i386 ELF32 core: ", "/opt/SUNWmsgsr/lib/core"},
		},
		{
			name: "Solaris x86 core.PID in config, reached through the config symlink once",
			setup: func(t *testing.T, s *server) {
				s.core(t, varRel+"/config/core.4242", elfcoretest.Core{Layout: elfcoretest.SolarisX86, Program: "mshttpd", PID: 4242, Signal: 11}, 90*time.Second)
			},
			code:  1,
			line1: "CORES WARNING - 1 core: mshttpd (pid 4242, 1m ago)",
			want:  []string{"Solaris i386 ELF32 core"},
		},
		{
			name: "Linux x86-64 core.NAME.PID.TIME in sbin",
			setup: func(t *testing.T, s *server) {
				s.core(t, baseRel+"/sbin/core.imsimta.777.1795870000", elfcoretest.Core{Layout: elfcoretest.LinuxAMD64, Program: "imsimta", PID: 777, Signal: 6}, 26*time.Hour)
			},
			code:  1,
			line1: "CORES WARNING - 1 core: imsimta (pid 777, 1d ago)",
			want:  []string{"killed by SIGABRT", "Linux x86-64 ELF64 core"},
		},
		{
			name: "empty core: the dump failed",
			setup: func(t *testing.T, s *server) {
				s.file(t, baseRel+"/lib/core", nil, 5*time.Minute)
			},
			code:  1,
			line1: "CORES WARNING - 1 core: unknown program (5m ago, empty)",
			want:  []string{"0 B, empty: the dump failed before writing anything"},
		},
		{
			name: "empty coreadm core keeps its name's program and pid",
			setup: func(t *testing.T, s *server) {
				s.file(t, cores+"/imapd.mailhost.4711.1795870000.core", nil, 5*time.Minute)
			},
			code:  1,
			line1: "CORES WARNING - 1 core: imapd (pid 4711, 5m ago, empty)",
		},
		{
			name: "truncated core",
			setup: func(t *testing.T, s *server) {
				b := stored.Bytes()
				s.file(t, cores+"/stored.mailhost.28250.1795870000.core", b[:len(b)-5000], 2*time.Hour)
			},
			code:  1,
			line1: "CORES WARNING - 1 core: stored (pid 28250, 2h ago, truncated)",
			want:  []string{"truncated: 15.1 KiB of 20 KiB written"},
		},
		{
			name: "a text file named core is not a core",
			setup: func(t *testing.T, s *server) {
				s.file(t, baseRel+"/lib/core", []byte("core: see the admin guide\n"), time.Hour)
			},
			code:  0,
			line1: "CORES OK - no core files in 10 directories",
			want:  []string{"[OK] not a core: ", "/lib/core (not an ELF file)"},
		},
		{
			name: "an ELF executable named core is not a core",
			setup: func(t *testing.T, s *server) {
				s.file(t, baseRel+"/sbin/core", elfcoretest.Executable(), time.Hour)
			},
			code: 0,
			want: []string{"/sbin/core (ELF executable, not a core)"},
		},
		{
			name: "cores in the store, queue, logs and telemetry are not searched",
			setup: func(t *testing.T, s *server) {
				s.core(t, varRel+"/store/partition/primary/core", imapd, time.Hour)
				s.core(t, varRel+"/store/mboxlist/core", imapd, time.Hour)
				s.core(t, varRel+"/queue/core", imapd, time.Hour)
				s.core(t, varRel+"/log/core", imapd, time.Hour)
				s.core(t, varRel+"/telemetry/core", imapd, time.Hour)
			},
			code:  0,
			line1: "CORES OK - no core files in 10 directories",
		},
		{
			name: "a partition that msg.conf puts inside a searched tree is excluded by identity",
			setup: func(t *testing.T, s *server) {
				s.Set("store.partition.secondary.path", s.Path(baseRel+"/lib/secondary"))
				s.core(t, baseRel+"/lib/secondary/core", imapd, time.Hour)
			},
			code:  0,
			line1: "CORES OK - no core files in 10 directories",
		},
		{
			name: "--exclude",
			setup: func(t *testing.T, s *server) {
				s.core(t, baseRel+"/lib/tmp/core", imapd, time.Hour)
			},
			args: []string{"-x", "LIB/tmp"},
			code: 0,
		},
		{
			name: "deeper than --depth is not searched",
			setup: func(t *testing.T, s *server) {
				s.core(t, baseRel+"/lib/a/b/c/core", imapd, time.Hour)
			},
			code: 0,
		},
		{
			name: "--depth reaches it",
			setup: func(t *testing.T, s *server) {
				s.core(t, baseRel+"/lib/a/b/c/core", imapd, time.Hour)
			},
			args:  []string{"--depth", "3"},
			code:  1,
			line1: "CORES WARNING - 1 core: imapd (pid 4711, 1h ago)",
		},
		{
			name: "symlink loops and symlinked cores are not followed",
			setup: func(t *testing.T, s *server) {
				s.symlink(t, "..", baseRel+"/lib/up")
				s.symlink(t, "loop", baseRel+"/lib/loop")
				s.symlink(t, "/", baseRel+"/lib/root")
				s.core(t, "elsewhere/core", imapd, time.Hour)
				s.symlink(t, s.Path("elsewhere/core"), baseRel+"/sbin/core")
			},
			args:  []string{"--depth", "10", "-v"},
			code:  0,
			line1: "CORES OK - no core files in 10 directories",
			want:  []string{"[OK] symlink not followed: "},
		},
		{
			name: "a systemd-coredump core that cannot be decoded counts by its name",
			setup: func(t *testing.T, s *server) {
				name := systemdCoreName("imapd", 4711, s.Now.Add(-time.Hour), "zst")
				s.file(t, cores+"/"+name, []byte("(\xb5/\xfd compressed"), 5*time.Hour)
			},
			code:  1,
			line1: "CORES WARNING - 1 core: imapd (pid 4711, 1h ago, not decoded)",
			want:  []string{"compressed by systemd-coredump, cannot be decoded as zstd: ", "; counted by its name: "},
		},
		{
			name: "kernel.core_pattern's directory and file names",
			setup: func(t *testing.T, s *server) {
				writeHostFile(t, s.sys.corePattern, s.Path("crash")+"/%e-%p-%t.dump\n")
				s.core(t, "crash/imapd-4711-1795870000.dump", imapd, time.Hour)
				s.file(t, "crash/notes-1-2.dump", []byte("not a core"), time.Hour)
			},
			code:   1,
			line1:  "CORES WARNING - 1 core: imapd (pid 4711, 1h ago)",
			absent: []string{"notes-1-2.dump"},
		},
		{
			name: "a kernel.core_pattern pipe is no directory",
			setup: func(t *testing.T, s *server) {
				writeHostFile(t, s.sys.corePattern, "|/usr/lib/systemd/systemd-coredump %P %u %g %s %t %c %h\n")
			},
			code:  0,
			line1: "CORES OK - no core files in 10 directories",
		},
		{
			name: "coreadm's global pattern",
			setup: func(t *testing.T, s *server) {
				writeHostFile(t, s.sys.coreadmConf, "COREADM_GLOB_PATTERN="+s.Path("globalcores")+"/core.%f.%p\nCOREADM_GLOB_ENABLED=yes\nCOREADM_INIT_PATTERN=core\n")
				s.core(t, "globalcores/core.stored.28250", stored, time.Hour)
			},
			code:  1,
			line1: "CORES WARNING - 1 core: stored (pid 28250, 1h ago)",
		},
		{
			name:  "--core-dir replaces the system directories",
			setup: twoCores,
			args:  []string{"--core-dir", "ROOT/other"},
			code:  3,
			line1: "CORES UNKNOWN - cannot search ROOT/other: does not exist",
		},
		{
			name:  "--no-system-dirs",
			setup: twoCores,
			args:  []string{"--no-system-dirs"},
			code:  0,
			line1: "CORES OK - no core files in 9 directories",
		},
		{
			name: "--dir replaces every default directory",
			setup: func(t *testing.T, s *server) {
				s.core(t, baseRel+"/lib/core", imapd, time.Hour)
				s.core(t, "other/core.4711", stored, time.Hour)
			},
			args: []string{"-d", "ROOT/other"},
			code: 1,
			// The notes' pid wins over the name's.
			line1: "CORES WARNING - 1 core: stored (pid 28250, 1h ago)",
		},
		{
			name:  "a missing --dir is reported",
			setup: twoCores,
			args:  []string{"-d", "ROOT/" + cores, "-d", "ROOT/nowhere"},
			code:  1,
			line1: "CORES WARNING - 2 cores: imapd (pid 4711, 3h ago), stored (pid 28250, 2d ago) - 1 path unreadable",
			want:  []string{"[UNKNOWN] cannot search ", "/nowhere: does not exist"},
		},
		{
			name: "a --dir that is a file",
			setup: func(t *testing.T, s *server) {
				s.file(t, "afile", []byte("x"), time.Hour)
			},
			args:  []string{"-d", "ROOT/afile"},
			code:  3,
			line1: "CORES UNKNOWN - cannot search ROOT/afile: not a directory",
		},
		{
			name: "--name opens more files, counting only cores",
			setup: func(t *testing.T, s *server) {
				s.core(t, baseRel+"/lib/imapd.crash", imapd, time.Hour)
				s.file(t, baseRel+"/lib/readme.crash", []byte("hello"), time.Hour)
				s.file(t, baseRel+"/lib/empty.crash", nil, time.Hour)
			},
			args:  []string{"-n", "*.crash"},
			code:  1,
			line1: "CORES WARNING - 1 core: imapd (pid 4711, 1h ago)",
		},
		{name: "negative depth", args: []string{"--depth", "-1"}, code: 3, line1: "CORES UNKNOWN - --depth -1: must be 0 or more (see check_cores --help)"},
		{name: "bad range", args: []string{"-w", "abc"}, code: 3},
		{name: "bad pattern", args: []string{"-C", "[x"}, code: 3, line1: `CORES UNKNOWN - --critical-program "[x": syntax error in pattern (see check_cores --help)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newServer(t)
			if tt.setup != nil {
				tt.setup(t, s)
			}
			args := make([]string, len(tt.args))
			for i, a := range tt.args {
				a = strings.ReplaceAll(a, "ROOT", s.Root)
				args[i] = strings.ReplaceAll(a, "LIB", s.Path(baseRel+"/lib"))
			}
			out := s.run(t, args...)
			out.Expect(t, "CORES", tt.code)
			head, _, _ := strings.Cut(out.Line1, " | ")
			if want := strings.ReplaceAll(tt.line1, "ROOT", s.Root); tt.line1 != "" && head != want {
				t.Errorf("line 1:\n got %s\nwant %s", head, want)
			}
			out.Contains(t, tt.want...)
			for _, a := range tt.absent {
				if strings.Contains(out.Stdout, a) {
					t.Errorf("output has %q:\n%s", a, out.Stdout)
				}
			}
		})
	}
}

// TestDirWithoutInstallation: --dir works on a host without Messaging
// Server (no --base, no $MSG_SVR_BASE, no default base).
func TestDirWithoutInstallation(t *testing.T) {
	dir := t.TempDir()
	if err := imapd.WriteFile(filepath.Join(dir, "core"), time.Now().Add(-time.Hour)); err != nil {
		t.Fatal(err)
	}
	o := plugintest.RunSpec(t, Spec(), nil, "-d", dir, "-v")
	for _, b := range layout.DefaultBases {
		if _, err := os.Stat(b); err == nil {
			t.Skipf("this host has a Messaging Server base %s", b)
		}
	}
	o.Expect(t, "CORES", 1)
	if o.Summary != "1 core: imapd (pid 4711, 1h ago)" {
		t.Errorf("summary: %s", o.Summary)
	}
	o.Contains(t, "[OK] searched "+dir+" (--dir), depth 2")
}

func writeHostFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestManyCoresLine1 keeps line 1 short however many cores there are.
func TestManyCoresLine1(t *testing.T) {
	s := newServer(t)
	for i := 0; i < 40; i++ {
		c := imapd
		c.PID = 1000 + i
		s.core(t, cores+"/imapd.mailhost."+strconv.Itoa(c.PID)+".1795870000.core", c, time.Duration(i+1)*time.Minute)
	}
	out := s.run(t)
	out.Expect(t, "CORES", 1)
	if out.Summary != "40 cores: imapd (pid 1000, 1m ago), imapd (pid 1001, 2m ago), imapd (pid 1002, 3m ago), +37 more" {
		t.Errorf("summary: %s", out.Summary)
	}
	if out.Perf["cores"].Value != 40 || (out.Perf["newest_core_age"].Value < 60 || out.Perf["newest_core_age"].Value > 90) || out.Perf["cores_size"].Value != 40*16384 {
		t.Errorf("perf: %+v", out.Perf)
	}
}

// TestGenuineLinuxCore finds a core the kernel wrote.
func TestGenuineLinuxCore(t *testing.T) {
	s := newServer(t)
	dir := s.Path(cores)
	path, pid := elfcoretest.GenuineLinuxCore(t, dir, 0)
	out := s.run(t)
	out.Expect(t, "CORES", 1)
	if !strings.HasPrefix(out.Summary, "1 core: sleep (pid "+strconv.Itoa(pid)+", ") {
		t.Errorf("summary: %s", out.Summary)
	}
	out.Contains(t, "killed by SIGSEGV", "Linux x86-64 ELF64 core: "+path)
}

func TestCoreName(t *testing.T) {
	tests := []struct {
		name    string
		ok      bool
		program string
		pid     int
	}{
		{"core", true, "", 0},
		{"core.4711", true, "", 4711},
		{"core.imapd.4711", true, "imapd", 4711},
		{"core.imapd.4711.1795870000", true, "imapd", 4711},
		{"imapd.mailhost.12345.1196035200.core", true, "imapd", 12345},
		{"imapd.mail.example.com.12345.1196035200.core", true, "imapd", 12345},
		{"imapd.4711.core", true, "imapd", 4711},
		{"imapd.core", true, "imapd", 0},
		{"4711.core", true, "", 4711},
		{"core.imapd.0.8f6d5b6d0e0a4a9e9f6c1f1f0d1c2b3a.4711.1795870000000000.zst", true, "imapd", 4711},
		{".core", false, "", 0},
		{"core.c", false, "", 0},
		{"core.jar", false, "", 0},
		{"libcore.so", false, "", 0},
		{"score", false, "", 0},
		{"core.imapd", false, "", 0},
	}
	for _, tt := range tests {
		ni, ok := coreName(tt.name)
		if ok != tt.ok || ni.program != tt.program || ni.pid != tt.pid {
			t.Errorf("%s: got %v %q %d", tt.name, ok, ni.program, ni.pid)
		}
	}
}

func TestPatternGlob(t *testing.T) {
	tests := map[string]string{
		"core":          "core",
		"core.%e.%p.%t": "core.*.*.*",
		"%e-%p-%t.dump": "*-*-*.dump",
		"%e%p.core":     "*.core",
		"100%%.%p":      `100\%.*`,
		"a*b":           `a\*b`,
	}
	for in, want := range tests {
		if got := patternGlob(in); got != want {
			t.Errorf("%q: got %q want %q", in, got, want)
		}
	}
}

// bootID is a boot id as systemd prints it (sd_id128, 32 hex digits).
const bootID = "8f6d5b6d0e0a4a9e9f6c1f1f0d1c2b3a"

// systemdCoreName is the name systemd-coredump gives a core:
// core.<comm>.<uid>.<boot id>.<pid>.<usec>[.<compression>].
func systemdCoreName(comm string, pid int, t time.Time, compression string) string {
	n := fmt.Sprintf("core.%s.0.%s.%d.%d", comm, bootID, pid, t.UnixMicro())
	if compression != "" {
		n += "." + compression
	}
	return n
}
