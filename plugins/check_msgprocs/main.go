// Command check_msgprocs says whether the daemons of Sun Java System /
// Oracle Communications Messaging Server run: which of them run, and which
// should ("Check stored Processes", Administration Guide 20.14.1.4, for
// stored and the daemons that start only after it).
package main

import (
	"github.com/msgstore-plugins/msgstore/lib/plugin"
	"github.com/msgstore-plugins/msgstore/plugins/check_msgprocs/msgprocs"
)

func main() { plugin.Main(msgprocs.Spec()) }
