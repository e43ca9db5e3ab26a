package msgqueue

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

// A channel directory symlinked to another disk that is gone (a dangling
// link, a loop) is a channel that cannot be read: its messages are hidden.
// Skipping it as "not a channel" would let the queue say OK without it.
// A link to a file is still no channel.
func TestBrokenChannelSymlinks(t *testing.T) {
	q := t.TempDir()
	os.MkdirAll(filepath.Join(q, "tcp_local", "002"), 0o755)
	os.Symlink(filepath.Join(q, "gone"), filepath.Join(q, "ims-ms"))
	os.Symlink(filepath.Join(q, "loop"), filepath.Join(q, "loop"))
	os.WriteFile(filepath.Join(q, "file"), nil, 0o644)
	os.Symlink(filepath.Join(q, "file"), filepath.Join(q, "tofile"))
	os.Symlink(filepath.Join(q, "gone2"), filepath.Join(q, "skipped"))
	chans, _, err := scanQueue(context.Background(), q, []string{"skipped"}, func(string) {})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]error{}
	for _, c := range chans {
		got[c.Name] = c.Err
	}
	if len(got) != 3 {
		t.Fatalf("channels %v, want ims-ms, loop, tcp_local", got)
	}
	if !errors.Is(got["ims-ms"], fs.ErrNotExist) || got["loop"] == nil || got["tcp_local"] != nil {
		t.Errorf("channel errors %v", got)
	}
}
