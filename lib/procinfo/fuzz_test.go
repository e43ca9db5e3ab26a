package procinfo

import (
	"encoding/binary"
	"testing"
)

// FuzzParseStat: any /proc/<pid>/stat content gives an Info or an error,
// never a panic; an accepted one came from "pid (comm) state ppid".
func FuzzParseStat(f *testing.F) {
	for _, s := range []string{"123 (stored) S 1 123 123 0 -1", "7 (a) b (c) Z 9 7", "", "1 ()", "(x) S 1", "1 (x) S"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		info, err := parseStat(b)
		if err == nil && len(info.Name) > len(b) {
			t.Fatalf("name %q longer than the input", info.Name)
		}
		parseBootTime(b)
	})
}

// FuzzParsePsinfo: any psinfo bytes give an Info or an error, never a
// panic; an accepted one carries the pid asked for.
func FuzzParsePsinfo(f *testing.F) {
	good := make([]byte, 416)
	binary.LittleEndian.PutUint32(good[offPid:], 28250)
	copy(good[offFname:], "stored")
	f.Add(good, 28250)
	f.Add(good[:200], 28250)
	f.Add([]byte{}, 1)
	f.Fuzz(func(t *testing.T, b []byte, pid int) {
		info, err := parsePsinfo(b, pid, "psinfo")
		if err == nil && (info.Pid != pid || len(info.Name) > lenFname) {
			t.Fatalf("accepted %+v for pid %d", info, pid)
		}
	})
}
