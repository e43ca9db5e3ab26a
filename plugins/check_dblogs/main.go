// Command check_dblogs counts the Berkeley DB transaction logs of the
// mailbox list database of Sun Java System / Oracle Communications Messaging
// Server ("Check Database Log Files", Administration Guide 20.14.1.5).
package main

import (
	"github.com/msgstore-plugins/msgstore/lib/plugin"
	"github.com/msgstore-plugins/msgstore/plugins/check_dblogs/dblogs"
)

func main() { plugin.Main(dblogs.Spec()) }
