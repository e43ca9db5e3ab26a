package specdoc

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/msgstore-plugins/msgstore/lib/plugin"
)

// Formats are what Run can write.
var Formats = []string{"man", "icinga2", "icinga2-services", "nrpe"}

// Run is the generated program's main: it writes the chosen format for
// specs. man writes DIR/<plugin>.1; the others write one file, -o FILE.
func Run(specs []plugin.Spec, args []string) error {
	fs := flag.NewFlagSet("mkman", flag.ContinueOnError)
	format := fs.String("format", "man", fmt.Sprintf("one of %v", Formats))
	out := fs.String("o", "", "output directory (man) or file")
	pluginDir := fs.String("plugindir", "/usr/lib/nagios/plugins", "where the plugins are installed (nrpe)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *out == "" {
		return fmt.Errorf("-o is required")
	}
	if len(specs) == 0 {
		return fmt.Errorf("no plugins found")
	}
	SortSpecs(specs)
	var b bytes.Buffer
	switch *format {
	case "man":
		return writeManPages(specs, *out)
	case "icinga2":
		WriteIcinga2Commands(&b, specs)
	case "icinga2-services":
		WriteIcinga2Services(&b, specs)
	case "nrpe":
		WriteNRPE(&b, specs, *pluginDir)
	default:
		return fmt.Errorf("unknown -format %q (want one of %v)", *format, Formats)
	}
	return writeFile(*out, b.Bytes())
}

func writeManPages(specs []plugin.Spec, dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for _, s := range specs {
		var b bytes.Buffer
		WriteManPage(&b, s)
		if err := writeFile(filepath.Join(dir, s.Name+".1"), b.Bytes()); err != nil {
			return err
		}
	}
	return nil
}

func writeFile(path string, b []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return os.WriteFile(path, b, 0o644)
}
