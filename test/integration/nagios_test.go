package integration

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/msgstore-plugins/msgstore/lib/plugintest"
)

const nagiosBin = "/usr/sbin/nagios4"

// TestNagios runs a real Nagios Core 4 with a generated configuration whose
// $USER1$ holds the built plugins and whose services check the healthy,
// broken and missing sample servers, and asserts from status.dat what
// Nagios recorded: state, plugin output and perfdata.
func TestNagios(t *testing.T) {
	requireTool(t, nagiosBin, "nagios4-core")
	t.Parallel()
	acct := lookupDaemonUser(t)
	names, bin := plugins(t)
	ws := workspace(t)
	servers := sampleServers(t, filepath.Join(ws, "sample"))
	cs := checks(t, bin, names, servers, ownedDir(t, acct, ws, "state"))
	cfg := writeNagiosConfig(t, acct, ws, bin, cs)

	// nagios4 -v: the configuration, with the plugins' command fragments,
	// must pass with no warning at all.
	out, err := run(t, time.Minute, ws, nil, nagiosBin, "-v", cfg)
	if err != nil {
		t.Fatalf("nagios4 -v %s: %v\n%s", cfg, err, out)
	}
	if m := regexp.MustCompile(`Total Warnings: (\d+)\s+Total Errors:\s+(\d+)`).FindStringSubmatch(out); m == nil || m[1] != "0" || m[2] != "0" {
		t.Fatalf("nagios4 -v must report 0 warnings and 0 errors:\n%s", out)
	}

	d := startDaemon(t, ws, "nagios4", nagiosBin, cfg)
	statusPath := filepath.Join(ws, "var", "status.dat")
	var services map[string]map[string]string
	pollUntil(t, d, 90*time.Second, func() (bool, string) {
		services = readStatus(statusPath)
		var pending []string
		for _, c := range cs {
			if s := services[c.name()]; s == nil || s["has_been_checked"] != "1" {
				pending = append(pending, c.name())
			}
		}
		return len(pending) == 0, fmt.Sprintf("Nagios to check %v (status.dat)", pending)
	})

	ref := ownedDir(t, acct, ws, "direct-state")
	for _, c := range cs {
		s := services[c.name()]
		got := recorded{
			state:  nagiosStates[s["current_state"]],
			output: s["plugin_output"],
			perf:   s["performance_data"],
		}
		t.Logf("%s: %s %s | %s", c.name(), got.state, got.output, got.perf)
		want := direct(t, acct, bin, c, ref)
		compare(t, "nagios", c, got, want)
		// Nagios records line 1's text as the plugin wrote it, unless it
		// holds a ';', which it turns into ':' (numbers differ from run to
		// run: ages, sizes, pids).
		// Plugins with state say "first check" in a direct run.
		if text, _, _ := strings.Cut(want.Line1, " | "); !slices.Contains(c.args, "--state-dir") && digits.ReplaceAllString(got.output, "N") != digits.ReplaceAllString(text, "N") {
			t.Errorf("nagios %s: recorded %q, the plugin wrote %q", c.name(), got.output, text)
		}
		// status.dat keeps lines 2+ with newlines written as \n; before a
		// last perfdata line it keeps the line break too.
		if long := strings.Split(strings.TrimSuffix(s["long_plugin_output"], `\n`), `\n`); len(want.Lines) > 0 && len(long) != len(want.Lines) {
			t.Errorf("nagios %s: %d long-output lines, a direct run has %d:\n%s", c.name(), len(long), len(want.Lines), s["long_plugin_output"])
		}
	}
}

var digits = regexp.MustCompile(`[0-9]+`)

var nagiosStates = map[string]string{"0": "OK", "1": "WARNING", "2": "CRITICAL", "3": "UNKNOWN"}

// readStatus parses status.dat's servicestatus blocks by service name.
func readStatus(path string) map[string]map[string]string {
	f, err := os.Open(path)
	if err != nil {
		return nil
	}
	defer f.Close()
	out := map[string]map[string]string{}
	var cur map[string]string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		switch {
		case line == "servicestatus {":
			cur = map[string]string{}
		case line == "}" && cur != nil:
			out[cur["service_description"]] = cur
			cur = nil
		case cur != nil:
			if k, v, ok := strings.Cut(line, "="); ok {
				cur[k] = v
			}
		}
	}
	return out
}

// nagiosFragments are the command definitions the project ships: the
// assembled nagios-commands.cfg if the lead has written it, else each
// plugin's commands.cfg. Nagios must accept them as they are.
func nagiosFragments(names []string) []string {
	root := plugintest.ModuleRoot()
	if top := filepath.Join(root, "nagios-commands.cfg"); exists(top) {
		return []string{top}
	}
	var out []string
	for _, n := range names {
		if f := filepath.Join(root, "plugins", n, "commands.cfg"); exists(f) {
			out = append(out, f)
		}
	}
	return out
}

func exists(p string) bool { _, err := os.Stat(p); return err == nil }

// writeNagiosConfig writes nagios.cfg (no web UI, everything under ws,
// checks every second, results reaped every second) and the objects.
func writeNagiosConfig(t testing.TB, a account, ws, bin string, cs []check) string {
	t.Helper()
	cfg := writeNagiosMain(t, a, ws, bin, nagiosFragments(pluginNamesOf(cs)))
	writeFile(t, filepath.Join(ws, "etc", "objects.cfg"), nagiosObjects(cs))
	return cfg
}

// writeNagiosMain writes nagios.cfg, which reads etc/objects.cfg and
// cfgFiles, and resource.cfg, whose $USER1$ is bin.
func writeNagiosMain(t testing.TB, a account, ws, bin string, cfgFiles []string) string {
	t.Helper()
	etc := filepath.Join(ws, "etc")
	v := ownedDir(t, a, ws, "var")
	ownedDir(t, a, v, "checkresults")
	var files strings.Builder
	for _, f := range cfgFiles {
		fmt.Fprintf(&files, "cfg_file=%s\n", f)
	}
	main := fmt.Sprintf(`# Generated by the msgstore end-to-end test.
log_file=%[1]s/nagios.log
cfg_file=%[2]s/objects.cfg
%[3]sobject_cache_file=%[1]s/objects.cache
precached_object_file=%[1]s/objects.precache
resource_file=%[2]s/resource.cfg
status_file=%[1]s/status.dat
status_update_interval=1
nagios_user=%[4]s
nagios_group=%[4]s
check_external_commands=0
command_file=%[1]s/nagios.cmd
lock_file=%[1]s/nagios.lock
temp_file=%[1]s/nagios.tmp
temp_path=%[1]s
query_socket=%[1]s/nagios.qh
check_result_path=%[1]s/checkresults
check_result_reaper_frequency=1
max_check_result_reaper_time=2
retain_state_information=0
state_retention_file=%[1]s/retention.dat
use_syslog=0
log_notifications=0
log_initial_states=1
interval_length=1
service_inter_check_delay_method=n
host_inter_check_delay_method=n
max_service_check_spread=1
max_host_check_spread=1
service_interleave_factor=1
max_concurrent_checks=4
service_check_timeout=60
enable_notifications=0
enable_flap_detection=0
process_performance_data=0
check_service_freshness=0
check_host_freshness=0
enable_environment_macros=0
illegal_macro_output_chars=`+"`"+`~$&|'"<>
date_format=iso8601
`, v, etc, files.String(), daemonUser)
	writeFile(t, filepath.Join(etc, "resource.cfg"), "$USER1$="+bin+"\n")
	return writeFile(t, filepath.Join(etc, "nagios.cfg"), main)
}

// nagiosObjects defines a time period, a silent contact, the test host and
// one service per check.
func nagiosObjects(cs []check) string {
	var objs strings.Builder
	objs.WriteString(`define timeperiod {
	timeperiod_name	always
	alias		always
	sunday		00:00-24:00
	monday		00:00-24:00
	tuesday		00:00-24:00
	wednesday	00:00-24:00
	thursday	00:00-24:00
	friday		00:00-24:00
	saturday	00:00-24:00
}
define command {
	command_name	e2e_true
	command_line	/bin/true
}
define command {
	command_name	e2e_msgstore
	command_line	$USER1$/$ARG1$ $ARG2$
}
define contact {
	contact_name			e2e
	alias				e2e
	host_notifications_enabled	0
	service_notifications_enabled	0
	host_notification_period	always
	service_notification_period	always
	host_notification_options	n
	service_notification_options	n
	host_notification_commands	e2e_true
	service_notification_commands	e2e_true
}
define host {
	host_name		msgstore-e2e
	alias			sample Messaging Server
	address			127.0.0.1
	check_command		e2e_true
	max_check_attempts	1
	check_interval		60
	check_period		always
	contacts		e2e
	notification_period	always
	notification_interval	0
}
`)
	for _, c := range cs {
		fmt.Fprintf(&objs, `define service {
	host_name		msgstore-e2e
	service_description	%s
	check_command		e2e_msgstore!%s!%s
	max_check_attempts	1
	check_interval		1
	retry_interval		1
	check_period		always
	contacts		e2e
	notification_period	always
	notification_interval	0
}
`, c.name(), c.plugin, strings.Join(c.args, " "))
	}
	return objs.String()
}

func pluginNamesOf(cs []check) []string {
	var out []string
	seen := map[string]bool{}
	for _, c := range cs {
		if !seen[c.plugin] {
			seen[c.plugin] = true
			out = append(out, c.plugin)
		}
	}
	return out
}
