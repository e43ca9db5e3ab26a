// Command check_telemetry finds the telemetry captures of user sessions left
// on in a Sun Java System / Oracle Communications Messaging Server and
// reports what the captured sessions say about the server's response times
// ("Check User IMAP/POP/Webmail Session by Using Telemetry", Administration
// Guide 20.14.1.3).
package main

import (
	"github.com/msgstore-plugins/msgstore/lib/plugin"
	"github.com/msgstore-plugins/msgstore/plugins/check_telemetry/telemetry"
)

func main() { plugin.Main(telemetry.Spec()) }
