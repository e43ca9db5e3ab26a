package integration

import (
	"bufio"
	"fmt"
	"os"
	"os/user"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/msgstore-plugins/msgstore/lib/fixture"
	"github.com/msgstore-plugins/msgstore/lib/plugintest"
)

// exampleService is a commented example service of nagios-commands.cfg.
type exampleService struct {
	description string
	text        string // the define block, uncommented
}

// nagiosExamples uncomments every "# define service {" ... "# }" block of
// a Nagios configuration file: the examples an administrator would enable.
func nagiosExamples(t testing.TB, path string) []exampleService {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []exampleService
	var cur *strings.Builder
	desc := regexp.MustCompile(`^\s*service_description\s+(.+?)\s*$`)
	var name string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		body, commented := strings.CutPrefix(line, "#")
		body = strings.TrimPrefix(body, " ")
		switch {
		case !commented:
			if cur != nil {
				t.Fatalf("%s: an example service is not closed by \"# }\" before %q", path, line)
			}
		case strings.HasPrefix(body, "define service {"):
			cur, name = &strings.Builder{}, ""
			cur.WriteString(body + "\n")
		case cur != nil:
			cur.WriteString(body + "\n")
			if m := desc.FindStringSubmatch(body); m != nil {
				name = m[1]
			}
			if strings.TrimSpace(body) == "}" {
				out = append(out, exampleService{description: name, text: cur.String()})
				cur = nil
			}
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestNagiosExamples enables every example service that nagios-commands.cfg
// ships (commented out), on a host whose _MSG_SVR_BASE is the healthy
// sample server: `nagios4 -v` must accept them with no warning, and a real
// Nagios must run each one without a usage error from the plugin (the
// examples' arguments fit the commands' argument layout).
func TestNagiosExamples(t *testing.T) {
	requireTool(t, nagiosBin, "nagios4-core")
	t.Parallel()
	acct := lookupDaemonUser(t)
	_, bin := plugins(t)
	top := filepath.Join(plugintest.ModuleRoot(), "nagios-commands.cfg")
	examples := nagiosExamples(t, top)
	if len(examples) < 20 {
		t.Fatalf("%s: only %d example services found", top, len(examples))
	}
	ws := workspace(t)
	servers := sampleServers(t, filepath.Join(ws, "sample"))
	// The NRPE examples run check_nrpe from $USER1$, as on a Debian
	// Nagios server: it sits beside the plugins.
	user1 := filepath.Join(ws, "plugins")
	if err := os.Mkdir(user1, 0o755); err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir(bin)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		os.Symlink(filepath.Join(bin, e.Name()), filepath.Join(user1, e.Name()))
	}
	if exists(checkNRPEBin) {
		os.Symlink(checkNRPEBin, filepath.Join(user1, "check_nrpe"))
	}
	keepSystemStateDir(t)

	var objs strings.Builder
	objs.WriteString(nagiosObjects(nil))
	fmt.Fprintf(&objs, `define service {
	name			generic-service
	register		0
	max_check_attempts	3
	check_interval		60
	retry_interval		1
	check_period		always
	contacts		e2e
	notification_period	always
	notification_interval	0
}
define host {
	host_name		mailhost
	alias			Messaging Server
	address			127.0.0.1
	_MSG_SVR_BASE		%s
	check_command		e2e_true
	max_check_attempts	1
	check_interval		60
	check_period		always
	contacts		e2e
	notification_period	always
	notification_interval	0
}
`, servers[0].base)
	seen := map[string]bool{}
	for _, e := range examples {
		if e.description == "" || seen[e.description] {
			t.Errorf("example service with an empty or repeated service_description %q:\n%s", e.description, e.text)
		}
		seen[e.description] = true
		objs.WriteString(e.text)
	}
	writeFile(t, filepath.Join(ws, "etc", "objects.cfg"), objs.String())
	cfg := writeNagiosMain(t, acct, ws, user1, []string{top})

	out, err := run(t, time.Minute, ws, nil, nagiosBin, "-v", cfg)
	if err != nil {
		t.Fatalf("nagios4 -v with all %d example services enabled: %v\n%s", len(examples), err, out)
	}
	if m := regexp.MustCompile(`Total Warnings: (\d+)\s+Total Errors:\s+(\d+)`).FindStringSubmatch(out); m == nil || m[1] != "0" || m[2] != "0" {
		t.Fatalf("nagios4 -v with all example services enabled must report 0 warnings and 0 errors:\n%s", out)
	}
	if want := fmt.Sprintf("Checked %d services.", len(examples)); !strings.Contains(out, want) {
		t.Errorf("nagios4 -v: want %q:\n%s", want, out)
	}

	d := startDaemon(t, ws, "nagios4", nagiosBin, cfg)
	statusPath := filepath.Join(ws, "var", "status.dat")
	var services map[string]map[string]string
	pollUntil(t, d, 2*time.Minute, func() (bool, string) {
		services = readStatus(statusPath)
		var pending []string
		for _, e := range examples {
			if s := services[e.description]; s == nil || s["has_been_checked"] != "1" {
				pending = append(pending, e.description)
			}
		}
		return len(pending) == 0, fmt.Sprintf("Nagios to check the examples %q (status.dat)", pending)
	})
	usage := regexp.MustCompile(`see check_\w+ --help|[Uu]sage:|Return code of 12[67]|[Ii]ncorrect|[Uu]nknown (option|argument)`)
	for _, e := range examples {
		s := services[e.description]
		output := s["plugin_output"]
		t.Logf("%s: %s %s", e.description, nagiosStates[s["current_state"]], output)
		if usage.MatchString(output) {
			t.Errorf("example %q: the command line is wrong: %s", e.description, output)
		}
		if strings.HasSuffix(e.description, "via NRPE") {
			continue // no NRPE daemon here: TestNRPE runs one
		}
		if !regexp.MustCompile(`^[A-Z_]+ (OK|WARNING|CRITICAL|UNKNOWN) - `).MatchString(output) {
			t.Errorf("example %q: output is not a plugin's line 1: %q", e.description, output)
		}
	}

	// A new Store Error line: the log service, as shipped, goes HARD
	// WARNING at the first check that reads it (a SOFT state would recover
	// on the retry, which reads nothing new).
	const logs = "Messaging Server logs"
	if _, ok := seen[logs]; !ok {
		t.Fatalf("no example service %q", logs)
	}
	systemStateDir := daemonStateDir(t)
	if fi, err := os.Stat(systemStateDir); err == nil {
		if st, ok := fi.Sys().(*syscall.Stat_t); ok && int(st.Uid) != acct.uid {
			msg := fmt.Sprintf("%s belongs to uid %d, not %s: the examples' msglogs cannot keep state here", systemStateDir, st.Uid, daemonUser)
			if underCI() {
				t.Fatal(msg)
			}
			t.Logf("not testing the HARD WARNING of %q: %s", logs, msg)
			return
		}
	}
	imap := filepath.Join(filepath.Dir(filepath.Dir(servers[0].base)), fixture.VarRel, "log", "imap")
	f, err := os.OpenFile(imap, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(f, "[%s] mailhost imapd[6747]: Store Error: user/joe: Mailbox has an invalid format, repair requested\n", time.Now().UTC().Format("02/Jan/2006:15:04:05 -0700"))
	f.Close()
	pollUntil(t, d, time.Minute, func() (bool, string) {
		s := readStatus(statusPath)[logs]
		return s != nil && s["current_state"] == "1" && s["state_type"] == "1",
			fmt.Sprintf("%q to be HARD WARNING (state %s, type %s: %s)", logs, s["current_state"], s["state_type"], s["plugin_output"])
	})
}

// keepSystemStateDir: the examples use the plugins' default --state-dir,
// the Nagios user's own; it is removed after the test if the test created
// it.
func keepSystemStateDir(t testing.TB) {
	t.Helper()
	dir := daemonStateDir(t)
	if _, err := os.Lstat(dir); err == nil {
		return
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
}

// daemonStateDir is the plugins' default --state-dir for the Nagios user:
// /var/lib/msgstore-plugins where the package made it, else under its home
// (no XDG_STATE_HOME in Nagios' environment).
func daemonStateDir(t testing.TB) string {
	t.Helper()
	if _, err := os.Stat("/var/lib/msgstore-plugins"); err == nil {
		return "/var/lib/msgstore-plugins"
	}
	u, err := user.Lookup(daemonUser)
	if err != nil {
		skipOrFail(t, "user %s missing (it comes with nagios4-core): %v", daemonUser, err)
	}
	return filepath.Join(u.HomeDir, ".local", "state", "msgstore-plugins")
}
