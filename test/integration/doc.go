// Package integration proves the plugins inside the monitoring systems they
// are written for: a real Nagios Core 4, a real Icinga 2 and a real NRPE,
// each started on temporary directories and loopback with a generated
// configuration, checking healthy and broken copies of the sample server.
// It also installs the .deb built by `make package` and cross-builds every
// plugin for the four server platforms.
//
// The tests need root (the daemons run their checks as the nagios user) and
// the Debian packages nagios4-core, icinga2-bin, nagios-nrpe-server and
// nagios-nrpe-plugin. Without them a test is skipped with the name of the
// package to install; under CI (CI set) it fails instead.
//
// Every plugin directory plugins/check_* is picked up by itself;
// MSGSTORE_E2E_PLUGINS=check_a,check_b limits a run to some of them.
package integration
