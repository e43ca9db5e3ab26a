package plugin

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
)

type aliasOptions struct {
	Common
	embeddedLimits
	Limit    int      `long:"limit-warning" default:"7" description:"the limit"`
	OldLimit int      `long:"max-limit" hidden:"true" alias-of:"limit-warning"`
	OldNames []string `long:"old-name" hidden:"true" alias-of:"name-critical"`
}

type embeddedLimits struct {
	Names []string `long:"name-critical" description:"names"`
}

func aliasSpec(o *aliasOptions) Spec {
	return Spec{Name: "check_alias", Service: "ALIAS", Description: "Aliases.", Options: o,
		Check: func(env *Env) (*Result, error) {
			r := &Result{}
			r.Add(OK, "limit %d names %s", o.Limit, strings.Join(o.Names, ","))
			return r, nil
		}}
}

func TestOldOptionNamesStandForTheNewOnes(t *testing.T) {
	tests := []struct {
		name  string
		args  []string
		code  int
		line1 string
	}{
		{"default", nil, 0, "ALIAS OK - limit 7 names "},
		{"new name", []string{"--limit-warning", "3"}, 0, "ALIAS OK - limit 3 names "},
		{"old name", []string{"--max-limit", "4"}, 0, "ALIAS OK - limit 4 names "},
		{"old name of an embedded list", []string{"--old-name", "a", "--old-name=b"}, 0, "ALIAS OK - limit 7 names a,b"},
		{"both names", []string{"--max-limit", "4", "--limit-warning=5"}, 3,
			"ALIAS UNKNOWN - --max-limit is the old name of --limit-warning: give only one of them (see check_alias --help)"},
		{"both list names", []string{"--old-name", "a", "--name-critical=b"}, 3,
			"ALIAS UNKNOWN - --old-name is the old name of --name-critical: give only one of them (see check_alias --help)"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var out bytes.Buffer
			code := Execute(aliasSpec(&aliasOptions{}), tc.args, &out, &bytes.Buffer{}, func(string) string { return "" })
			line1 := strings.SplitN(out.String(), "\n", 2)[0]
			if code != tc.code || line1 != tc.line1 {
				t.Errorf("exit %d line 1 %q, want %d %q", code, line1, tc.code, tc.line1)
			}
		})
	}
}

func TestOldOptionNamesAreHiddenFromHelp(t *testing.T) {
	var out bytes.Buffer
	Execute(aliasSpec(&aliasOptions{}), []string{"--help"}, &out, &bytes.Buffer{}, func(string) string { return "" })
	if !strings.Contains(out.String(), "--limit-warning") || strings.Contains(out.String(), "max-limit") {
		t.Errorf("help should show --limit-warning only:\n%s", out.String())
	}
}

func TestOldOptionNamesInsideAnotherCommand(t *testing.T) {
	o := &aliasOptions{}
	if err := ParseOptions(aliasSpec(o), []string{"--max-limit=9"}); err != nil || o.Limit != 9 {
		t.Errorf("ParseOptions: err %v, limit %d, want nil, 9", err, o.Limit)
	}
	err := ParseOptions(aliasSpec(&aliasOptions{}), []string{"--max-limit=9", "--limit-warning=1"})
	if err == nil || !strings.Contains(err.Error(), "give only one") {
		t.Errorf("ParseOptions with both names: %v", err)
	}
}

type validatedOptions struct {
	Common
	Low  int `long:"low" default:"1" description:"low"`
	High int `long:"high" default:"2" description:"high"`
}

func (o *validatedOptions) Validate() error {
	if o.Low > o.High {
		return fmt.Errorf("--low %d is above --high %d", o.Low, o.High)
	}
	return nil
}

// Options that check themselves are checked before the check runs, with
// the usual one-line answer to bad options.
func TestValidatorRunsBeforeTheCheck(t *testing.T) {
	ran := false
	spec := func(o *validatedOptions) Spec {
		return Spec{Name: "check_valid", Service: "VALID", Options: o, Check: func(env *Env) (*Result, error) {
			ran = true
			return &Result{Summary: "fine"}, nil
		}}
	}
	tests := []struct {
		args  []string
		code  int
		line1 string
		ran   bool
	}{
		{nil, 0, "VALID OK - fine", true},
		{[]string{"--low", "3"}, 3, "VALID UNKNOWN - --low 3 is above --high 2 (see check_valid --help)", false},
		{[]string{"--low", "3", "-V"}, 3, "check_valid dev", false},
	}
	for _, tc := range tests {
		ran = false
		var out bytes.Buffer
		code := Execute(spec(&validatedOptions{}), tc.args, &out, &bytes.Buffer{}, func(string) string { return "" })
		line1 := strings.SplitN(out.String(), "\n", 2)[0]
		if code != tc.code || line1 != tc.line1 || ran != tc.ran {
			t.Errorf("%v: exit %d line 1 %q ran %v, want %d %q %v", tc.args, code, line1, ran, tc.code, tc.line1, tc.ran)
		}
	}
	err := ParseOptions(spec(&validatedOptions{}), []string{"--low=5"})
	if err == nil || err.Error() != "check_valid: --low 5 is above --high 2" {
		t.Errorf("ParseOptions: %v", err)
	}
}
