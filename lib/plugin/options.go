package plugin

import "github.com/msgstore-plugins/msgstore/lib/units"

// DefaultTimeout applies when a Spec names none: well under Icinga 2's 60 s.
const DefaultTimeout = 10

// Common holds the options every plugin takes. Embed it in a plugin's
// options struct; its CommonOptions method makes the struct an Options.
type Common struct {
	Base    string         `short:"B" long:"base" value-name:"DIR" description:"msg-svr-base of the Messaging Server installation (default: $MSG_SVR_BASE, else the first of /opt/sun/comms/messaging64, /opt/sun/comms/messaging, /opt/sun/messaging, /opt/SUNWmsgsr that exists)"`
	Timeout units.Duration `short:"t" long:"timeout" value-name:"SECONDS" description:"give up with UNKNOWN after this long (seconds, or a duration such as 30s)"`
	Verbose []bool         `short:"v" long:"verbose" description:"more detail in long output (repeatable, up to 3)"`
	Version bool           `short:"V" long:"version" description:"print the version and exit"`
}

// CommonOptions returns the common options.
func (c *Common) CommonOptions() *Common { return c }

// Options is a plugin's options struct: any struct that embeds Common.
type Options interface {
	CommonOptions() *Common
}

// VerboseLevel is the number of -v given, capped at 3.
func (c *Common) VerboseLevel() int {
	if len(c.Verbose) > 3 {
		return 3
	}
	return len(c.Verbose)
}
