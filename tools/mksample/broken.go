package main

import (
	"github.com/msgstore-plugins/msgstore/lib/fixture"
)

// breakServer turns a healthy sample into one each plugin alerts on.
func breakServer(s *fixture.Server) {
	// check_msgstore_disk: stored locks partitions at a usage the demo
	// machine surely has.
	s.Set("local.store.diskusagethreshold", "1")
}
