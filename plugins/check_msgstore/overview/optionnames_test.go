package overview

import (
	"fmt"
	"strings"
	"testing"

	flags "github.com/jessevdk/go-flags"

	"github.com/msgstore-plugins/msgstore/lib/plugin"
)

// allSpecs is every plugin of the suite: the checks the overview runs and
// the overview itself.
func allSpecs() []plugin.Spec {
	specs := []plugin.Spec{Spec()}
	for _, c := range registry {
		specs = append(specs, c.spec())
	}
	return specs
}

// Thresholds that are not counts follow one naming scheme across the
// plugins: --<thing>-warning and --<thing>-critical, held in fields
// <Thing>Warning and <Thing>Critical. Old spellings stay as hidden
// aliases of the new names.
func TestOptionNamesFollowTheThresholdScheme(t *testing.T) {
	for _, spec := range allSpecs() {
		t.Run(spec.Name, func(t *testing.T) {
			p := plugin.NewParser(spec)
			visible := map[string]bool{}
			var opts []*flags.Option
			for _, g := range p.Groups() {
				for _, o := range g.Options() {
					opts = append(opts, o)
					if !o.Hidden {
						visible[o.LongName] = true
					}
				}
			}
			for _, o := range opts {
				for _, problem := range schemeProblems(o, visible) {
					t.Error(problem)
				}
			}
		})
	}
}

// schemeProblems says how an option breaks the scheme (nothing if it
// does not); visible holds the long names --help shows.
func schemeProblems(o *flags.Option, visible map[string]bool) []string {
	if o.Hidden {
		return aliasProblems(o, visible)
	}
	var out []string
	name, field := o.LongName, o.Field().Name
	for _, short := range []string{"-warn", "-crit"} {
		if strings.HasSuffix(name, short) {
			out = append(out, fmt.Sprintf("--%s: spell it --%s", name, strings.TrimSuffix(name, short)+map[string]string{"-warn": "-warning", "-crit": "-critical"}[short]))
		}
	}
	if strings.HasPrefix(name, "max-") && (visible[name+"-critical"] || strings.HasSuffix(name, "-critical") || strings.HasSuffix(name, "-warning")) {
		out = append(out, fmt.Sprintf("--%s: a threshold pair is --<thing>-warning/--<thing>-critical, not max-<thing>", name))
	}
	if name == "count" || name == "stale" {
		out = append(out, fmt.Sprintf("--%s: say which state it sets (--%s-warning or --%s-critical)", name, name, name))
	}
	switch {
	case strings.HasSuffix(name, "-warning") && !strings.HasSuffix(field, "Warning"),
		strings.HasSuffix(name, "-critical") && !strings.HasSuffix(field, "Critical"):
		out = append(out, fmt.Sprintf("--%s is held in field %s: name it <Thing>Warning or <Thing>Critical", name, field))
	}
	for _, short := range []string{"Warn", "Crit"} {
		if strings.HasSuffix(field, short) {
			out = append(out, fmt.Sprintf("field %s (--%s): spell out Warning/Critical", field, name))
		}
	}
	return out
}

// aliasProblems: a hidden option is an old spelling standing for a
// visible option, and takes no default of its own (which would always win).
func aliasProblems(o *flags.Option, visible map[string]bool) []string {
	target := o.Field().Tag.Get("alias-of")
	var out []string
	switch {
	case target == "":
		out = append(out, fmt.Sprintf("hidden option --%s stands for nothing: give it an alias-of tag", o.LongName))
	case !visible[target]:
		out = append(out, fmt.Sprintf("hidden option --%s stands for --%s, which --help does not show", o.LongName, target))
	case len(o.Default) > 0:
		out = append(out, fmt.Sprintf("hidden option --%s has a default", o.LongName))
	case o.Description != "":
		out = append(out, fmt.Sprintf("hidden option --%s has a description nobody sees: document --%s instead", o.LongName, target))
	}
	return out
}

// The scheme test itself: each way of breaking the scheme is caught.
func TestOptionNameSchemeCatchesOffenders(t *testing.T) {
	type offenders struct {
		plugin.Common
		PredictWarn    int   `long:"predict-warn" description:"x"`
		MaxAge         int   `long:"max-age" description:"x"`
		MaxAgeCritical int   `long:"max-age-critical" description:"x"`
		Count          []int `long:"count" description:"x"`
		DirCrit        int   `long:"dir-critical" description:"x"`
		Orphan         int   `long:"orphan" hidden:"true"`
	}
	p := plugin.NewParser(plugin.Spec{Name: "check_bad", Options: &offenders{}})
	visible := map[string]bool{}
	for _, o := range p.Groups()[0].Options() {
		if !o.Hidden {
			visible[o.LongName] = true
		}
	}
	for _, name := range []string{"predict-warn", "max-age", "max-age-critical", "count", "dir-critical", "orphan"} {
		if len(schemeProblems(p.FindOptionByLongName(name), visible)) == 0 {
			t.Errorf("--%s passes the scheme test", name)
		}
	}
}
