package plugin

import "github.com/msgstore-plugins/msgstore/lib/units"

// DefaultTimeout applies when a Spec names none: well under Icinga 2's 60 s.
const DefaultTimeout = 10

// Common holds the options every plugin takes. Embed it in a plugin's
// options struct; its CommonOptions method makes the struct an Options.
type Common struct {
	Base string `short:"B" long:"base" value-name:"DIR" description:"msg-svr-base of the Messaging Server installation (default: $MSG_SVR_BASE, else the first of /opt/sun/comms/messaging64, /opt/sun/comms/messaging, /opt/sun/messaging, /opt/SUNWmsgsr that exists)"`
	// Where 7/8 may keep data and configuration when msg-svr-base has no
	// data and config links, and how Unified Configuration is read.
	DataRoot   string         `long:"data-root" value-name:"DIR" description:"data root of the installation (default: BASE/data, else /var/BASE as OCMS 8 lays it out when the data link is absent)"`
	ConfigRoot string         `long:"config-root" value-name:"DIR" description:"configuration root (default: BASE/config, else /var/BASE/config)"`
	Msconfig   string         `long:"msconfig" value-name:"PATH" description:"msconfig program for reading Unified Configuration (OCMS 7u5+, config.xml and no msg.conf), run as 'msconfig show' whose output is assumed to be 'name = value' lines; 'none' reads config.xml directly (its layout is not documented: read tolerantly) (default: BASE/bin/msconfig, else BASE/sbin/msconfig)"`
	Timeout    units.Duration `short:"t" long:"timeout" value-name:"SECONDS" description:"give up with UNKNOWN after this long (seconds, or a duration such as 30s)"`
	Verbose    []bool         `short:"v" long:"verbose" description:"more detail in long output (repeatable, up to 3)"`
	Version    bool           `short:"V" long:"version" description:"print the version and exit"`
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
