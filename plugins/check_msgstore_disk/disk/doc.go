// Package disk is the check of the check_msgstore_disk binary: the package
// is named after what it measures, the binary after the Nagios convention
// check_<thing>.
//
// It checks free space and inodes of the message
// store partitions, the mboxlist database directory and the MTA queue
// ("Check Hardware Space", Administration Guide 20.14.1.1).
package disk
