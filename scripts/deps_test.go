package scripts

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/msgstore-plugins/msgstore/lib/plugintest"
)

// TestDepsKeepsPolicyRcD runs scripts/deps.sh with stand-ins for dpkg-query
// and apt-get: during the installation policy-rc.d forbids starting
// daemons; afterwards the machine's own policy-rc.d is back, or none if
// it had none.
func TestDepsKeepsPolicyRcD(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("deps.sh installs only as root")
	}
	script := filepath.Join(plugintest.ModuleRoot(), "scripts", "deps.sh")
	for _, existing := range []string{"#!/bin/sh\n# the machine's own\nexit 0\n", ""} {
		dir := t.TempDir()
		bin := filepath.Join(dir, "bin")
		os.Mkdir(bin, 0o755)
		policy := filepath.Join(dir, "policy-rc.d")
		seen := filepath.Join(dir, "seen")
		stub := func(name, body string) {
			if err := os.WriteFile(filepath.Join(bin, name), []byte("#!/bin/sh\n"+body), 0o755); err != nil {
				t.Fatal(err)
			}
		}
		stub("dpkg-query", "exit 1\n")                                                        // nothing is installed
		stub("apt-get", `[ "$1" = install ] && cat "$POLICY_RC_D" > "`+seen+`"`+"\nexit 0\n") // what policy-rc.d says during the installation
		if existing != "" {
			os.WriteFile(policy, []byte(existing), 0o755)
		}
		cmd := exec.Command("sh", script)
		cmd.Env = []string{"PATH=" + bin + ":/usr/bin:/bin", "POLICY_RC_D=" + policy}
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("deps.sh: %v\n%s", err, out)
		}
		during, _ := os.ReadFile(seen)
		if !strings.Contains(string(during), "exit 101") {
			t.Errorf("during apt-get install policy-rc.d said %q, want exit 101", during)
		}
		after, err := os.ReadFile(policy)
		switch {
		case existing == "" && err == nil:
			t.Errorf("deps.sh left a policy-rc.d where there was none: %q", after)
		case existing != "" && string(after) != existing:
			t.Errorf("the machine's policy-rc.d is %q after deps.sh, want %q back (%v)", after, existing, err)
		}
		left, _ := filepath.Glob(policy + ".*")
		if len(left) != 0 {
			t.Errorf("deps.sh left %v", left)
		}
	}
}
