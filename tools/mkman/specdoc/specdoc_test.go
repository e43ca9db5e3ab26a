package specdoc

import (
	"bytes"
	"strings"
	"testing"

	"github.com/msgstore-plugins/msgstore/lib/plugin"
)

type testOptions struct {
	plugin.Common
	Warning   string   `short:"w" long:"warning" value-name:"RANGE" default:"10" description:"warn \"above\" this"`
	NoQueue   bool     `long:"no-queue" description:"skip the queue"`
	Partition []string `short:"p" long:"partition" description:"a partition (repeatable)"`
	OldWarn   string   `long:"warn" hidden:"true" alias-of:"warning"`
}

func testSpec() plugin.Spec {
	return plugin.Spec{
		Name: "check_example", Service: "EXAMPLE",
		Description: "Checks an example (for tests). It has a second sentence.",
		Examples:    []string{"check_example -w 5"},
		Options:     &testOptions{},
		Check:       func(*plugin.Env) (*plugin.Result, error) { return &plugin.Result{}, nil },
	}
}

func TestSummaryIsTheFirstClause(t *testing.T) {
	if got := Summary(testSpec()); got != "Checks an example" {
		t.Errorf("Summary = %q", got)
	}
}

func TestOptionsKinds(t *testing.T) {
	byName := map[string]Option{}
	for _, o := range Options(testSpec()) {
		byName[o.Long] = o
	}
	for _, tc := range []struct {
		long                      string
		flag, counter, repeatable bool
	}{
		{"warning", false, false, false},
		{"no-queue", true, false, false},
		{"partition", false, false, true},
		{"verbose", true, true, false},
		{"base", false, false, false},
	} {
		o, ok := byName[tc.long]
		if !ok {
			t.Errorf("--%s missing", tc.long)
			continue
		}
		if o.Flag != tc.flag || o.Counter != tc.counter || o.Repeatable != tc.repeatable {
			t.Errorf("--%s: %+v", tc.long, o)
		}
	}
	for _, never := range []string{"help", "version"} {
		if _, ok := byName[never]; ok {
			t.Errorf("--%s must not be offered to monitoring systems", never)
		}
	}
}

func TestIcinga2Command(t *testing.T) {
	var b bytes.Buffer
	WriteIcinga2Commands(&b, []plugin.Spec{testSpec()})
	out := b.String()
	for _, want := range []string{
		`object CheckCommand "msgstore_example" {`,
		`command = [ PluginDir + "/check_example" ]`,
		`value = "$msgstore_example_warning$"`,
		`description = "warn \"above\" this (default: 10)"`,
		`set_if = "$msgstore_example_no_queue$"`,
		"value = \"$msgstore_example_partition$\"\n\t\t\trepeat_key = true",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("CheckCommand lacks %q:\n%s", want, out)
		}
	}
}

func TestCommandNames(t *testing.T) {
	for in, want := range map[string]string{
		"check_stored":        "msgstore_stored",
		"check_msgstore_disk": "msgstore_disk",
		"check_msgstore":      "msgstore",
	} {
		if got := CommandName(in); got != want {
			t.Errorf("CommandName(%s) = %s, want %s", in, got, want)
		}
	}
}

func TestManPage(t *testing.T) {
	var b bytes.Buffer
	WriteManPage(&b, testSpec())
	out := b.String()
	for _, want := range []string{".TH check_example 1", "check_example \\- Checks an example\n", ".SH EXAMPLES", "check_example \\-w 5", ".SH EXIT STATUS"} {
		if !strings.Contains(out, want) {
			t.Errorf("man page lacks %q:\n%s", want, out)
		}
	}
}

func TestIcinga2Services(t *testing.T) {
	msglogs := testSpec()
	msglogs.Name = "check_msglogs"
	overview := testSpec()
	overview.Name = "check_msgstore"
	var b bytes.Buffer
	WriteIcinga2Services(&b, []plugin.Spec{testSpec(), msglogs, overview})
	out := b.String()
	for _, want := range []string{
		`template Host "msgstore-host" {`,
		// every single check and the folders refresh, not the overview
		`vars.msg_svr_checks = [ "msgstore_example", "msgstore_msglogs", "msgstore_folders_refresh" ]`,
		"apply Service for (svc in host.vars.msg_svr_checks) {",
		"if (svc == \"msgstore_msglogs\") {\n\t\tmax_check_attempts = 1\n\t\tvolatile = true\n\t}",
		"if (svc == \"msgstore\") {\n\t\tmax_check_attempts = 1\n",
		`vars[check_command + "_base"] = host.vars.msg_svr_base`,
		"ignore where svc in host.vars.msg_svr_skip",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("services lack %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "host.vars.msgstore_") {
		t.Errorf("a host variable named like a CheckCommand variable:\n%s", out)
	}
}

// An old, hidden spelling is not offered as an option, but the generated
// CheckCommand still passes it, so that a service setting the old
// variable keeps its threshold.
func TestOldSpellingsStayInCheckCommands(t *testing.T) {
	for _, o := range Options(testSpec()) {
		if o.Long == "warn" {
			t.Error("--warn is hidden: it must not be listed as an option")
		}
	}
	var b bytes.Buffer
	WriteIcinga2Commands(&b, []plugin.Spec{testSpec()})
	want := "\"--warn\" = {\n\t\t\tvalue = \"$msgstore_example_warn$\"\n\t\t\tdescription = \"old name of --warning: set msgstore_example_warning instead\"\n"
	if !strings.Contains(b.String(), want) {
		t.Errorf("CheckCommand lacks the old spelling:\n%s", b.String())
	}
}
