package telemetry

import (
	"bytes"
	"fmt"
	"testing"
)

// benchShortSession is 1 MiB of the worst case for the parser: short IMAP
// commands, each answered at once.
func benchShortSession() []byte {
	var b bytes.Buffer
	b.WriteString("LOGIN joe 2026/11/28 16:20:00\n>0.017>1 OK User logged in\n")
	cmds := []string{"NOOP", "SELECT INBOX", "UID FETCH 1:* (FLAGS)", "STATUS INBOX (MESSAGES)", "IDLE", "LIST \"\" *"}
	for i := 0; b.Len() < 1<<20; i++ {
		fmt.Fprintf(&b, "<0.%03d<a%d %s\n", i%1000, i, cmds[i%len(cmds)])
		fmt.Fprintf(&b, ">0.%03d>a%d OK Completed\n", (i*7)%1000, i)
	}
	return b.Bytes()
}

func BenchmarkParseShortLines(b *testing.B) {
	data := benchShortSession()
	p := NewParser()
	var lat Latency
	r := bytes.NewReader(data)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		r.Reset(data)
		if _, err := p.Parse(r, IMAP, 0, func(resp Response) { lat.Add(resp.Seconds) }); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLatencyAddSlow adds response times above exactSpan, which fall
// in the logarithmic buckets.
func BenchmarkLatencyAddSlow(b *testing.B) {
	var l Latency
	v := 10.0
	for b.Loop() {
		l.Add(v)
		if v += 0.031; v > 60 {
			v = 10
		}
	}
}
