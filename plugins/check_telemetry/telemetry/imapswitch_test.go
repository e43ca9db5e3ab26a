package telemetry

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
)

// The switches must name exactly what the lists (which KnownCommand and the
// fuzz test rely on) name, in any case.
func TestIMAPSwitchesMatchLists(t *testing.T) {
	for n := range imapCommands {
		for _, w := range []string{n, strings.ToLower(n)} {
			if got, ok := imapCommandWord([]byte(w)); !ok || got != n {
				t.Errorf("imapCommandWord(%q) = %q, %v; want %q", w, got, ok, n)
			}
		}
	}
	for n := range imapUIDCommands {
		if got, ok := imapUIDCommandWord([]byte(strings.ToLower(n))); !ok || got != uidNames[n] {
			t.Errorf("imapUIDCommandWord(%q) = %q, %v; want %q", n, got, ok, uidNames[n])
		}
	}
	for _, w := range []string{"", "DONE", "UIDS", "FETCHX", "XXXXXXXXXXXXXXXXXXXXXXX", "*", "LOGIN\x00"} {
		if got, ok := imapCommandWord([]byte(w)); ok != (imapCommands[w] != "") {
			t.Errorf("imapCommandWord(%q) = %q, %v", w, got, ok)
		}
	}
}

func FuzzIMAPCommandWord(f *testing.F) {
	for _, s := range []string{"fetch", "UID", "uid", "GetQuotaRoot", "DONE", "", "getannotationX"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, w string) {
		gn, gok := imapCommandWord([]byte(w))
		wn, wok := lookup(imapCommands, []byte(w))
		if gn != wn || gok != wok {
			t.Fatalf("imapCommandWord(%q) = %q, %v; map says %q, %v", w, gn, gok, wn, wok)
		}
		gn, gok = imapUIDCommandWord([]byte(w))
		sub, wok := lookup(imapUIDCommands, []byte(w))
		if wn = uidNames[sub]; gn != wn || gok != wok {
			t.Fatalf("imapUIDCommandWord(%q) = %q, %v; map says %q, %v", w, gn, gok, wn, wok)
		}
	})
}

// benchShortSession is the worst case per byte: short command/response
// pairs, about 40 bytes a line, as in the telemetry-all benchmark.
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

// BenchmarkIMAPCommandWord compares the switch with the map lookup it
// replaced on the hot path.
func BenchmarkIMAPCommandWord(b *testing.B) {
	words := [][]byte{[]byte("NOOP"), []byte("select"), []byte("UID"), []byte("FETCH"), []byte("status"), []byte("IDLE"), []byte("DONE"), []byte("list")}
	b.Run("switch", func(b *testing.B) {
		for b.Loop() {
			for _, w := range words {
				imapCommandWord(w)
			}
		}
	})
	b.Run("map", func(b *testing.B) {
		for b.Loop() {
			for _, w := range words {
				lookup(imapCommands, w)
			}
		}
	})
}
