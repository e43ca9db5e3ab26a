// Command check_msgstore_disk checks free space and inodes of the message
// store partitions, the mboxlist database directory and the MTA queue of a
// Sun Java System / Oracle Communications Messaging Server ("Check Hardware
// Space", Administration Guide 20.14.1.1).
package main

import (
	"github.com/msgstore-plugins/msgstore/lib/plugin"
	"github.com/msgstore-plugins/msgstore/plugins/check_msgstore_disk/disk"
)

func main() { plugin.Main(disk.Spec()) }
