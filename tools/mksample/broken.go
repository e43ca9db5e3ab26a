package main

import (
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/msgstore-plugins/msgstore/lib/elfcore/elfcoretest"
	"github.com/msgstore-plugins/msgstore/lib/fixture"
)

// breakServer turns a healthy sample into one every plugin alerts on, each
// in the way the guide warns of. Changes that need a process or several
// runs (a live stored, log lines between two runs) are made by
// scripts/demo.sh.
func breakServer(s *fixture.Server) error {
	v := fixture.VarRel

	// check_msgstore_disk: stored locks a partition at the usage any demo
	// machine has.
	s.Set("local.store.diskusagethreshold", "1")

	// check_stored: pid 28250 of the sample is not alive here; checkpoints
	// stopped 23 minutes ago and log cleanup 3 hours ago.
	s.SetAge(v+"/config/stored.ckp", 23*time.Minute)
	s.SetAge(v+"/config/stored.lcu", 3*time.Hour)

	// check_dblogs: twelve transaction logs pile up in mboxlist.
	for i := 41; i <= 52; i++ {
		rel := fmt.Sprintf("%s/store/mboxlist/log.%010d", v, i)
		s.Write(rel, "", time.Duration(4*60-(i-41)*20)*time.Minute)
		if err := os.Truncate(s.Path(rel), 10<<20); err != nil {
			return err
		}
		s.SetAge(rel, time.Duration(4*60-(i-41)*20)*time.Minute)
	}

	// check_telemetry: a capture forgotten three days ago, with a slow
	// SELECT in its newest session.
	tel := v + "/telemetry/imap/redb"
	s.Write(tel+"/1796100000.4", "LOGIN redb 2026/11/28 16:40:02\n>0.019>1 OK User logged in\n"+
		"<0.051<3 select \"INBOX\"\n>4.212>* 1540 EXISTS\n3 OK [READ-WRITE] Completed\n", 20*time.Minute)
	s.SetAge(tel+"/1795881801.1", 72*time.Hour)
	s.SetAge(tel, 72*time.Hour)

	// check_folders: the stand-in reconstruct reports damaged folders.
	s.Write(fixture.BaseRel+"/sbin/reconstruct.simulate", "damaged\n", 0)

	// check_cores: imapd crashed 3 hours ago (coreadm's /var/cores layout)
	// and stored two days ago in its working directory (Solaris' plain
	// "core").
	cores := []struct {
		path string
		core elfcoretest.Core
		age  time.Duration
	}{
		{"", elfcoretest.Core{Layout: elfcoretest.SolarisSPARC32, Program: "imapd", PID: 4711, Signal: 11, Node: "mailhost", Args: "/opt/SUNWmsgsr/lib/imapd"}, 3 * time.Hour},
		{fixture.BaseRel + "/lib/core", elfcoretest.Core{Layout: elfcoretest.SolarisSPARC64, Program: "stored", PID: 28250, Signal: 6, Node: "mailhost", Args: "/opt/SUNWmsgsr/lib/stored -d"}, 50 * time.Hour},
	}
	for _, c := range cores {
		t := s.Now.Add(-c.age)
		path := c.path
		if path == "" {
			path = filepath.Join("var/cores", elfcoretest.Name(c.core.Program, c.core.Node, c.core.PID, t))
		}
		if err := c.core.WriteFile(s.Path(path), t); err != nil {
			return err
		}
	}

	// check_msgqueue: 60 messages wait for the store in ims-ms, the oldest
	// for 5 hours, two of them held.
	for i := 0; i < 60; i++ {
		name := fmt.Sprintf("%s/queue/ims-ms/%03d/ZZ%013d.00", v, i%3, 4100000000000+i)
		if i < 2 {
			name += ".HELD"
		}
		s.Write(name, "Stored message envelope and content\n", time.Duration(5*60-i*4)*time.Minute)
	}
	return nil
}
