package plugin

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/msgstore-plugins/msgstore/lib/threshold"
	"github.com/msgstore-plugins/msgstore/lib/units"
)

// typedOptions has an option of every kind of type the plugins use.
type typedOptions struct {
	Common
	Int      int             `long:"int"`
	Int64    int64           `short:"n" long:"int64"`
	Uint     uint            `long:"uint"`
	Float    float64         `long:"float"`
	GoDur    time.Duration   `long:"go-duration"`
	Duration units.Duration  `long:"duration"`
	Size     units.Size      `long:"size"`
	Range    threshold.Range `short:"w" long:"warning"`
	Choice   string          `long:"choice" choice:"a" choice:"b"`
}

// goTypeName is how a Go type name would show in a message.
var goTypeName = regexp.MustCompile(`\b(threshold|units|time|disk|strconv)\.[A-Za-z]|\(expected u?int|\(expected float|ParseInt|ParseFloat|ParseUint`)

func TestFlagErrorsInUserWords(t *testing.T) {
	spec := Spec{Name: "check_typed", Service: "TYPED", Options: &typedOptions{},
		Check: func(*Env) (*Result, error) { return &Result{}, nil }}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--int", "x"}, `TYPED UNKNOWN - --int: "x" is not a whole number (see check_typed --help)`},
		{[]string{"-n", "1.5"}, `TYPED UNKNOWN - -n/--int64: "1.5" is not a whole number`},
		{[]string{"--int", "99999999999999999999"}, `TYPED UNKNOWN - --int: "99999999999999999999" is out of range (expected a whole number)`},
		{[]string{"--uint=-1"}, `TYPED UNKNOWN - --uint: "-1" is not a whole number, 0 or more`},
		{[]string{"--float", "fast"}, `TYPED UNKNOWN - --float: "fast" is not a number`},
		{[]string{"--go-duration", "soon"}, `TYPED UNKNOWN - --go-duration: `},
		{[]string{"--duration", "soon"}, `TYPED UNKNOWN - --duration: invalid duration "soon"`},
		{[]string{"--size", "lots"}, `TYPED UNKNOWN - --size: `},
		{[]string{"-w", "2:1"}, `TYPED UNKNOWN - -w/--warning: invalid range "2:1"`},
		{[]string{"--choice", "c"}, `TYPED UNKNOWN - Invalid value`},
		{[]string{"--int"}, `TYPED UNKNOWN - --int needs a value`},
		{[]string{"--int", "--float"}, "TYPED UNKNOWN - --int needs a value, but got `--float'"},
		{[]string{"--nope"}, `TYPED UNKNOWN - unknown option --nope`},
		{[]string{"-q"}, `TYPED UNKNOWN - unknown option -q`},
		{[]string{"-t", "x"}, `TYPED UNKNOWN - -t/--timeout: invalid duration "x"`},
	} {
		var out strings.Builder
		code := Execute(spec, tc.args, &out, &out, func(string) string { return "" })
		line1, _, _ := strings.Cut(out.String(), "\n")
		if code != 3 || !strings.HasPrefix(line1, tc.want) {
			t.Errorf("%q: exit %d, line 1 %q; want 3 and a line starting %q", tc.args, code, line1, tc.want)
		}
		if goTypeName.MatchString(line1) {
			t.Errorf("%q: line 1 names a Go type or function: %q", tc.args, line1)
		}
	}
}

func TestUserFlagErrorLeavesOtherLinesAlone(t *testing.T) {
	for _, s := range []string{"unexpected argument \"x\"", "Invalid value `x' for option `--format'. Allowed values are: a or b", ""} {
		if got := userFlagError(s); got != s {
			t.Errorf("userFlagError(%q) = %q", s, got)
		}
	}
}
