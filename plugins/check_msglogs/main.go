// Command check_msglogs checks the Messaging Server's own logs (imap, pop,
// http, admin, default and the MTA's mail.log_current): new Critical and
// Error lines since the last run, read incrementally across rotation, each
// log's liveness, and the log directory's size ("Check Log Files",
// Administration Guide 20.14.1.2).
package main

import (
	"github.com/msgstore-plugins/msgstore/lib/plugin"
	"github.com/msgstore-plugins/msgstore/plugins/check_msglogs/msglogs"
)

func main() { plugin.Main(msglogs.Spec()) }
