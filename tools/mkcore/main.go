// Command mkcore writes a small, genuine-looking ELF core file, as a
// crashed Messaging Server daemon leaves it, for `make demo` and for trying
// check_cores by hand. By default it is a Solaris SPARC imapd core named the
// way Sun's debugging guide sets coreadm up (%f.%n.%p.%t.core):
//
//	go run ./tools/mkcore -d build/sample/var/cores -age 3h
//	-> build/sample/var/cores/imapd.mailhost.12345.<epoch>.core
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/msgstore-plugins/msgstore/lib/elfcore/elfcoretest"
	"github.com/msgstore-plugins/msgstore/lib/units"
)

func main() {
	dir := flag.String("d", "", "directory to write the core into (must exist)")
	age := flag.String("age", "3h", "age of the core: its mtime and the %t of its name are now minus this")
	at := flag.String("mtime", "", "the core's time as RFC 3339 (e.g. 2026-11-28T15:00:00Z); overrides -age")
	program := flag.String("program", "imapd", "program that crashed (pr_fname)")
	pid := flag.Int("pid", 12345, "its pid")
	node := flag.String("node", "mailhost", "node name (%n)")
	sig := flag.Int("signal", 11, "signal that killed it (11: SIGSEGV)")
	layoutName := flag.String("layout", "solaris-sparc32", "core layout: linux-amd64, linux-386, solaris-sparc32, solaris-sparc64, solaris-x86, solaris-amd64")
	name := flag.String("name", "", "file name (default: PROGRAM.NODE.PID.EPOCH.core)")
	flag.Parse()
	if *dir == "" {
		fail("give -d DIR")
	}
	layout, ok := findLayout(*layoutName)
	if !ok {
		fail("unknown -layout %q", *layoutName)
	}
	t, err := coreTime(*age, *at)
	if err != nil {
		fail("%v", err)
	}
	file := *name
	if file == "" {
		file = elfcoretest.Name(*program, *node, *pid, t)
	}
	c := elfcoretest.Core{Layout: layout, Program: *program, PID: *pid, Signal: *sig, Node: *node,
		Args: "/opt/SUNWmsgsr/lib/" + *program}
	path := filepath.Join(*dir, file)
	if err := c.WriteFile(path, t); err != nil {
		fail("%v", err)
	}
	fmt.Println(path)
}

func findLayout(name string) (elfcoretest.Layout, bool) {
	for _, l := range elfcoretest.Layouts {
		if l.String() == name {
			return l, true
		}
	}
	return 0, false
}

func coreTime(age, at string) (time.Time, error) {
	if at != "" {
		return time.Parse(time.RFC3339, at)
	}
	d, err := units.ParseDuration(age)
	if err != nil {
		return time.Time{}, fmt.Errorf("-age: %v", err)
	}
	return time.Now().Add(-d).Truncate(time.Second), nil
}

func fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "mkcore: "+format+"\n", args...)
	os.Exit(1)
}
