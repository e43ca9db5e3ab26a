// Command check_msgstore runs every msgstore check in one process and shows
// the whole message store at a glance: a table in a terminal, the usual
// one-line plugin output for Nagios and NRPE, or JSON for scripts.
package main

import (
	"github.com/msgstore-plugins/msgstore/lib/plugin"
	"github.com/msgstore-plugins/msgstore/plugins/check_msgstore/overview"
)

func main() { plugin.Main(overview.Spec()) }
