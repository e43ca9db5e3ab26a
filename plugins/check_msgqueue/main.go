// Command check_msgqueue counts the messages waiting in the MTA queue of a
// Sun Java System / Oracle Communications Messaging Server, per channel,
// with the age of the oldest, the held ones apart, and warns when the
// ims-ms channel (delivery into the message store) keeps growing.
package main

import (
	"github.com/msgstore-plugins/msgstore/lib/plugin"
	"github.com/msgstore-plugins/msgstore/plugins/check_msgqueue/msgqueue"
)

func main() { plugin.Main(msgqueue.Spec()) }
