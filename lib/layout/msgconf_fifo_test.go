package layout_test

import (
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/msgstore-plugins/msgstore/lib/fixture"
	"github.com/msgstore-plugins/msgstore/lib/layout"
)

// A FIFO in msg.conf's place is refused at once, naming the file; it used
// to block the open until the plugin's timeout (issue 9, adversarial suite).
func TestReadConfRefusesFIFO(t *testing.T) {
	s := fixture.New(t)
	l := layout.New(s.Base(), "")
	s.Remove(fixture.VarRel + "/config/msg.conf")
	if err := syscall.Mkfifo(s.Var("config/msg.conf"), 0o644); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { _, err := l.ReadConf(); done <- err }()
	select {
	case err := <-done:
		if err == nil || !strings.Contains(err.Error(), "msg.conf: not a regular file") {
			t.Fatalf("ReadConf on a FIFO: %v, want 'not a regular file' naming msg.conf", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("ReadConf blocked on a FIFO")
	}
}
