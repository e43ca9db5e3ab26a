package integration

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/msgstore-plugins/msgstore/lib/fixture"
	"github.com/msgstore-plugins/msgstore/lib/plugintest"
)

// TestPackageInstalls builds the packages with `make package` (into a
// temporary BUILD and DIST), installs the .deb with dpkg on this machine,
// runs every plugin from /usr/lib/nagios/plugins on the sample server and
// removes the package again, even when the test fails.
func TestPackageInstalls(t *testing.T) {
	requireTool(t, "/usr/bin/dpkg", "dpkg")
	if testing.Short() {
		t.Skip("-short: make package builds every plugin and nfpm")
	}
	t.Parallel() // it mostly compiles while the daemon tests mostly wait
	names, _ := plugins(t)
	ws := workspace(t)
	if out, err := exec.Command("dpkg-query", "-W", "-f=${Status}", "msgstore-plugins").Output(); err == nil && strings.Contains(string(out), "installed") {
		// CI's machine is its own (a run killed midway may have left the
		// package); a developer's is not ours to change.
		if !underCI() {
			t.Skip("msgstore-plugins is installed on this machine already; not touching it")
		}
		if out, err := dpkg(t, ws, "--purge", "msgstore-plugins"); err != nil {
			t.Fatalf("dpkg --purge msgstore-plugins left by an earlier run: %v\n%s", err, out)
		}
	}
	root := plugintest.ModuleRoot()
	dist := filepath.Join(ws, "dist")
	out, err := run(t, 5*time.Minute, root, nil, "make", "package",
		"BUILD="+filepath.Join(ws, "build"), "DIST="+dist, "VERSION=v0.0.0-e2e",
		// nfpm is installed once per machine, not per test run.
		"NFPM="+filepath.Join(root, "build", "tools", "nfpm"))
	if err != nil {
		t.Fatalf("make package: %v\n%s", err, out)
	}
	debs, _ := filepath.Glob(filepath.Join(dist, "*.deb"))
	rpms, _ := filepath.Glob(filepath.Join(dist, "*.rpm"))
	if len(debs) != 1 || len(rpms) != 1 {
		t.Fatalf("make package made %v and %v, want one .deb and one .rpm:\n%s", debs, rpms, out)
	}
	contents, err := run(t, time.Minute, ws, nil, "dpkg-deb", "-c", debs[0])
	if err != nil {
		t.Fatal(err, contents)
	}
	for _, n := range names {
		if !strings.Contains(contents, "./usr/lib/nagios/plugins/"+n+"\n") {
			t.Errorf("the .deb lacks /usr/lib/nagios/plugins/%s:\n%s", n, contents)
		}
	}

	t.Cleanup(func() {
		if out, err := dpkg(t, ws, "--purge", "msgstore-plugins"); err != nil {
			t.Errorf("dpkg --purge msgstore-plugins: %v\n%s", err, out)
		}
	})
	if out, err := dpkg(t, ws, "-i", debs[0]); err != nil {
		t.Fatalf("dpkg -i %s: %v\n%s", debs[0], err, out)
	}
	conffiles, _ := os.ReadFile("/var/lib/dpkg/info/msgstore-plugins.conffiles")
	for _, f := range []string{"/etc/nagios-plugins/config/msgstore.cfg", "/etc/nagios/nrpe.d/msgstore.cfg"} {
		if !strings.Contains(string(conffiles), f) {
			t.Errorf("%s is not a conffile of the package: %q", f, conffiles)
		}
	}
	// --help points to the READMEs (the sudoers rule of check_folders):
	// they are installed, with the copyright file Debian requires.
	doc := "/usr/share/doc/msgstore-plugins/"
	for _, f := range []string{"copyright", "README.md", "README.icinga2.md", "README.check_folders.md", "icinga2-services.conf.example"} {
		if fi, err := os.Stat(doc + f); err != nil || fi.Size() == 0 {
			t.Errorf("the package does not install %s%s: %v", doc, f, err)
		}
	}
	for _, n := range names {
		if _, err := os.Stat(doc + "README." + n + ".md"); err != nil && exists(filepath.Join(root, "plugins", n, "README.md")) {
			t.Errorf("the package does not install the README of %s: %v", n, err)
		}
	}
	// Every Icinga 2 node with the package knows the CheckCommands
	// through include <plugins-contrib>, as the ITL's own.
	if exists(icingaBin) {
		icingaKnowsInstalledCommands(t, ws, names)
	}
	s := fixture.New(t)
	for _, n := range names {
		o := plugintest.Run(t, "/usr/lib/nagios/plugins/"+n, nil, "-B", s.Base(), "--version")
		if o.Code != 3 || !strings.Contains(o.Stdout, "0.0.0-e2e") {
			t.Errorf("installed %s --version: exit %d %q, want exit 3 and version 0.0.0-e2e", n, o.Code, o.Stdout)
		}
	}
	o := plugintest.Run(t, "/usr/lib/nagios/plugins/check_msgstore_disk", nil, "-B", s.Base())
	o.Expect(t, "MSGSTORE_DISK", 0)
	t.Logf("installed: %s", o.Line1)
}

// dpkg runs dpkg, waiting up to a minute for another dpkg or apt-get on
// the machine to release its lock.
func dpkg(t testing.TB, dir string, args ...string) (string, error) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for {
		out, err := run(t, 2*time.Minute, dir, nil, append([]string{"dpkg"}, args...)...)
		if err == nil || !strings.Contains(out, "lock") || time.Now().After(deadline) {
			return out, err
		}
		time.Sleep(time.Second)
	}
}

// TestMakeInstall installs into a DESTDIR with a custom PREFIX, runs an
// installed plugin, and uninstalls again.
func TestMakeInstall(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: make install builds every plugin")
	}
	t.Parallel()
	names, _ := plugins(t)
	ws := t.TempDir()
	root := plugintest.ModuleRoot()
	dest, prefix := filepath.Join(ws, "dest"), "/opt/monitoring/plugins"
	vars := []string{"DESTDIR=" + dest, "PREFIX=" + prefix, "BUILD=" + filepath.Join(ws, "build")}
	if out, err := run(t, 5*time.Minute, root, nil, append([]string{"make", "install"}, vars...)...); err != nil {
		t.Fatalf("make install: %v\n%s", err, out)
	}
	for _, n := range names {
		fi, err := os.Stat(filepath.Join(dest, prefix, n))
		if err != nil || fi.Mode().Perm() != 0o755 {
			t.Errorf("make install: %s/%s: %v %v", prefix, n, fi, err)
		}
	}
	s := fixture.New(t)
	plugintest.Run(t, filepath.Join(dest, prefix, "check_msgstore_disk"), nil, "-B", s.Base()).Expect(t, "MSGSTORE_DISK", 0)
	if out, err := run(t, time.Minute, root, nil, append([]string{"make", "uninstall"}, vars...)...); err != nil {
		t.Fatalf("make uninstall: %v\n%s", err, out)
	}
	left, _ := filepath.Glob(filepath.Join(dest, prefix, "check_*"))
	if len(left) != 0 {
		t.Errorf("make uninstall left %v", left)
	}
}

// TestCrossBuild runs `make cross` for the four server platforms into a
// temporary directory and checks that every plugin came out of each. A
// cold build cache makes it take minutes, so it runs under CI or with
// MSGSTORE_TEST_CROSS=1 only.
func TestCrossBuild(t *testing.T) {
	if !underCI() && os.Getenv("MSGSTORE_TEST_CROSS") == "" {
		t.Skip("make cross runs under CI or with MSGSTORE_TEST_CROSS=1")
	}
	t.Parallel()
	names, _ := plugins(t)
	dir := t.TempDir()
	root := plugintest.ModuleRoot()
	out, err := run(t, 8*time.Minute, root, nil, "make", "cross", "CROSS_DIR="+dir)
	if err != nil {
		t.Fatalf("make cross: %v\n%s", err, out)
	}
	for _, pf := range []string{"linux-amd64", "linux-arm64", "solaris-amd64", "illumos-amd64"} {
		for _, n := range names {
			if fi, err := os.Stat(filepath.Join(dir, pf, n)); err != nil || fi.Size() == 0 {
				t.Errorf("make cross made no %s/%s: %v", pf, n, err)
			}
		}
	}
}

// icingaKnowsInstalledCommands validates a configuration that includes
// only the ITL and <plugins-contrib> and uses every CheckCommand.
func icingaKnowsInstalledCommands(t *testing.T, ws string, names []string) {
	t.Helper()
	acct := lookupDaemonUser(t)
	var b strings.Builder
	// The constants of Debian's constants.conf, which the ITL needs.
	b.WriteString(`const PluginDir = "/usr/lib/nagios/plugins"
const ManubulonPluginDir = "/usr/lib/nagios/plugins"
const PluginContribDir = "/usr/lib/nagios/plugins"
include <itl>
include <plugins>
include <plugins-contrib>
`)
	for _, n := range names {
		fmt.Fprintf(&b, "object Host %q { check_command = %q }\n", n, icingaCommand(n))
	}
	cfg := writeFile(t, filepath.Join(ws, "installed-commands.conf"), b.String())
	validateIcinga(t, ws, cfg, icingaDirs(t, acct, ws))
}
