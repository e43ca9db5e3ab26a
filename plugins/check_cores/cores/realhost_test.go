package cores

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/klauspost/compress/zstd"
	"github.com/pierrec/lz4/v4"
	"github.com/ulikunitz/xz"

	"github.com/msgstore-plugins/msgstore/lib/elfcore/elfcoretest"
	"github.com/msgstore-plugins/msgstore/lib/plugintest"
)

// Cores as real hosts name and store them.

// compress encodes b as systemd-coredump would, with the encoder of the
// library check_cores decodes with.
func compress(t testing.TB, b []byte, compression string) []byte {
	t.Helper()
	var buf bytes.Buffer
	var w io.WriteCloser
	var err error
	switch compression {
	case "zst":
		w, err = zstd.NewWriter(&buf, zstd.WithEncoderConcurrency(1))
	case "lz4":
		w = lz4.NewWriter(&buf)
	case "xz":
		w, err = xz.NewWriter(&buf)
	default:
		return b
	}
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write(b); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// linuxImapd is a Linux daemon's core, as systemd-coredump receives it.
var linuxImapd = elfcoretest.Core{Layout: elfcoretest.LinuxAMD64, Program: "imapd", Args: "/opt/sun/comms/messaging64/lib/imapd", PID: 4711, Signal: 11}

// coredump writes a systemd-coredump core into the host's coredump
// directory, named as systemd names it, dumped age ago.
func (s *server) coredump(t testing.TB, comm string, c elfcoretest.Core, compression string, age time.Duration) string {
	t.Helper()
	when := s.Now.Add(-age)
	p := filepath.Join(s.sys.systemdDir, systemdCoreName(comm, c.PID, when, compression))
	writeAt(t, p, compress(t, c.Bytes(), compression), when)
	return p
}

func writeAt(t testing.TB, p string, b []byte, mtime time.Time) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, b, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(p, mtime, mtime); err != nil {
		t.Fatal(err)
	}
}

// TestSystemdCoredump: systemd-coredump stores cores in
// /var/lib/systemd/coredump as core.<comm>.<uid>.<boot id>.<pid>.<usec>,
// compressed with zstd (the default), lz4 or xz, or not at all
// (systemd-coredump(8), "Storage=external"; coredump.c names them
// "core.%s.%s.%s.%s.%s" + the compressor's suffix).
func TestSystemdCoredump(t *testing.T) {
	big := linuxImapd
	big.Data = 8 << 20 // decompressed well past the 1 MiB read
	tests := []struct {
		name   string
		setup  func(t *testing.T, s *server)
		code   int
		line1  string
		want   []string
		absent []string
	}{
		{
			name:  "zstd",
			setup: func(t *testing.T, s *server) { s.coredump(t, "imapd", linuxImapd, "zst", 2*time.Hour) },
			code:  1,
			line1: "CORES WARNING - 1 core: imapd (pid 4711, 2h ago)",
			want:  []string{"[WARNING] imapd pid 4711: killed by SIGSEGV, dumped 2h ago (", "Linux x86-64 ELF64 core, zstd-compressed by systemd-coredump: "},
		},
		{
			name:  "lz4",
			setup: func(t *testing.T, s *server) { s.coredump(t, "imapd", linuxImapd, "lz4", 2*time.Hour) },
			code:  1,
			line1: "CORES WARNING - 1 core: imapd (pid 4711, 2h ago)",
			want:  []string{"Linux x86-64 ELF64 core, lz4-compressed by systemd-coredump: "},
		},
		{
			name:  "xz",
			setup: func(t *testing.T, s *server) { s.coredump(t, "imapd", linuxImapd, "xz", 2*time.Hour) },
			code:  1,
			line1: "CORES WARNING - 1 core: imapd (pid 4711, 2h ago)",
			want:  []string{"Linux x86-64 ELF64 core, xz-compressed by systemd-coredump: "},
		},
		{
			name:  "stored uncompressed",
			setup: func(t *testing.T, s *server) { s.coredump(t, "imapd", linuxImapd, "", 2*time.Hour) },
			code:  1,
			line1: "CORES WARNING - 1 core: imapd (pid 4711, 2h ago)",
			want:  []string{"Linux x86-64 ELF64 core: "},
		},
		{
			name:   "a big core is read up to its first MiB: not truncated",
			setup:  func(t *testing.T, s *server) { s.coredump(t, "imapd", big, "zst", 2*time.Hour) },
			code:   1,
			line1:  "CORES WARNING - 1 core: imapd (pid 4711, 2h ago)",
			absent: []string{"truncated"},
		},
		{
			name: "the crash time comes from the name, not the mtime",
			setup: func(t *testing.T, s *server) {
				p := s.coredump(t, "imapd", linuxImapd, "zst", 26*time.Hour)
				now := s.Now
				if err := os.Chtimes(p, now, now); err != nil { // copied or touched since
					t.Fatal(err)
				}
			},
			code:  1,
			line1: "CORES WARNING - 1 core: imapd (pid 4711, 1d ago)",
		},
		{
			name: "a comm with an escaped dot, undecodable: program and pid from the name",
			setup: func(t *testing.T, s *server) {
				p := filepath.Join(s.sys.systemdDir, systemdCoreName(`ns\x2dslapd\x2e1`, 999, s.Now.Add(-time.Hour), "lz4"))
				writeAt(t, p, []byte("not lz4 at all, not at all"), s.Now)
			},
			code:  1,
			line1: "CORES WARNING - 1 core: ns-slapd.1 (pid 999, 1h ago, not decoded)",
			want:  []string{"compressed by systemd-coredump, cannot be decoded as lz4: "},
		},
		{
			name: "decompressed, not a core",
			setup: func(t *testing.T, s *server) {
				p := filepath.Join(s.sys.systemdDir, systemdCoreName("imapd", 4711, s.Now.Add(-time.Hour), "zst"))
				writeAt(t, p, compress(t, []byte(strings.Repeat("journal entry\n", 100)), "zst"), s.Now)
			},
			code:  0,
			line1: "CORES OK - no core files in 11 directories",
			want:  []string{"[OK] not a core: ", ".zst (decompressed: not an ELF file)"},
		},
		{
			name: "an xz core asking for a 1 GiB dictionary is not decoded",
			setup: func(t *testing.T, s *server) {
				b := compress(t, linuxImapd.Bytes(), "xz")
				setXzDictCode(t, b, 36) // 1 GiB
				p := filepath.Join(s.sys.systemdDir, systemdCoreName("imapd", 4711, s.Now.Add(-time.Hour), "xz"))
				writeAt(t, p, b, s.Now)
			},
			code:  1,
			line1: "CORES WARNING - 1 core: imapd (pid 4711, 1h ago, not decoded)",
			want:  []string{"cannot be decoded as xz: dictionary of 1024 MiB, more than the 64 MiB allowed"},
		},
		{
			name: "kernel.core_pattern pipes to systemd-coredump",
			setup: func(t *testing.T, s *server) {
				// Debian's and Fedora's value.
				writeHostFile(t, s.sys.corePattern, "|/usr/lib/systemd/systemd-coredump %P %u %g %s %t %c %h\n")
				s.coredump(t, "stored", elfcoretest.Core{Layout: elfcoretest.LinuxAMD64, Program: "stored", PID: 28250, Signal: 6}, "zst", 3*time.Hour)
			},
			code:  1,
			line1: "CORES WARNING - 1 core: stored (pid 28250, 3h ago)",
			want: []string{
				"(kernel.core_pattern pipes to systemd-coredump, any core whatever its name)",
				"[OK] kernel.core_pattern pipes cores to /usr/lib/systemd/systemd-coredump: they go to ",
			},
		},
		{
			name: "systemd-coredump keeps no core: Storage=none in a drop-in",
			setup: func(t *testing.T, s *server) {
				writeHostFile(t, s.sys.corePattern, "|/usr/lib/systemd/systemd-coredump %P %u %g %s %t %c %h\n")
				writeHostFile(t, s.sys.coredumpConf, "[Coredump]\n#Storage=external\nStorage=external\n")
				if err := os.Mkdir(s.sys.coredumpConf+".d", 0o755); err != nil {
					t.Fatal(err)
				}
				writeHostFile(t, s.sys.coredumpConf+".d/50-off.conf", "# no cores on this host\n[Coredump]\nStorage=none\n")
			},
			code:  0,
			line1: "CORES OK - no core files in 10 directories (core dumps disabled: crashes leave no core)",
			want: []string{
				"[OK] core dumps discarded (systemd-coredump Storage=none): crashes leave no core",
				"[OK] kernel.core_pattern pipes cores to /usr/lib/systemd/systemd-coredump, which keeps none (coredump.conf Storage=none)",
			},
		},
		{
			name: "systemd-coredump keeps cores in the journal",
			setup: func(t *testing.T, s *server) {
				writeHostFile(t, s.sys.corePattern, "|/usr/lib/systemd/systemd-coredump %P %u %g %s %t %c %h\n")
				writeHostFile(t, s.sys.coredumpConf, "[Coredump]\nStorage=journal\n")
			},
			code:  0,
			line1: "CORES OK - no core files in 10 directories",
			want:  []string{"which keeps them in the journal (coredump.conf Storage=journal): coredumpctl lists them, this check cannot"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newServer(t)
			tt.setup(t, s)
			out := s.run(t)
			out.Expect(t, "CORES", tt.code)
			if head, _, _ := strings.Cut(out.Line1, " | "); head != tt.line1 {
				t.Errorf("line 1:\n got %s\nwant %s", head, tt.line1)
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

// setXzDictCode rewrites the LZMA2 dictionary size of an xz stream's first
// block, and the block header's checksum with it.
func setXzDictCode(t *testing.T, b []byte, code byte) {
	t.Helper()
	// xz.NewWriter's block header: size, flags, filter id 0x21, props size 1, dict.
	if len(b) < 17 || b[14] != 0x21 || b[15] != 1 {
		t.Fatalf("unexpected block header % x", b[12:20])
	}
	b[16] = code
	head := b[12 : 12+(int(b[12])+1)*4]
	binary.LittleEndian.PutUint32(head[len(head)-4:], crc32.ChecksumIEEE(head[:len(head)-4]))
}

// TestCoreDirectoryAnyName: in a directory that holds nothing but cores,
// a core counts whatever its name. Real sites set coreadm patterns the
// plugin's name list does not know, e.g. core_%n_%f_%u_%g_%t_%p (Solaris
// hardening scripts: coreadm -g /var/cores/core_%n_%f_%u_%g_%t_%p).
func TestCoreDirectoryAnyName(t *testing.T) {
	const hardened = "core_mailhost_imapd_0_0_1795737600_4711"
	tests := []struct {
		name   string
		setup  func(t *testing.T, s *server)
		args   []string
		code   int
		line1  string
		want   []string
		absent []string
	}{
		{
			name: "a hardening script's pattern in /var/cores",
			setup: func(t *testing.T, s *server) {
				s.core(t, cores+"/"+hardened, imapd, 3*time.Hour)
			},
			code:  1,
			line1: "CORES WARNING - 1 core: imapd (pid 4711, 3h ago)",
			want:  []string{"Solaris SPARC ELF32 core: ", "/var/cores/" + hardened},
		},
		{
			name: "other files there are skipped without a word",
			setup: func(t *testing.T, s *server) {
				s.file(t, cores+"/README", []byte("cores go here, see coreadm(1M)\n"), time.Hour)
				s.file(t, cores+"/.lock", nil, time.Hour)
				s.file(t, cores+"/gcore-helper", elfcoretest.Executable(), time.Hour)
				s.file(t, cores+"/x", []byte("ELF"), time.Hour) // too short to be opened
			},
			code:   0,
			line1:  "CORES OK - no core files in 10 directories",
			absent: []string{"README", ".lock", "gcore-helper", "[OK] not a core"},
		},
		{
			name: "in a subdirectory of a core pattern (%n/%f...)",
			setup: func(t *testing.T, s *server) {
				s.core(t, cores+"/mailhost/imapd-4711", imapd, time.Hour)
			},
			code:  1,
			line1: "CORES WARNING - 1 core: imapd (pid 4711, 1h ago)",
		},
		{
			name: "not in msg-svr-base, where any file may be an ELF core-like dump",
			setup: func(t *testing.T, s *server) {
				s.core(t, baseRel+"/lib/"+hardened, imapd, time.Hour)
			},
			code:  0,
			line1: "CORES OK - no core files in 10 directories",
		},
		{
			name: "in every --core-dir",
			setup: func(t *testing.T, s *server) {
				s.core(t, "crash/"+hardened, imapd, time.Hour)
			},
			args:  []string{"--core-dir", "ROOT/crash"},
			code:  1,
			line1: "CORES WARNING - 1 core: imapd (pid 4711, 1h ago)",
			want:  []string{"/crash (--core-dir, any core whatever its name)"},
		},
		{
			name: "a --dir that is a core directory",
			setup: func(t *testing.T, s *server) {
				s.core(t, cores+"/"+hardened, imapd, time.Hour)
			},
			args:  []string{"-d", "ROOT/" + cores},
			code:  1,
			line1: "CORES WARNING - 1 core: imapd (pid 4711, 1h ago)",
		},
		{
			name: "the directory of an absolute kernel.core_pattern",
			setup: func(t *testing.T, s *server) {
				writeHostFile(t, s.sys.corePattern, s.Path("dumps")+"/%e.%p\n")
				s.core(t, "dumps/renamed-by-hand", linuxImapd, time.Hour)
			},
			code:  1,
			line1: "CORES WARNING - 1 core: imapd (pid 4711, 1h ago)",
			want:  []string{"[OK] kernel.core_pattern " + "ROOT/dumps/%e.%p: cores go to ROOT/dumps"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newServer(t)
			tt.setup(t, s)
			args := make([]string, len(tt.args))
			for i, a := range tt.args {
				args[i] = strings.ReplaceAll(a, "ROOT", s.Root)
			}
			out := s.run(t, args...)
			out.Expect(t, "CORES", tt.code)
			if head, _, _ := strings.Cut(out.Line1, " | "); head != tt.line1 {
				t.Errorf("line 1:\n got %s\nwant %s", head, tt.line1)
			}
			for _, w := range tt.want {
				out.Contains(t, strings.ReplaceAll(w, "ROOT", s.Root))
			}
			for _, a := range tt.absent {
				if strings.Contains(out.Stdout, a) {
					t.Errorf("output has %q:\n%s", a, out.Stdout)
				}
			}
		})
	}
}

// TestSharedDirIsNotDedicated: a core pattern writing into /tmp does not
// make every ELF file in /tmp a crash to report.
func TestSharedDirIsNotDedicated(t *testing.T) {
	for p, want := range map[string]bool{"/tmp/core.%e.%p": false, "/var/tmp/%e.core": false, "/core": false,
		"/var/crash/%e.%p": true, "/var/cores/%n/%f.%p": true, "/data/dumps/core": true} {
		d, _ := fromPattern(p, "test")
		if len(d) != 1 || d[0].dedicated != want {
			t.Errorf("%s: %+v, want dedicated %v", p, d, want)
		}
	}
}

// TestParseSystemdName on names systemd-coredump writes.
func TestParseSystemdName(t *testing.T) {
	tests := []struct {
		name        string
		ok          bool
		comm        string
		pid         int
		usec        int64
		compression string
	}{
		// coredumpctl info of a Fedora host.
		{"core.bash.1000.2f5e7c2a3b9d4e0f8a1b2c3d4e5f6a7b.26751.1700000000000000.zst", true, "bash", 26751, 1700000000000000, "zst"},
		{"core.imapd.0.8f6d5b6d0e0a4a9e9f6c1f1f0d1c2b3a.4711.1795870000000000.lz4", true, "imapd", 4711, 1795870000000000, "lz4"},
		{"core.imapd.0.8f6d5b6d0e0a4a9e9f6c1f1f0d1c2b3a.4711.1795870000000000.xz", true, "imapd", 4711, 1795870000000000, "xz"},
		{"core.imapd.0.8f6d5b6d0e0a4a9e9f6c1f1f0d1c2b3a.4711.1795870000000000", true, "imapd", 4711, 1795870000000000, ""},
		// systemd escapes the dots of comm; an unescaped dot still parses.
		{`core.ns\x2eslapd.0.8f6d5b6d0e0a4a9e9f6c1f1f0d1c2b3a.1.2.zst`, true, "ns.slapd", 1, 2, "zst"},
		{"core.a.b.0.8f6d5b6d0e0a4a9e9f6c1f1f0d1c2b3a.1.2.zst", true, "a.b", 1, 2, "zst"},
		{`core.bad\x0a\xzz.0.8f6d5b6d0e0a4a9e9f6c1f1f0d1c2b3a.1.2`, true, `bad\x0a\xzz`, 1, 2, ""},
		{"core.imapd.0.8F6D5B6D0E0A4A9E9F6C1F1F0D1C2B3A.4711.1.zst", false, "", 0, 0, ""},
		{"core..0.8f6d5b6d0e0a4a9e9f6c1f1f0d1c2b3a.4711.1.zst", false, "", 0, 0, ""},
		{"core.imapd.0.8f6d5b6d.4711.1.zst", false, "", 0, 0, ""},
		{"core.imapd.4711", false, "", 0, 0, ""},
		{"core.imapd.0.8f6d5b6d0e0a4a9e9f6c1f1f0d1c2b3a.4711.1.gz", false, "", 0, 0, ""},
	}
	for _, tt := range tests {
		n, ok := parseSystemdName(tt.name)
		if ok != tt.ok || n.comm != tt.comm || n.pid != tt.pid || n.usec != tt.usec || n.compression != tt.compression {
			t.Errorf("%s: got %v %+v", tt.name, ok, n)
		}
	}
}

// A dedicated directory full of other files: each costs a stat and, when
// long enough for an ELF header, one small read.
//
//	go test -run '^$' -bench CoreDirFullOfFiles ./plugins/check_cores/cores
func BenchmarkCoreDirFullOfFiles(b *testing.B) {
	s := newServer(b)
	for i := 0; i < 5000; i++ {
		s.file(b, fmt.Sprintf("%s/file%d.txt", cores, i), []byte("some text that is no core at all\n"), time.Hour)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if out := s.run(b); out.Code != 0 {
			b.Fatalf("exit %d: %s", out.Code, out.Stdout)
		}
	}
}

// TestBinarySystemdCoredump runs the built check_cores on a coredump
// directory given as --core-dir, as a Linux host with systemd-coredump
// keeps it.
func TestBinarySystemdCoredump(t *testing.T) {
	s := newServer(t)
	zst := s.coredump(t, "imapd", linuxImapd, "zst", 2*time.Hour)
	s.coredump(t, "stored", elfcoretest.Core{Layout: elfcoretest.LinuxAMD64, Program: "stored", PID: 28250, Signal: 6}, "lz4", 30*time.Hour)
	bad := filepath.Join(s.sys.systemdDir, systemdCoreName("tcp_smtp_server", 3131, s.Now.Add(-50*time.Hour), "xz"))
	writeAt(t, bad, []byte("\xfd7zXZ\x00 cut short"), s.Now)

	bin := plugintest.Build(t, "check_cores")
	out := plugintest.Run(t, bin, nil, "-B", s.Base(), "--core-dir", s.sys.systemdDir, "-C", "stored")
	out.Expect(t, "CORES", 2)
	if out.Summary != "3 cores: stored (pid 28250, 1d ago), imapd (pid 4711, 2h ago), tcp_smtp_server (pid 3131, 2d ago, not decoded)" {
		t.Errorf("summary: %s", out.Summary)
	}
	out.Contains(t,
		"[CRITICAL] stored pid 28250 (critical program): killed by SIGABRT, dumped 1d6h ago (",
		"Linux x86-64 ELF64 core, lz4-compressed by systemd-coredump: ",
		"[WARNING] imapd pid 4711: killed by SIGSEGV, dumped 2h ago (",
		"Linux x86-64 ELF64 core, zstd-compressed by systemd-coredump: "+zst,
		"[WARNING] tcp_smtp_server pid 3131: dumped 2d2h ago (",
		"compressed by systemd-coredump, cannot be decoded as xz: ",
	)
	if p := out.Perf["cores"]; p.Value != 3 {
		t.Errorf("cores perfdata %+v", p)
	}
}

// TestBinaryUnreadableInCoreDirectory: a core the monitoring user cannot
// read (mode 0600, as daemons write them) under a name no list knows
// still counts in a core directory.
func TestBinaryUnreadableInCoreDirectory(t *testing.T) {
	s := newServer(t)
	s.core(t, cores+"/core_mailhost_imapd_0_0_1795737600_4711", imapd, 3*time.Hour) // mode 0600
	if err := os.Mkdir(s.Path(baseRel+"/lib/private"), 0o700); err != nil {
		t.Fatal(err)
	}
	run := asUnprivileged(t, s)
	out := run("--core-dir", s.Path(cores), "-x", s.Path(baseRel+"/lib/private"))
	out.Expect(t, "CORES", 1)
	if out.Summary != "1 core: unknown program (3h ago, unreadable)" {
		t.Errorf("summary: %s", out.Summary)
	}
	out.Contains(t, "not readable (permission denied), not confirmed by its header; counted because it is in a core directory: "+
		s.Path(cores+"/core_mailhost_imapd_0_0_1795737600_4711"))
}
