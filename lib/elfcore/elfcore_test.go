package elfcore_test

import (
	"bytes"
	"debug/elf"
	"os"
	"strings"
	"testing"

	"github.com/msgstore-plugins/msgstore/lib/elfcore"
	"github.com/msgstore-plugins/msgstore/lib/elfcore/elfcoretest"
)

func identify(t *testing.T, b []byte) *elfcore.Info {
	t.Helper()
	info, err := elfcore.Identify(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatalf("Identify: %v", err)
	}
	return info
}

func TestWrittenLayouts(t *testing.T) {
	tests := []struct {
		layout    elfcoretest.Layout
		os        elfcore.OS
		class     int
		big       bool
		machine   elf.Machine
		note      string
		signal    int
		sigName   string
		describes string
	}{
		{elfcoretest.LinuxAMD64, elfcore.Linux, 64, false, elf.EM_X86_64, "NT_PRPSINFO", 11, "SIGSEGV", "Linux x86-64 ELF64 core"},
		{elfcoretest.Linux386, elfcore.Linux, 32, false, elf.EM_386, "NT_PRPSINFO", 7, "SIGBUS", "Linux i386 ELF32 core"},
		{elfcoretest.SolarisSPARC32, elfcore.Solaris, 32, true, elf.EM_SPARC, "NT_PSINFO", 10, "SIGBUS", "Solaris SPARC ELF32 core"},
		{elfcoretest.SolarisSPARC64, elfcore.Solaris, 64, true, elf.EM_SPARCV9, "NT_PSINFO", 11, "SIGSEGV", "Solaris SPARCv9 ELF64 core"},
		{elfcoretest.SolarisX86, elfcore.Solaris, 32, false, elf.EM_386, "NT_PSINFO", 6, "SIGABRT", "Solaris i386 ELF32 core"},
		{elfcoretest.SolarisAMD64, elfcore.Solaris, 64, false, elf.EM_X86_64, "NT_PSINFO", 11, "SIGSEGV", "Solaris x86-64 ELF64 core"},
	}
	for _, tt := range tests {
		t.Run(tt.layout.String(), func(t *testing.T) {
			c := elfcoretest.Core{Layout: tt.layout, Program: "imapd", Args: "/opt/SUNWmsgsr/lib/imapd -d", PID: 4711, Signal: tt.signal}
			b := c.Bytes()
			info := identify(t, b)
			if info.Kind != elfcore.Core || info.Truncated || info.Problem != "" {
				t.Fatalf("kind %v truncated %v problem %q", info.Kind, info.Truncated, info.Problem)
			}
			if info.OS != tt.os || info.Class != tt.class || info.BigEndian != tt.big || info.Machine != tt.machine || info.Note != tt.note {
				t.Errorf("got os %q class %d big %v machine %v note %s", info.OS, info.Class, info.BigEndian, info.Machine, info.Note)
			}
			if info.Program != "imapd" || info.PID != 4711 || info.Args != c.Args {
				t.Errorf("got program %q pid %d args %q", info.Program, info.PID, info.Args)
			}
			if info.Signal != tt.signal || info.SignalName() != tt.sigName {
				t.Errorf("got signal %d %s, want %d %s", info.Signal, info.SignalName(), tt.signal, tt.sigName)
			}
			if info.Describe() != tt.describes || info.Expected != int64(len(b)) {
				t.Errorf("describe %q expected %d (len %d)", info.Describe(), info.Expected, len(b))
			}
		})
	}
}

// TestOldSolarisNotesOnly reads a Solaris core whose new note segment is
// gone (Solaris 8 and older write only the old notes).
func TestOldSolarisNotesOnly(t *testing.T) {
	for _, l := range []elfcoretest.Layout{elfcoretest.SolarisSPARC32, elfcoretest.SolarisSPARC64} {
		b := elfcoretest.Core{Layout: l, Program: "stored", PID: 28250, Signal: 6}.Bytes()
		// Turn the second PT_NOTE into PT_NULL.
		phoff, phsize := 52, 32
		if l.Is64() {
			phoff, phsize = 64, 56
		}
		b[phoff+phsize+3] = 0 // big-endian p_type low byte: PT_NOTE(4) -> PT_NULL(0)
		info := identify(t, b)
		if info.Note != "NT_PRPSINFO" || info.OS != elfcore.Solaris || info.Program != "stored" || info.PID != 28250 {
			t.Errorf("%v: got note %s os %s program %q pid %d", l, info.Note, info.OS, info.Program, info.PID)
		}
	}
}

func TestLongProgramNameFromArgs(t *testing.T) {
	b := elfcoretest.Core{Layout: elfcoretest.LinuxAMD64, Program: "tcp_smtp_server_x", Args: "/opt/sun/comms/messaging64/lib/tcp_smtp_server_x -d", PID: 9}.Bytes()
	if got := identify(t, b).Program; got != "tcp_smtp_server_x" {
		t.Errorf("program %q", got)
	}
}

func TestKinds(t *testing.T) {
	core := elfcoretest.Core{Layout: elfcoretest.SolarisSPARC64, Program: "imapd", PID: 12345, Signal: 11}.Bytes()
	tests := []struct {
		name      string
		data      []byte
		kind      elfcore.Kind
		truncated bool
		program   string
	}{
		{"empty", nil, elfcore.Empty, true, ""},
		{"text", []byte("this is not a core dump\n"), elfcore.NotELF, false, ""},
		{"magic prefix only", []byte("\x7fEL"), elfcore.CutELF, true, ""},
		{"ident only", core[:16], elfcore.CutELF, true, ""},
		{"header cut", core[:40], elfcore.Core, true, ""},
		{"program headers cut", core[:100], elfcore.Core, true, ""},
		{"notes cut after psinfo", core[:1200], elfcore.Core, true, "imapd"},
		{"memory image cut", core[:len(core)-100], elfcore.Core, true, "imapd"},
		{"executable", elfcoretest.Executable(), elfcore.NotCore, false, ""},
		{"bad class", append([]byte("\x7fELF\x07\x01\x01"), make([]byte, 60)...), elfcore.NotELF, false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			info := identify(t, tt.data)
			if info.Kind != tt.kind || info.Truncated != tt.truncated || info.Program != tt.program {
				t.Errorf("got kind %v truncated %v program %q (%s)", info.Kind, info.Truncated, info.Program, info.Problem)
			}
		})
	}
	if d := identify(t, elfcoretest.Executable()).Describe(); d != "ELF executable, not a core" {
		t.Errorf("describe %q", d)
	}
}

// TestGenuineLinuxCore has the kernel dump a real process (sleep, killed
// with SIGSEGV) and reads what the kernel wrote.
func TestGenuineLinuxCore(t *testing.T) {
	path, pid := elfcoretest.GenuineLinuxCore(t, t.TempDir(), 0)
	info := identifyFile(t, path)
	if info.Kind != elfcore.Core || info.Truncated || info.OS != elfcore.Linux || info.Problem != "" {
		t.Fatalf("kind %v truncated %v os %q problem %q", info.Kind, info.Truncated, info.OS, info.Problem)
	}
	if info.Program != "sleep" || info.PID != pid || info.SignalName() != "SIGSEGV" || !strings.HasPrefix(info.Args, "sleep 60") {
		t.Errorf("program %q pid %d (want %d) signal %s args %q", info.Program, info.PID, pid, info.SignalName(), info.Args)
	}
}

// TestGenuineTruncatedLinuxCore lets the kernel stop at a 64 KiB core size
// limit: a real dump cut midway.
func TestGenuineTruncatedLinuxCore(t *testing.T) {
	path, pid := elfcoretest.GenuineLinuxCore(t, t.TempDir(), 64)
	info := identifyFile(t, path)
	if info.Kind != elfcore.Core || !info.Truncated || info.Size > 64<<10 || info.Expected <= info.Size {
		t.Fatalf("kind %v truncated %v size %d expected %d", info.Kind, info.Truncated, info.Size, info.Expected)
	}
	if info.Program != "sleep" || info.PID != pid {
		t.Errorf("program %q pid %d", info.Program, info.PID)
	}
}

func identifyFile(t *testing.T, path string) *elfcore.Info {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		t.Fatal(err)
	}
	info, err := elfcore.Identify(f, fi.Size())
	if err != nil {
		t.Fatal(err)
	}
	return info
}
