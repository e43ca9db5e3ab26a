package cores

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/msgstore-plugins/msgstore/lib/plugintest"
)

// coreadm's output as Solaris prints it for `coreadm` with no argument.
const (
	// Solaris 10 coreadm(1M) manual, "coreadm with no arguments reports
	// the current system configuration".
	solaris10Output = `    global core file pattern: /var/core/core.%f.%p
      init core file pattern: core
           global core dumps: enabled
      per-process core dumps: enabled
     global setid core dumps: enabled
per-process setid core dumps: disabled
    global core dump logging: disabled
`
	// Solaris 11 after Sun's "Gathering Debug Data for Messaging Server":
	// coreadm -g /var/cores/%f.%n.%p.%t.core -e global -e global-setid -e log -d process -d proc-setid
	solaris11Output = `     global core file pattern: /var/cores/%f.%n.%p.%t.core
     global core file content: default
       init core file pattern: core
       init core file content: default
            global core dumps: enabled
       per-process core dumps: disabled
      global setid core dumps: enabled
 per-process setid core dumps: disabled
     global core dump logging: enabled
`
	// Solaris 11's defaults with core dumps switched off altogether.
	disabledOutput = `     global core file pattern:
     global core file content: default
       init core file pattern: core
       init core file content: default
            global core dumps: disabled
       per-process core dumps: disabled
      global setid core dumps: disabled
 per-process setid core dumps: disabled
     global core dump logging: disabled
`
)

func TestParseCoreadmOutput(t *testing.T) {
	tests := []struct {
		name     string
		out      string
		ok       bool
		want     coreadmSettings
		expect   []string
		disabled string
	}{
		{"Solaris 10 manual", solaris10Output, true,
			coreadmSettings{source: "coreadm", globalPattern: "/var/core/core.%f.%p", initPattern: "core", global: enabled, process: enabled, globalSetid: enabled, processSetid: disabled},
			[]string{"coreadm: global core dumps enabled, pattern /var/core/core.%f.%p",
				"coreadm: per-process core dumps enabled, init pattern core: a daemon dumps into its working directory unless it set its own pattern",
				"coreadm: per-process setid core dumps disabled: a process that changed its user or group id (a daemon started as root running as another user) leaves no per-process core"}, ""},
		{"Sun's debugging guide", solaris11Output, true,
			coreadmSettings{source: "coreadm", globalPattern: "/var/cores/%f.%n.%p.%t.core", initPattern: "core", global: enabled, process: disabled, globalSetid: enabled, processSetid: disabled},
			[]string{"coreadm: global core dumps enabled, pattern /var/cores/%f.%n.%p.%t.core", "coreadm: per-process core dumps disabled"}, ""},
		{"disabled", disabledOutput, true,
			coreadmSettings{source: "coreadm", initPattern: "core", global: disabled, process: disabled, globalSetid: disabled, processSetid: disabled},
			[]string{"coreadm: global core dumps disabled (pattern core)", "coreadm: per-process core dumps disabled"},
			"core dumps disabled (coreadm: global and per-process): crashes leave no core"},
		{"not coreadm", "usage: coreadm [-g pattern]\n", false, coreadmSettings{source: "coreadm"}, nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := parseCoreadmOutput(tt.out)
			if ok != tt.ok || got != tt.want {
				t.Fatalf("got %v %+v\nwant %+v", ok, got, tt.want)
			}
			lines, disabled := got.expectations()
			if strings.Join(lines, "\n") != strings.Join(tt.expect, "\n") || disabled != tt.disabled {
				t.Errorf("expectations:\n%s\ndisabled %q", strings.Join(lines, "\n"), disabled)
			}
		})
	}
}

// standIn writes a shell script that stands for /usr/bin/coreadm.
func standIn(t testing.TB, path, body string) {
	t.Helper()
	if err := os.WriteFile(path, []byte("#!/bin/sh\n"+body+"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
}

// printing is a stand-in body that prints out, with the pattern's
// /var/cores moved into the sample.
func printing(s *server, out string) string {
	return "cat <<'EOF'\n" + strings.ReplaceAll(out, "/var/cores/", s.Path("globalcores")+"/") + "EOF"
}

// TestCoreadmCommand: Solaris 11 keeps coreadm's settings in SMF; the
// coreadm command prints them.
func TestCoreadmCommand(t *testing.T) {
	tests := []struct {
		name   string
		script func(s *server) string
		setup  func(t *testing.T, s *server)
		args   []string
		code   int
		line1  string
		want   []string
		absent []string
	}{
		{
			name:   "the global pattern's directory is searched for any core",
			script: func(s *server) string { return printing(s, solaris11Output) },
			setup: func(t *testing.T, s *server) {
				s.core(t, "globalcores/imapd.mailhost.4711.1795870000.core", imapd, 3*time.Hour)
				s.core(t, "globalcores/renamed", stored, 2*time.Hour)
			},
			code:  1,
			line1: "CORES WARNING - 2 cores: stored (pid 28250, 2h ago), imapd (pid 4711, 3h ago)",
			want: []string{
				"/globalcores (coreadm pattern ROOT/globalcores/%f.%n.%p.%t.core, any core whatever its name)",
				"[OK] coreadm: global core dumps enabled, pattern ROOT/globalcores/%f.%n.%p.%t.core",
				"[OK] coreadm: per-process core dumps disabled",
			},
		},
		{
			name: "an empty core's program and pid come from the pattern",
			script: func(s *server) string {
				// A hardening script's pattern.
				return printing(s, strings.ReplaceAll(solaris11Output, "%f.%n.%p.%t.core", "core_%n_%f_%u_%g_%t_%p"))
			},
			setup: func(t *testing.T, s *server) {
				s.file(t, "globalcores/core_mailhost_tcp_smtp_server_0_0_1795737600_4711", nil, time.Hour)
			},
			code:  1,
			line1: "CORES WARNING - 1 core: tcp_smtp_server (pid 4711, 1h ago, empty)",
		},
		{
			name:   "coreadm wins over a stale coreadm.conf",
			script: func(s *server) string { return printing(s, solaris11Output) },
			setup: func(t *testing.T, s *server) {
				writeHostFile(t, s.sys.coreadmConf, "COREADM_GLOB_PATTERN="+s.Path("old")+"/core.%f.%p\nCOREADM_GLOB_ENABLED=yes\n")
			},
			code:   0,
			absent: []string{"/old"},
		},
		{
			name:   "dumps disabled: OK, said on line 1 and in long output",
			script: func(s *server) string { return printing(s, disabledOutput) },
			code:   0,
			line1:  "CORES OK - no core files in 10 directories (core dumps disabled: crashes leave no core)",
			want:   []string{"[OK] core dumps disabled (coreadm: global and per-process): crashes leave no core"},
		},
		{
			name:   "dumps disabled, --dumps-disabled warning",
			script: func(s *server) string { return printing(s, disabledOutput) },
			args:   []string{"--dumps-disabled", "warning"},
			code:   1,
			line1:  "CORES WARNING - no core files in 10 directories (core dumps disabled: crashes leave no core)",
			want:   []string{"[WARNING] core dumps disabled (coreadm: global and per-process): crashes leave no core"},
		},
		{
			name:   "coreadm fails: UNKNOWN, coreadm.conf read instead",
			script: func(s *server) string { return "echo 'coreadm: cannot get core settings' >&2; exit 1" },
			setup: func(t *testing.T, s *server) {
				writeHostFile(t, s.sys.coreadmConf, "COREADM_GLOB_PATTERN="+s.Path("old")+"/core.%f.%p\nCOREADM_GLOB_ENABLED=yes\n")
			},
			code:  3,
			line1: "CORES UNKNOWN - cannot read the core settings: COREADM ended with exit status 1: coreadm: cannot get core settings",
			want:  []string{"[OK] ROOT/coreadm.conf: global core dumps enabled, pattern ROOT/old/core.%f.%p"},
		},
		{
			name:   "coreadm prints nothing useful",
			script: func(s *server) string { return "echo hello" },
			code:   3,
			line1:  "CORES UNKNOWN - cannot read the core settings: COREADM printed no core file setting (1 lines)",
		},
		{
			name:  "an explicit --coreadm that does not exist",
			args:  []string{"--coreadm", "ROOT/nowhere/coreadm"},
			code:  3,
			line1: "CORES UNKNOWN - cannot read the core settings: ROOT/nowhere/coreadm does not exist",
		},
		{
			name:  "a relative --coreadm",
			args:  []string{"--coreadm", "bin/coreadm"},
			code:  3,
			line1: "CORES UNKNOWN - --coreadm bin/coreadm: must be an absolute path (see check_cores --help)",
		},
		{
			name:   "a --coreadm that is not executable",
			script: func(s *server) string { return "" },
			setup: func(t *testing.T, s *server) {
				if err := os.Chmod(s.sys.coreadm, 0o644); err != nil {
					t.Fatal(err)
				}
			},
			code:  3,
			line1: "CORES UNKNOWN - cannot read the core settings: COREADM is not executable (mode 0644)",
		},
		{
			name:  "no coreadm, no coreadm.conf: nothing said about coreadm",
			code:  0,
			line1: "CORES OK - no core files in 10 directories",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newServer(t)
			// The host directory of the stand-ins is ROOT in the texts.
			host := filepath.Dir(s.sys.coreadm)
			if tt.script != nil {
				standIn(t, s.sys.coreadm, tt.script(s))
			}
			if tt.setup != nil {
				tt.setup(t, s)
			}
			args := make([]string, len(tt.args))
			for i, a := range tt.args {
				args[i] = strings.ReplaceAll(a, "ROOT", host)
			}
			out := s.run(t, args...)
			out.Expect(t, "CORES", tt.code)
			repl := strings.NewReplacer("COREADM", s.sys.coreadm, "ROOT/globalcores", s.Path("globalcores"), "ROOT/old", s.Path("old"), "ROOT", host)
			if head, _, _ := strings.Cut(out.Line1, " | "); tt.line1 != "" && head != repl.Replace(tt.line1) {
				t.Errorf("line 1:\n got %s\nwant %s", head, repl.Replace(tt.line1))
			}
			for _, w := range tt.want {
				out.Contains(t, repl.Replace(w))
			}
			for _, a := range tt.absent {
				if strings.Contains(out.Stdout, repl.Replace(a)) {
					t.Errorf("output has %q:\n%s", a, out.Stdout)
				}
			}
		})
	}
}

// TestBinaryCoreadm runs the built check_cores with a stand-in coreadm, as
// Nagios would on a Solaris 11 host.
func TestBinaryCoreadm(t *testing.T) {
	s := newServer(t)
	bin := plugintest.Build(t, "check_cores")
	script := filepath.Join(t.TempDir(), "coreadm")
	// A hardening script's pattern (coreadm -g /var/cores/core_%n_%f_%u_%g_%t_%p).
	out := strings.ReplaceAll(solaris11Output, "/var/cores/%f.%n.%p.%t.core", s.Path("globalcores")+"/core_%n_%f_%u_%g_%t_%p")
	standIn(t, script, "cat <<'EOF'\n"+out+"EOF")
	s.core(t, "globalcores/core_mailhost_imapd_0_0_1795737600_4711", imapd, 3*time.Hour)

	res := plugintest.Run(t, bin, nil, "-B", s.Base(), "--coreadm", script, "-C", "imapd")
	res.Expect(t, "CORES", 2)
	if res.Summary != "1 core: imapd (pid 4711, 3h ago)" {
		t.Errorf("summary: %s", res.Summary)
	}
	res.Contains(t,
		"[CRITICAL] imapd pid 4711 (critical program): killed by SIGSEGV",
		"Solaris SPARC ELF32 core: "+s.Path("globalcores/core_mailhost_imapd_0_0_1795737600_4711"),
		"[OK] coreadm: global core dumps enabled, pattern "+s.Path("globalcores")+"/core_%n_%f_%u_%g_%t_%p",
	)

	disabled := filepath.Join(t.TempDir(), "coreadm")
	standIn(t, disabled, "cat <<'EOF'\n"+disabledOutput+"EOF")
	res = plugintest.Run(t, bin, nil, "-B", s.Base(), "--core-dir", s.Path(cores), "--coreadm", disabled, "--dumps-disabled", "critical")
	res.Expect(t, "CORES", 2)
	if res.Summary != "no core files in 10 directories (core dumps disabled: crashes leave no core)" {
		t.Errorf("summary: %s", res.Summary)
	}

	// A coreadm that hangs is killed at the timeout.
	hang := filepath.Join(t.TempDir(), "coreadm")
	standIn(t, hang, "exec sleep 60")
	res = plugintest.Run(t, bin, nil, "-B", s.Base(), "--coreadm", hang, "-t", "1")
	res.Expect(t, "CORES", 3)
	if !strings.HasPrefix(res.Summary, "timed out after 1s while running "+hang) {
		t.Errorf("summary: %s", res.Summary)
	}
}
