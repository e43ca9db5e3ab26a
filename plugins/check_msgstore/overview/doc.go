// Package overview is the check of the check_msgstore binary: the package
// is named after what it does (an overview of every msgstore check), the
// binary after the Nagios convention check_<thing>.
//
// It runs every msgstore check in one process,
// with their default or given options, summarised as a table for people,
// one plugin output for Nagios/NRPE, or JSON for scripts. It reuses the
// checks' code through their Spec functions; it runs no other binary.
package overview
