package adversarial

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// storedPid is a live process named stored (a copy of sleep) for the
// subjects whose healthy sample needs stored running: its pid goes into
// each sample's pid file.
var storedPid int

// TestMain starts the stand-in stored once, before any test runs in
// parallel (writing an executable while another goroutine forks can make
// exec fail with "text file busy"), and lets more plugin runs wait at once:
// the runs are child processes that mostly wait (FIFO cases sit out the
// 2 s timeout), so -parallel beyond the 2 CPUs shortens the suite.
func TestMain(m *testing.M) {
	flag.Parse()
	explicit := false
	flag.Visit(func(f *flag.Flag) { explicit = explicit || f.Name == "test.parallel" })
	if !explicit {
		flag.Set("test.parallel", "6")
	}
	dir, err := os.MkdirTemp("", "adversarial-stored-")
	if err != nil {
		fmt.Println(err)
		os.Exit(1)
	}
	fake := filepath.Join(dir, "stored")
	b, err := os.ReadFile("/bin/sleep")
	if err == nil {
		err = os.WriteFile(fake, b, 0o755)
	}
	cmd := exec.Command(fake, "3600")
	if err == nil {
		err = cmd.Start()
	}
	if err != nil {
		fmt.Println(err)
		os.Exit(1)
	}
	storedPid = cmd.Process.Pid
	code := m.Run()
	cmd.Process.Kill()
	cmd.Wait()
	os.RemoveAll(dir)
	os.Exit(code)
}
