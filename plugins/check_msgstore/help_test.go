package main

import (
	"regexp"
	"strings"
	"testing"

	"github.com/msgstore-plugins/msgstore/lib/plugintest"
)

// --check and --skip name the checks they take, every one of them (the
// names an unknown --check reports as valid).
func TestHelpListsCheckNames(t *testing.T) {
	bin := plugintest.Build(t, "check_msgstore")
	help := plugintest.Run(t, bin, nil, "--help").Stdout
	bad := plugintest.Run(t, bin, nil, "--check", "nosuchcheck").Line1
	m := regexp.MustCompile(`\(known: ([a-z_, ]+)\)`).FindStringSubmatch(bad)
	if m == nil {
		t.Fatalf("an unknown --check does not list the known ones: %s", bad)
	}
	names := strings.Split(m[1], ", ")
	flat := strings.Join(strings.Fields(help), " ")
	if strings.Contains(flat, "see below") {
		t.Errorf("--help refers to a list that is not there:\n%s", help)
	}
	for _, opt := range []string{"--check=NAME", "--skip=NAME"} {
		i := strings.Index(flat, opt)
		if i < 0 {
			t.Fatalf("--help lacks %s:\n%s", opt, help)
		}
		desc := flat[i : i+300]
		for _, n := range names {
			if !strings.Contains(desc, n) {
				t.Errorf("%s does not list %q: %s", opt, n, desc)
			}
		}
	}
}
