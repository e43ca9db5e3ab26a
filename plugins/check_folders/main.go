// Command check_folders runs `reconstruct -r -n` (check only, never fix)
// on a Sun Java System / Oracle Communications Messaging Server and reports
// the user folders it finds damaged ("Check User Folders", Administration
// Guide 20.14.1.6).
package main

import (
	"github.com/msgstore-plugins/msgstore/lib/plugin"
	"github.com/msgstore-plugins/msgstore/plugins/check_folders/folders"
)

func main() { plugin.Main(folders.Spec()) }
