module github.com/msgstore-plugins/msgstore

go 1.26

require (
	github.com/jessevdk/go-flags v1.6.1
	github.com/olorin/nagiosplugin v1.2.0
)

require (
	github.com/klauspost/compress v1.20.4
	github.com/pierrec/lz4/v4 v4.1.33
	github.com/ulikunitz/xz v0.5.17
	golang.org/x/sys v0.21.0
)
