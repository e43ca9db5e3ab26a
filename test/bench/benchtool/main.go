// Command benchtool is the Go half of `make bench`: it grows a sample
// server to benchmark size quickly (empty message files, flat directories,
// service logs, telemetry sessions) and turns the timings that hyperfine
// and /usr/bin/time recorded into the results table.
//
//	benchtool msgs -root PARTITION -n 1000000 [-per 100]
//	benchtool flat -dir MBOXLIST -n 100000 -format 'tmp.%07d'
//	benchtool log -o FILE -size 2GiB [-append] [-match-every 1000]
//	benchtool telemetry -dir TELEMETRY -n 10000 -size 1GiB
//	benchtool report -records RECORDS.tsv -raw DIR -machine MACHINE.txt
//
// The shell script test/bench/bench.sh drives it; nothing here times a plugin.
package main

import (
	"fmt"
	"os"
)

type command struct {
	name string
	help string
	run  func(args []string) error
}

var commands = []command{
	{"msgs", "create empty message files under a store partition (=user/h1/h2/=userN/K.msg)", runMsgs},
	{"flat", "create empty files in one directory", runFlat},
	{"log", "write (or append) service log lines of a given total size", runLog},
	{"telemetry", "write telemetry session files of a given total size", runTelemetry},
	{"report", "summarise timings and peak RSS into a markdown table", runReport},
}

func main() {
	if len(os.Args) < 2 {
		usage()
		os.Exit(2)
	}
	for _, c := range commands {
		if c.name == os.Args[1] {
			if err := c.run(os.Args[2:]); err != nil {
				fmt.Fprintf(os.Stderr, "benchtool %s: %v\n", c.name, err)
				os.Exit(1)
			}
			return
		}
	}
	usage()
	os.Exit(2)
}

func usage() {
	fmt.Fprintln(os.Stderr, "usage: benchtool COMMAND [options]")
	for _, c := range commands {
		fmt.Fprintf(os.Stderr, "  %-10s %s\n", c.name, c.help)
	}
}
