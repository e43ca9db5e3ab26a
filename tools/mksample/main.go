// Command mksample materialises the sample Messaging Server of
// testdata/sample into a directory, healthy as of now, for `make demo` and
// for trying the plugins by hand:
//
//	go run ./tools/mksample -o build/sample
//	check_msgstore_disk -B build/sample/opt/SUNWmsgsr
//
// With -uc it is an OCMS 7u5+/8.x installation with Unified Configuration
// (build/sample/opt/sun/comms/messaging64).
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/msgstore-plugins/msgstore/lib/fixture"
)

func main() {
	out := flag.String("o", "build/sample", "directory to create (must not exist)")
	broken := flag.Bool("broken", false, "break the sample the ways each plugin detects")
	uc := flag.Bool("uc", false, "an OCMS 7u5+/8.x installation with Unified Configuration: config.xml and a stand-in msconfig, no msg.conf, no data link")
	flag.Parse()
	if _, err := os.Stat(*out); err == nil {
		fmt.Fprintf(os.Stderr, "mksample: %s exists; remove it first\n", *out)
		os.Exit(1)
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		fmt.Fprintln(os.Stderr, "mksample:", err)
		os.Exit(1)
	}
	abs, err := filepath.Abs(*out)
	if err != nil {
		fmt.Fprintln(os.Stderr, "mksample:", err)
		os.Exit(1)
	}
	materialize := fixture.Materialize
	if *uc {
		materialize = fixture.MaterializeUC
	}
	s, err := materialize(abs, time.Now())
	if err != nil {
		fmt.Fprintln(os.Stderr, "mksample:", err)
		os.Exit(1)
	}
	if *broken {
		if err := s.Break(); err != nil {
			fmt.Fprintln(os.Stderr, "mksample:", err)
			os.Exit(1)
		}
	}
	fmt.Println(s.Base())
}
