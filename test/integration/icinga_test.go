package integration

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/msgstore-plugins/msgstore/lib/fixture"
	"github.com/msgstore-plugins/msgstore/lib/plugintest"
)

const icingaBin = "/usr/sbin/icinga2"

// TestIcinga2 validates the generated CheckCommands and example apply rules
// (with command_endpoint) with `icinga2 daemon -C`, then runs a real
// Icinga 2 whose services use those CheckCommands on the sample servers,
// and asserts what its PerfdataWriter recorded: state, output, perfdata.
func TestIcinga2(t *testing.T) {
	requireTool(t, icingaBin, "icinga2-bin")
	t.Parallel()
	acct := lookupDaemonUser(t)
	names, bin := plugins(t)
	ws := workspace(t)
	gen := generated(t)
	commands := writeFile(t, filepath.Join(ws, "msgstore-commands.conf"), gen["icinga2"])
	services := writeFile(t, filepath.Join(ws, "msgstore-services.conf"), gen["icinga2-services"])
	defines := icingaDirs(t, acct, ws)

	t.Run("example apply rules validate", func(t *testing.T) {
		skipped := icingaCommand(names[0])
		cfg := writeFile(t, filepath.Join(ws, "validate.conf"), fmt.Sprintf(`
const PluginDir = %q
include <itl>
include %q
include %q
object Endpoint NodeName { }
object Zone "master" { endpoints = [ NodeName ] }
object Endpoint "mail1.example.com" { }
object Zone "mail1.example.com" { endpoints = [ "mail1.example.com" ]; parent = "master" }
object Host "mail1.example.com" {
	import "msgstore-host"
	zone = "master"
	check_command = "dummy"
	vars.agent_endpoint = name
	vars.msg_svr_base = "/opt/sun/comms/messaging64"
}
object Host "mail2.example.com" {
	import "msgstore-host"
	zone = "master"
	check_command = "dummy"
	vars.agent_endpoint = "mail1.example.com"
	vars.msg_svr_base = "/opt/SUNWmsgsr"
	vars.msg_svr_skip = [ %q ]
}
object Host "mail3.example.com" {
	import "msgstore-host"
	zone = "master"
	check_command = "dummy"
	vars.agent_endpoint = "mail1.example.com"
	vars.msg_svr_base = "/opt/SUNWmsgsr"
	vars.msg_svr_checks = [ "msgstore", "msgstore_folders_refresh" ]
}
`, bin, commands, services, skipped))
		// validateIcinga fails on any warning, "apply rule does not match
		// anywhere" included.
		out := validateIcinga(t, ws, cfg, defines)
		// mail1 gets every single check and the folders refresh, mail2 all
		// but the skipped one, mail3 the overview and the refresh.
		singles := len(names) - 1 + 1
		if want := fmt.Sprintf("Instantiated %d Services.", 2*singles-1+2); !strings.Contains(out, want) {
			t.Errorf("icinga2 daemon -C: want %q:\n%s", want, out)
		}
	})

	servers := sampleServers(t, filepath.Join(ws, "sample"))
	cs := checks(t, bin, names, servers, ownedDir(t, acct, ws, "state"))
	cs = append(cs, argumentChecks(names, servers)...)
	perfDir := ownedDir(t, acct, ws, "perfdata")
	cfg := writeIcingaConfig(t, ws, bin, commands, perfDir, cs)
	validateIcinga(t, ws, cfg, defines)

	d := startDaemon(t, ws, "icinga2", append([]string{icingaBin, "daemon", "-c", cfg}, defines...)...)
	var results map[string]recorded
	pollUntil(t, d, 90*time.Second, func() (bool, string) {
		results = readIcingaPerfdata(perfDir)
		var pending []string
		for _, c := range cs {
			if _, ok := results[c.name()]; !ok {
				pending = append(pending, c.name())
			}
		}
		return len(pending) == 0, fmt.Sprintf("Icinga 2 to record %v (PerfdataWriter)", pending)
	})
	ref := ownedDir(t, acct, ws, "direct-state")
	for _, c := range cs {
		got := results[c.name()]
		t.Logf("%s: %s %s | %s", c.name(), got.state, got.output, got.perf)
		compare(t, "icinga2", c, got, direct(t, acct, bin, c, ref))
		if c.suffix == "-arguments" && (!strings.Contains(got.perf, "primary+spare_free_pct=") || !strings.Contains(got.perf, ";20:;") || strings.Contains(got.perf, "queue")) {
			t.Errorf("icinga2 %s: the CheckCommand did not pass --partition/--no-queue/--no-mboxlist: %s | %s", c.name(), got.output, got.perf)
		}
	}
}

// icingaDirs makes Icinga's data, log, cache, spool and run directories in
// ws (owned by the user it drops to) and returns the -D defines for them.
func icingaDirs(t testing.TB, a account, ws string) []string {
	t.Helper()
	var defs []string
	for _, d := range []struct{ constant, dir string }{
		{"DataDir", "data"}, {"LogDir", "log"}, {"CacheDir", "cache"},
		{"SpoolDir", "spool"}, {"InitRunDir", "run"},
	} {
		defs = append(defs, "-D", d.constant+"="+ownedDir(t, a, ws, "icinga", d.dir))
	}
	return append(defs, "-D", "RunAsUser="+daemonUser, "-D", "RunAsGroup="+daemonUser)
}

// validateIcinga runs icinga2 daemon -C and fails on errors or warnings.
func validateIcinga(t testing.TB, ws, cfg string, defines []string) string {
	t.Helper()
	args := append([]string{icingaBin, "daemon", "-C", "-c", cfg}, defines...)
	out, err := run(t, time.Minute, ws, nil, args...)
	if err != nil {
		t.Fatalf("icinga2 daemon -C -c %s: %v\n%s", cfg, err, out)
	}
	if w := regexp.MustCompile(`(?m)^.*(warning|critical)/.*$`).FindAllString(out, -1); len(w) > 0 {
		t.Errorf("icinga2 daemon -C -c %s warns:\n%s", cfg, strings.Join(w, "\n"))
	}
	return out
}

// writeIcingaConfig writes an icinga2.conf with the CheckCommands, one
// service per check (every second) and a PerfdataWriter that records
// name, state, perfdata and output of each result, rotated every second.
func writeIcingaConfig(t testing.TB, ws, bin, commands, perfDir string, cs []check) string {
	t.Helper()
	var b strings.Builder
	fmt.Fprintf(&b, `// Generated by the msgstore end-to-end test.
const PluginDir = %q
include <itl>
include %q
object CheckerComponent "checker" { }
object PerfdataWriter "perfdata" {
	service_perfdata_path = %q
	service_temp_path = %q
	host_perfdata_path = %q
	host_temp_path = %q
	service_format_template = "@@BEGIN@@\tSERVICEDESC::$service.name$\tSERVICESTATE::$service.state$\tSERVICEPERFDATA::$service.perfdata$\tSERVICEOUTPUT::$service.output$\t@@END@@"
	rotation_interval = 1s
}
object Host "msgstore-e2e" {
	check_command = "dummy"
	check_interval = 1h
}
`, bin, commands, perfDir+"/service-perfdata", perfDir+"/service-perfdata.tmp",
		perfDir+"/host-perfdata", perfDir+"/host-perfdata.tmp")
	for _, c := range cs {
		fmt.Fprintf(&b, "object Service %q {\n\thost_name = \"msgstore-e2e\"\n\tcheck_command = %q\n", c.name(), icingaCommand(c.plugin))
		vars := c.icingaVars
		if vars == nil {
			for i := 0; i+1 < len(c.args); i += 2 {
				vars = append(vars, fmt.Sprintf("vars.%s = %q", icingaVar(c.plugin, strings.TrimLeft(c.args[i], "-")), c.args[i+1]))
			}
		}
		for _, v := range vars {
			fmt.Fprintf(&b, "\t%s\n", v)
		}
		b.WriteString("\tcheck_interval = 1s\n\tretry_interval = 1s\n\tmax_check_attempts = 1\n}\n")
	}
	return writeFile(t, filepath.Join(ws, "icinga2.conf"), b.String())
}

// argumentChecks prove that the generated CheckCommand turns custom
// variables into the right command line: a repeatable option given as an
// array (repeat_key) and flags (set_if), on the reference plugin, whose
// output then names only the partition asked for.
func argumentChecks(names []string, servers []variant) []check {
	const p = "check_msgstore_disk"
	if !slices.Contains(names, p) {
		return nil
	}
	healthy := servers[0]
	// The same partition directory under a second nickname: both must
	// arrive, as "primary+spare" (one file system).
	spare := "spare=" + filepath.Join(filepath.Dir(filepath.Dir(healthy.base)), fixture.VarRel, "store", "partition", "primary")
	return []check{{
		plugin: p, variant: healthy, suffix: "-arguments",
		args: []string{"-B", healthy.base, "--partition", "primary", "--partition", spare, "--no-queue", "--no-mboxlist", "--warning", "20%"},
		icingaVars: []string{
			fmt.Sprintf("vars.msgstore_disk_base = %q", healthy.base),
			fmt.Sprintf("vars.msgstore_disk_partition = [ \"primary\", %q ]", spare),
			"vars.msgstore_disk_no_queue = true",
			"vars.msgstore_disk_no_mboxlist = true",
			`vars.msgstore_disk_warning = "20%"`,
			"vars.msgstore_disk_verbose = false",
		},
	}}
}

// icingaCommand and icingaVar follow tools/mkman/specdoc's naming; the
// test spells them out so that a change there is seen here.
func icingaCommand(plugin string) string {
	n := strings.TrimPrefix(plugin, "check_")
	if n != "msgstore" && !strings.HasPrefix(n, "msgstore_") {
		n = "msgstore_" + n
	}
	return n
}

func icingaVar(plugin, option string) string {
	if option == "B" {
		option = "base"
	}
	return icingaCommand(plugin) + "_" + strings.ReplaceAll(option, "-", "_")
}

// readIcingaPerfdata reads the PerfdataWriter's files (rotated and
// current), the last result of each service winning.
func readIcingaPerfdata(dir string) map[string]recorded {
	files, _ := filepath.Glob(filepath.Join(dir, "service-perfdata*"))
	out := map[string]recorded{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		for _, rec := range strings.Split(string(b), "@@BEGIN@@\t")[1:] {
			rec, complete := strings.CutSuffix(strings.TrimRight(rec, "\n"), "\t@@END@@")
			if !complete {
				continue
			}
			fields := map[string]string{}
			for _, f := range strings.Split(rec, "\t") {
				if k, v, ok := strings.Cut(f, "::"); ok {
					fields[k] = v
				}
			}
			line1, _, _ := strings.Cut(fields["SERVICEOUTPUT"], "\n")
			out[fields["SERVICEDESC"]] = recorded{
				state:  fields["SERVICESTATE"],
				output: strings.TrimSpace(line1),
				perf:   fields["SERVICEPERFDATA"],
			}
		}
	}
	return out
}

// --- generated monitoring files ---

var (
	genOnce sync.Once
	genOut  map[string]string
	genErr  error
)

// generated runs tools/mkman once for the Icinga 2 and NRPE formats and
// returns the files by format.
func generated(t testing.TB) map[string]string {
	t.Helper()
	genOnce.Do(func() {
		root := plugintest.ModuleRoot()
		if err := os.MkdirAll(filepath.Join(root, "build"), 0o755); err != nil {
			genErr = err
			return
		}
		work, err := os.MkdirTemp("", "msgstore-e2e-gen-")
		if err != nil {
			genErr = err
			return
		}
		defer os.RemoveAll(work)
		genOut = map[string]string{}
		for _, format := range []string{"icinga2", "icinga2-services", "nrpe"} {
			dst := filepath.Join(work, format+".out")
			out, err := run(t, 3*time.Minute, root, nil, "go", "run", "./tools/mkman", "-work", "build", "-format", format, "-o", dst)
			if err != nil {
				genErr = fmt.Errorf("go run ./tools/mkman -format %s: %v\n%s", format, err, out)
				return
			}
			b, err := os.ReadFile(dst)
			if err != nil {
				genErr = err
				return
			}
			genOut[format] = string(b)
		}
	})
	if genErr != nil {
		t.Fatal(genErr)
	}
	return genOut
}

// TestGeneratedFilesUpToDate: the committed Icinga 2 and NRPE files are
// what tools/mkman makes of the plugins' current options.
func TestGeneratedFilesUpToDate(t *testing.T) {
	if os.Getenv("MSGSTORE_E2E_PLUGINS") != "" {
		t.Skip("MSGSTORE_E2E_PLUGINS limits the plugins; the committed files cover all")
	}
	gen := generated(t)
	root := plugintest.ModuleRoot()
	for format, path := range map[string]string{
		"icinga2":          "packaging/icinga2/msgstore-commands.conf",
		"icinga2-services": "packaging/icinga2/msgstore-services.conf",
		"nrpe":             "packaging/nrpe/msgstore.cfg",
	} {
		b, err := os.ReadFile(filepath.Join(root, path))
		if err != nil || string(b) != gen[format] {
			t.Errorf("%s is not what the plugins' options generate: run `make generated` and commit it (%v)", path, err)
		}
	}
}

// TestIcingaHostVarsAreNotCommandVars: Icinga 2 resolves a CheckCommand's
// $var$ from the service's vars, then the host's: a host variable of the
// example services that had the name of a command's variable would reach
// the plugin as an option (a host's list of checks to leave out became
// check_msgstore --skip).
func TestIcingaHostVarsAreNotCommandVars(t *testing.T) {
	gen := generated(t)
	commandVars := map[string]bool{}
	for _, m := range regexp.MustCompile(`\$([A-Za-z0-9_.]+)\$`).FindAllStringSubmatch(gen["icinga2"], -1) {
		commandVars[m[1]] = true
	}
	if len(commandVars) == 0 {
		t.Fatal("no $variable$ in the generated CheckCommands")
	}
	hostVars := regexp.MustCompile(`host\.vars\.([A-Za-z0-9_]+)`).FindAllStringSubmatch(gen["icinga2-services"], -1)
	if len(hostVars) == 0 {
		t.Fatal("the example services read no host variable")
	}
	for _, m := range hostVars {
		if commandVars[m[1]] {
			t.Errorf("host.vars.%s is also a CheckCommand variable: Icinga 2 would pass the host's value to the plugin", m[1])
		}
	}
}
