package main

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

func countFiles(t *testing.T, root string) (files int) {
	t.Helper()
	err := filepath.WalkDir(root, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			files++
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

func TestMsgs(t *testing.T) {
	root := t.TempDir()
	if err := runMsgs([]string{"-root", root, "-n", "250", "-per", "100"}); err != nil {
		t.Fatal(err)
	}
	// 250 messages of 3 users, and a store.idx each.
	if got := countFiles(t, root); got != 253 {
		t.Errorf("files = %d, want 253", got)
	}
	if _, err := os.Stat(filepath.Join(root, userDir(2), "50.msg")); err != nil {
		t.Error(err)
	}
	if _, err := os.Stat(filepath.Join(root, userDir(2), "51.msg")); err == nil {
		t.Error("user 2 has 51 messages, want 50")
	}
	if !regexp.MustCompile(`^=user/[0-9a-f]{2}/[0-9a-f]{2}/=bench0000002$`).MatchString(userDir(2)) {
		t.Errorf("userDir(2) = %q", userDir(2))
	}
}

func TestFlat(t *testing.T) {
	dir := t.TempDir()
	if err := runFlat([]string{"-dir", dir, "-n", "5", "-start", "43", "-format", "log.%010d"}); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"log.0000000043", "log.0000000047"} {
		if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
			t.Error(err)
		}
	}
	// Existing files are not overwritten.
	if err := runFlat([]string{"-dir", dir, "-n", "1", "-start", "43", "-format", "log.%010d"}); err == nil {
		t.Error("creating an existing file: nil error")
	}
}

func TestLog(t *testing.T) {
	path := filepath.Join(t.TempDir(), "imap")
	for _, args := range [][]string{
		{"-o", path, "-size", "100000", "-match-every", "100"},
		{"-o", path, "-size", "50000", "-match-every", "100", "-append"},
	} {
		if err := runLog(args); err != nil {
			t.Fatal(err)
		}
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(b) != 150000 {
		t.Errorf("size = %d, want exactly 150000", len(b))
	}
	if !bytes.HasSuffix(b, []byte("\n")) {
		t.Error("the log does not end in a newline")
	}
	lines := strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
	shape := regexp.MustCompile(`^\[\d\d/[A-Z][a-z]{2}/\d{4}:\d\d:\d\d:\d\d \+0000\] mailhost imapd\[\d+\]: (General|Account|Store) (Notice|Error|Critical): `)
	matches := 0
	for i, l := range lines[:len(lines)-2] { // the last line of each write may be cut short
		if !shape.MatchString(l) {
			t.Fatalf("line %d %q does not look like a service log line", i+1, l)
		}
		if strings.Contains(l, "Critical") || strings.Contains(l, "Error") {
			matches++
		}
	}
	if want := len(lines) / 100; matches < want-2 || matches > want+2 {
		t.Errorf("%d matching lines of %d, want about %d", matches, len(lines), want)
	}
}

func TestTelemetry(t *testing.T) {
	dir := t.TempDir()
	if err := runTelemetry([]string{"-dir", dir, "-n", "25", "-size", "100000"}); err != nil {
		t.Fatal(err)
	}
	if got := countFiles(t, dir); got != 25 {
		t.Errorf("files = %d, want 25", got)
	}
	users, _ := os.ReadDir(filepath.Join(dir, "imap"))
	if len(users) != 3 {
		t.Errorf("user directories = %d, want 3", len(users))
	}
	sessions, _ := filepath.Glob(filepath.Join(dir, "imap", "bench00000", "*"))
	b, err := os.ReadFile(sessions[0])
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`^LOGIN bench00000 \d{4}/\d\d/\d\d \d\d:\d\d:\d\d\n<0\.017<2 UID FETCH`).Match(b) {
		t.Errorf("session starts %q", b[:80])
	}
	if len(b) < 4000 || len(b) > 4300 {
		t.Errorf("session size %d, want about 4000", len(b))
	}
}

func TestBadArguments(t *testing.T) {
	for _, tt := range []struct {
		run  func([]string) error
		args []string
	}{
		{runMsgs, []string{"-n", "5"}},
		{runFlat, []string{"-n", "5"}},
		{runLog, []string{"-o", "x", "-size", "lots"}},
		{runTelemetry, []string{"-dir", "x", "-n", "0", "-size", "1MiB"}},
	} {
		if err := tt.run(tt.args); err == nil {
			t.Errorf("%v: nil error", tt.args)
		}
	}
}
