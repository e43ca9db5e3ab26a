package overview

import (
	"github.com/msgstore-plugins/msgstore/lib/plugin"
	"github.com/msgstore-plugins/msgstore/plugins/check_cores/cores"
	"github.com/msgstore-plugins/msgstore/plugins/check_dblogs/dblogs"
	"github.com/msgstore-plugins/msgstore/plugins/check_folders/folders"
	"github.com/msgstore-plugins/msgstore/plugins/check_msglogs/msglogs"
	"github.com/msgstore-plugins/msgstore/plugins/check_msgprocs/msgprocs"
	"github.com/msgstore-plugins/msgstore/plugins/check_msgqueue/msgqueue"
	"github.com/msgstore-plugins/msgstore/plugins/check_msgstore_disk/disk"
	"github.com/msgstore-plugins/msgstore/plugins/check_stored/stored"
	"github.com/msgstore-plugins/msgstore/plugins/check_telemetry/telemetry"
)

// check is one check the overview runs.
type check struct {
	name string // short name used in --check, --with, perfdata labels
	spec func() plugin.Spec
}

// registry lists the checks in the order of the guide's procedures, then
// the MTA queue.
var registry = []check{
	{"disk", disk.Spec},
	{"msglogs", msglogs.Spec},
	{"telemetry", telemetry.Spec},
	{"stored", stored.Spec},
	{"procs", msgprocs.Spec},
	{"dblogs", dblogs.Spec},
	{"folders", folders.Spec},
	{"cores", cores.Spec},
	{"msgqueue", msgqueue.Spec},
}
