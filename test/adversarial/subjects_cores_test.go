package adversarial

import (
	"os"
	"testing"
	"time"

	"github.com/klauspost/compress/zstd"

	"github.com/msgstore-plugins/msgstore/lib/elfcore/elfcoretest"
	"github.com/msgstore-plugins/msgstore/lib/fixture"
)

const (
	coreDirRel = "var/cores"
	coreRel    = coreDirRel + "/imapd.mailhost.4242.1796000000.core"
	// As systemd-coredump names a zstd-compressed core.
	zstCoreRel = coreDirRel + "/core.imapd.0.8f6d5b6d0e0a4a9e9f6c1f1f0d1c2b3a.4242.1796000000000000.zst"
	// In a core directory a core counts whatever its name (coreadm
	// core_%n_%f_%u_%g_%t_%p of hardening scripts).
	anyNameRel = coreDirRel + "/core_mailhost_imapd_0_0_1796000000_4242"
)

// writeCore puts an imapd core (SIGSEGV, an hour old) into the core
// directory: the healthy sample has none.
func writeCore(t *testing.T, s *fixture.Server) {
	c := elfcoretest.Core{Layout: elfcoretest.LinuxAMD64, Program: "imapd", Args: "imapd -d", PID: 4242, Signal: 11}
	if err := c.WriteFile(s.Path(coreRel), s.Now.Add(-time.Hour)); err != nil {
		t.Fatal(err)
	}
}

// writeZstCore puts the same core, zstd-compressed, under
// systemd-coredump's name.
func writeZstCore(t *testing.T, s *fixture.Server) {
	c := elfcoretest.Core{Layout: elfcoretest.LinuxAMD64, Program: "imapd", Args: "imapd -d", PID: 4242, Signal: 11}
	enc, err := zstd.NewWriter(nil, zstd.WithEncoderConcurrency(1))
	if err != nil {
		t.Fatal(err)
	}
	b := enc.EncodeAll(c.Bytes(), nil)
	enc.Close()
	p := s.Path(zstCoreRel)
	if err := os.WriteFile(p, b, 0o600); err != nil {
		t.Fatal(err)
	}
	when := s.Now.Add(-time.Hour)
	if err := os.Chtimes(p, when, when); err != nil {
		t.Fatal(err)
	}
}

// writeAnyNameCore puts the core under a name no list knows.
func writeAnyNameCore(t *testing.T, s *fixture.Server) {
	c := elfcoretest.Core{Layout: elfcoretest.SolarisSPARC32, Program: "imapd", Args: "imapd", PID: 4242, Signal: 11}
	if err := c.WriteFile(s.Path(anyNameRel), s.Now.Add(-time.Hour)); err != nil {
		t.Fatal(err)
	}
}

func init() {
	register(subject{
		plugin: "check_cores", service: "CORES",
		// --core-dir replaces the host's system core directories, so the
		// host's own cores do not matter.
		args: func(s *fixture.Server, state string) []string {
			return []string{"-B", s.Base(), "--core-dir", s.Path(coreDirRel)}
		},
		modes: [][]string{{"--no-system-dirs"}, {"--depth", "0", "-v", "-v"}, {"-n", "*.dump", "-C", "imapd"}},
		inputs: []input{
			// An explicit --core-dir that cannot be searched is UNKNOWN.
			{rel: coreDirRel, expect: map[string]want{
				"empty": named(3), "binary garbage": named(3), "invalid utf-8": named(3),
				"10 MB single line": named(3), "enormous numbers": named(3), "negative numbers": named(3),
				"replaced by a directory": code(0), "fifo": named(3), "dangling symlink": named(3),
				"symlink loop": named(3), "mtime in the future": code(0), "mtime at epoch 0": code(0),
				"missing": named(3), "permission denied": named(3),
			}},
			// A core file: counted (WARNING) when its header says core or it
			// cannot be opened (counted by name), empty counts too; a file
			// named like a core that is not one is only listed (OK).
			{rel: coreRel, setup: writeCore, expect: map[string]want{
				// Line 1 names the program and pid; the long output the file.
				"empty": listed(1), "binary garbage": code(0), "invalid utf-8": code(0),
				"10 MB single line": code(0), "enormous numbers": code(0), "negative numbers": code(0),
				"replaced by a directory": code(0), "fifo": code(0), "dangling symlink": code(0),
				"symlink loop": code(0), "mtime in the future": listed(1), "mtime at epoch 0": listed(1),
				"missing": code(0), "permission denied": listed(1),
			}},
			{rel: zstCoreRel, setup: writeZstCore, expect: map[string]want{
				"empty": listed(1), "binary garbage": listed(1), "invalid utf-8": listed(1),
				"10 MB single line": listed(1), "enormous numbers": listed(1), "negative numbers": listed(1),
				"replaced by a directory": code(0), "fifo": code(0), "dangling symlink": code(0),
				"symlink loop": code(0), "mtime in the future": listed(1), "mtime at epoch 0": listed(1),
				"missing": code(0), "permission denied": listed(1),
			}},
			{rel: anyNameRel, setup: writeAnyNameCore, expect: map[string]want{
				"empty": code(0), "binary garbage": code(0), "invalid utf-8": code(0),
				"10 MB single line": code(0), "enormous numbers": code(0), "negative numbers": code(0),
				"replaced by a directory": code(0), "fifo": code(0), "dangling symlink": code(0),
				"symlink loop": code(0), "mtime in the future": listed(1), "mtime at epoch 0": listed(1),
				"missing": code(0), "permission denied": listed(1),
			}},
		},
		blind: coreDirRel,
	})
}
