package cores

import (
	"strings"
	"testing"
)

func TestCompileNamePattern(t *testing.T) {
	tests := []struct {
		pattern, name string
		ok            bool
		program       string
		pid           int
	}{
		// Solaris hardening scripts.
		{"/var/cores/core_%n_%f_%u_%g_%t_%p", "core_mailhost_imapd_0_0_1795737600_4711", true, "imapd", 4711},
		{"/var/cores/core_%n_%f_%u_%g_%t_%p", "core_mailhost_tcp_smtp_server_0_0_1795737600_4711", true, "tcp_smtp_server", 4711},
		{"/var/cores/core_%n_%f_%u_%g_%t_%p", "core_mailhost_imapd", false, "", 0},
		// Sun's debugging guide.
		{"/var/cores/%f.%n.%p.%t.core", "imapd.mail.example.com.12345.1196035200.core", true, "imapd", 12345},
		{"/var/cores/%f.%n.%p.%t.core", "job_controller.mailhost.77.1196035200.core", true, "job_controller", 77},
		// The coreadm manual; Linux core_pattern examples.
		{"/var/core/core.%f.%p", "core.stored.28250", true, "stored", 28250},
		{"/var/crash/core.%e.%p.%h.%t", "core.imapd.4711.mailhost.1795870000", true, "imapd", 4711},
		{"core.%p", "core.4711", true, "", 4711},
		{"100%%-%p", "100%-7", true, "", 7},
		{"%f.%p.%f", "a.1.a", true, "a", 1},
		{"core", "core", false, "", 0},
		{"/var/cores/%n.%t", "x.1", false, "", 0},
	}
	for _, tt := range tests {
		np, compiled := compileNamePattern(tt.pattern)
		if !compiled {
			if tt.ok {
				t.Errorf("%s: not compiled", tt.pattern)
			}
			continue
		}
		ni, ok := np.parse(tt.name)
		if ok != tt.ok || ni.program != tt.program || ni.pid != tt.pid {
			t.Errorf("%s on %s: got %v %q %d", tt.pattern, tt.name, ok, ni.program, ni.pid)
		}
	}
}

// FuzzNamePattern: core patterns come from the host (coreadm,
// kernel.core_pattern). Whatever the pattern, it compiles or is refused
// without a panic, and a name it produces is read back.
func FuzzNamePattern(f *testing.F) {
	for _, s := range []string{"core_%n_%f_%u_%g_%t_%p", "%f.%n.%p.%t.core", "core.%e.%p.%h.%t", "%%%p", "%", "(%f)[%p]*", "%f%p"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, pattern string) {
		if strings.ContainsAny(pattern, "/\x00") {
			return
		}
		np, ok := compileNamePattern(pattern)
		if !ok {
			return
		}
		name := expandPattern(pattern)
		ni, ok := np.parse(name)
		if !ok {
			t.Fatalf("pattern %q: its own name %q not read (%s)", pattern, name, np.re)
		}
		if ni.pid < 0 {
			t.Fatalf("pattern %q: pid %d", pattern, ni.pid)
		}
	})
}

// expandPattern is what a kernel writes for pattern: fixed values for
// each specifier.
func expandPattern(pattern string) string {
	var b strings.Builder
	for i := 0; i < len(pattern); i++ {
		c := pattern[i]
		if c != '%' || i+1 >= len(pattern) {
			b.WriteByte(c)
			continue
		}
		i++
		switch pattern[i] {
		case '%':
			b.WriteByte('%')
		case 'f', 'e':
			b.WriteString("tcp_smtp_server")
		case 'p', 'P':
			b.WriteString("4711")
		case 'u', 'g', 't', 's', 'i', 'I', 'c':
			b.WriteString("0")
		case 'n', 'h':
			b.WriteString("mail.example.com")
		default:
			b.WriteString("x")
		}
	}
	return b.String()
}
