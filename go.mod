module github.com/msgstore-plugins/msgstore

go 1.26

require (
	github.com/jessevdk/go-flags v1.6.1
	github.com/olorin/nagiosplugin v1.2.0
)

require golang.org/x/sys v0.21.0
