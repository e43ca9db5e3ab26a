// Command check_cores finds core files left by crashed Messaging Server
// processes and says what crashed, with which pid and when ("Check for
// Core Files", Administration Guide 20.14.1.7).
package main

import (
	"github.com/msgstore-plugins/msgstore/lib/plugin"
	"github.com/msgstore-plugins/msgstore/plugins/check_cores/cores"
)

func main() { plugin.Main(cores.Spec()) }
