// Package specdoc renders what the monitoring side needs to know about the
// plugins from the same go-flags option definitions that --help shows: a
// man page per plugin, Icinga 2 CheckCommand objects in the ITL style and
// an NRPE command snippet. Deriving them from plugin.Spec keeps all of them
// true when an option is added or renamed.
package specdoc

import (
	"fmt"
	"io"
	"reflect"
	"sort"
	"strings"

	"github.com/jessevdk/go-flags"

	"github.com/msgstore-plugins/msgstore/lib/plugin"
)

// Option is one command-line option of a plugin, as the generators see it.
type Option struct {
	Long, Short string // "warning", "w" (Short may be empty)
	ValueName   string // e.g. FREE; empty for a flag
	Description string
	Default     []string
	Flag        bool   // takes no value (bool)
	Counter     bool   // repeatable flag ([]bool, e.g. -v)
	Repeatable  bool   // may be given several times ([]T)
	AliasOf     string // the option an old, hidden spelling stands for
}

// Options lists a plugin's options in --help order, without -h/--help and
// -V/--version, which a monitoring system never passes.
func Options(spec plugin.Spec) []Option {
	p := plugin.NewParser(spec)
	var out []Option
	for _, g := range p.Groups() {
		for _, o := range g.Options() {
			if o.Hidden || o.LongName == "help" || o.LongName == "version" || o.LongName == "" {
				continue
			}
			out = append(out, optionOf(o))
		}
	}
	return out
}

// OldSpellings lists the hidden old names of renamed options: generated
// command definitions keep passing them, so that a service that still sets
// the old variable keeps its threshold instead of silently losing it.
func OldSpellings(spec plugin.Spec) []Option {
	p := plugin.NewParser(spec)
	var out []Option
	for _, g := range p.Groups() {
		for _, o := range g.Options() {
			if target := o.Field().Tag.Get("alias-of"); o.Hidden && target != "" {
				opt := optionOf(o)
				opt.AliasOf = target
				out = append(out, opt)
			}
		}
	}
	return out
}

func optionOf(o *flags.Option) Option {
	ft := o.Field().Type
	opt := Option{
		Long: o.LongName, ValueName: o.ValueName, Description: o.Description,
		Default: o.Default,
	}
	if o.ShortName != 0 {
		opt.Short = string(o.ShortName)
	}
	switch {
	case ft.Kind() == reflect.Bool:
		opt.Flag = true
	case ft.Kind() == reflect.Slice && ft.Elem().Kind() == reflect.Bool:
		opt.Flag, opt.Counter = true, true
	case ft.Kind() == reflect.Slice || ft.Kind() == reflect.Map:
		opt.Repeatable = true
	}
	return opt
}

// Summary is the first sentence of a plugin's description, for the NAME
// line of a man page and the comment above a CheckCommand.
func Summary(spec plugin.Spec) string {
	d := strings.Join(strings.Fields(spec.Description), " ")
	// The first clause is enough for whatis(1) and apropos(1).
	for _, sep := range []string{". ", ": ", "; ", " ("} {
		if i := strings.Index(d, sep); i > 0 {
			d = d[:i]
		}
	}
	return strings.TrimSuffix(d, ".")
}

// SortSpecs orders plugins by name so that generated files are stable.
func SortSpecs(specs []plugin.Spec) {
	sort.Slice(specs, func(i, j int) bool { return specs[i].Name < specs[j].Name })
}

// WriteManPage writes a section 1 man page: go-flags' own rendering of the
// options, plus the examples and exit codes that --help also shows.
func WriteManPage(w io.Writer, spec plugin.Spec) {
	p := plugin.NewParser(spec)
	p.ShortDescription = Summary(spec)
	p.WriteManPage(w)
	if len(spec.Examples) > 0 {
		fmt.Fprintln(w, ".SH EXAMPLES")
		for _, e := range spec.Examples {
			fmt.Fprintf(w, ".PP\n.nf\n%s\n.fi\n", manEscape(e))
		}
	}
	fmt.Fprintln(w, ".SH EXIT STATUS")
	for _, l := range []string{
		"0 OK: checked, and within thresholds.",
		"1 WARNING: a warning threshold was crossed.",
		"2 CRITICAL: a critical threshold was crossed, or the thing checked is not working.",
		"3 UNKNOWN: bad options, missing or unreadable inputs, the plugin's own timeout, --help and --version.",
	} {
		fmt.Fprintf(w, ".TP\n%s\n", manEscape(l))
	}
	fmt.Fprintln(w, ".SH OUTPUT")
	fmt.Fprintf(w, "Line 1 is \\fB%s\\fP \\fISTATE\\fP \\- summary | performance data; the following lines give one item each, worst first.\n", manEscape(spec.Service))
	fmt.Fprintln(w, ".SH SEE ALSO")
	fmt.Fprintln(w, "The Monitoring Plugins Development Guidelines; the Standard Message Store Monitoring Procedures of the Messaging Server Administration Guide.")
}

// manEscape protects backslashes and a leading dot or quote, which roff
// would read as a request.
func manEscape(s string) string {
	s = strings.ReplaceAll(s, `\`, `\\`)
	s = strings.ReplaceAll(s, "-", `\-`)
	if strings.HasPrefix(s, ".") || strings.HasPrefix(s, "'") {
		s = `\&` + s
	}
	return s
}
