package logtail

import (
	"bytes"
	"testing"
)

// BenchmarkScan measures line splitting alone, from memory: the floor under
// any check that reads logs through this package.
func BenchmarkScan(b *testing.B) {
	line := []byte("[28/Nov/2026:16:02:11 +0000] mailhost imapd[6747]: Account Notice: close [192.168.10.21:51234] jdoe 2026/11/28 16:00:03 0:02:08 1024 48213 2\n")
	data := bytes.Repeat(line, (16<<20)/len(line))
	lr := newLineReader(0)
	var n int64
	fn := func(l []byte, cut bool) { n++ }
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		res, err := lr.scan(bytes.NewReader(data), int64(len(data)), false, false, nil, fn)
		if err != nil || res.consumed != int64(len(data)) {
			b.Fatal(err, res.consumed)
		}
	}
}
