// Command check_stored checks that stored, the message store daemon of Sun
// Java System / Oracle Communications Messaging Server, is running and doing
// its housekeeping ("Check stored Processes", Administration Guide 20.14.1.4).
package main

import (
	"github.com/msgstore-plugins/msgstore/lib/plugin"
	"github.com/msgstore-plugins/msgstore/plugins/check_stored/stored"
)

func main() { plugin.Main(stored.Spec()) }
