// Package scripts holds the tests of the build scripts.
package scripts

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/msgstore-plugins/msgstore/lib/plugintest"
)

// gitEnv is a clean environment for git: no GIT_DIR or author settings of
// the caller's leak into the test repository.
func gitEnv() []string {
	var env []string
	for _, e := range os.Environ() {
		if !strings.HasPrefix(e, "GIT_") {
			env = append(env, e)
		}
	}
	return append(env, "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.com",
		"GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example.com", "GIT_CONFIG_NOSYSTEM=1", "HOME="+os.TempDir())
}

func sh(t *testing.T, dir string, argv ...string) string {
	t.Helper()
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Dir, cmd.Env = dir, gitEnv()
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%v: %v\n%s", argv, err, out)
	}
	return strings.TrimSpace(string(out))
}

// TestVersionScript: the version a build reports follows the release tags.
func TestVersionScript(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("no git")
	}
	script := filepath.Join(plugintest.ModuleRoot(), "scripts", "version.sh")
	repo := t.TempDir()
	version := func() string { return sh(t, repo, "sh", script) }

	if got := version(); got != "0.0.0-dev" {
		t.Errorf("outside git: %q, want 0.0.0-dev", got)
	}
	sh(t, repo, "git", "init", "-q")
	os.WriteFile(filepath.Join(repo, "f"), []byte("1"), 0o644)
	sh(t, repo, "git", "add", "f")
	sh(t, repo, "git", "commit", "-qm", "one")
	head := sh(t, repo, "git", "rev-parse", "--short", "HEAD")
	steps := []struct {
		name string
		do   func()
		want string
	}{
		{"no tag yet", func() {}, "0.0.0-dev+" + head},
		{"uncommitted change", func() { os.WriteFile(filepath.Join(repo, "f"), []byte("2"), 0o644) }, "0.0.0-dev+" + head + ".dirty"},
		{"release tag", func() {
			sh(t, repo, "git", "checkout", "-q", "f")
			sh(t, repo, "git", "tag", "-a", "v1.0.0", "-m", "1.0.0")
		}, "1.0.0"},
		{"a tag that is not a release", func() { sh(t, repo, "git", "tag", "nightly") }, "1.0.0"},
		{"a commit after the release", func() {
			os.WriteFile(filepath.Join(repo, "f"), []byte("3"), 0o644)
			sh(t, repo, "git", "commit", "-qam", "two")
			head = sh(t, repo, "git", "rev-parse", "--short", "HEAD")
		}, "1.0.0-1-g"},
	}
	for _, s := range steps {
		s.do()
		want := s.want
		if s.name == "a commit after the release" {
			want += head
		}
		if got := version(); got != want {
			t.Errorf("%s: version %q, want %q", s.name, got, want)
		}
	}
}

// TestMakeBuildVersion: a plugin built by the Makefile says, with -V, the
// version and commit that `make version` derives from this tree.
func TestMakeBuildVersion(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: make build builds every plugin")
	}
	if _, err := exec.LookPath("make"); err != nil {
		t.Skip("no make")
	}
	root := plugintest.ModuleRoot()
	want := sh(t, root, "make", "-s", "version")
	if !regexp.MustCompile(`^(\d+\.\d+\.\d+\S*|0\.0\.0-dev\S*) \(commit [0-9a-f]{7,}\)$`).MatchString(want) {
		t.Fatalf("make version: %q", want)
	}
	build := t.TempDir()
	sh(t, root, "make", "-s", "build", "BUILD="+build, "PLUGINS=check_dblogs")
	out := plugintest.Run(t, filepath.Join(build, "bin", "check_dblogs"), nil, "-V")
	if out.Code != 3 || out.Stdout != "check_dblogs "+want+"\n" {
		t.Errorf("check_dblogs -V: exit %d %q, want 3 and %q", out.Code, out.Stdout, "check_dblogs "+want)
	}
}
