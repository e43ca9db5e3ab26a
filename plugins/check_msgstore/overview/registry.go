package overview

import (
	"github.com/msgstore-plugins/msgstore/lib/plugin"
	"github.com/msgstore-plugins/msgstore/plugins/check_msgstore_disk/disk"
)

// check is one check the overview runs.
type check struct {
	name string // short name used in --check, --with, perfdata labels
	spec func() plugin.Spec
}

// registry lists the checks in the order of the guide's procedures.
var registry = []check{
	{"disk", disk.Spec},
}
