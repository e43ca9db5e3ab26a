package msglogs

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/msgstore-plugins/msgstore/lib/logtail"
)

// benchLog writes a realistic IMAP log of about size bytes: logins, closes
// and badlogins, one Error in 500 lines and one Critical in 5000.
func benchLog(b *testing.B, size int) string {
	b.Helper()
	path := filepath.Join(b.TempDir(), "imap")
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	written := 0
	for i := 0; written < size; i++ {
		var l string
		switch {
		case i%5000 == 4999:
			l = critLine
		case i%500 == 499:
			l = errLine
		case i%3 == 0:
			l = fmt.Sprintf("[28/Nov/2026:16:00:03 +0000] mailhost imapd[6747]: Account Notice: login [192.168.10.%d:51234] user%d plaintext\n", i%250, i)
		case i%3 == 1:
			l = fmt.Sprintf("[28/Nov/2026:16:02:11 +0000] mailhost imapd[6747]: Account Notice: close [192.168.10.%d:51234] user%d 2026/11/28 16:00:03 0:02:08 1024 48213 2\n", i%250, i)
		default:
			l = fmt.Sprintf("[28/Nov/2026:16:09:12 +0000] mailhost imapd[6747]: Account Notice: badlogin: [192.168.87.6:45711] plaintext user%d Authentication failed\n", i)
		}
		n, err := f.WriteString(l)
		if err != nil {
			b.Fatal(err)
		}
		written += n
	}
	return path
}

// benchFollow reads the whole log from its start each iteration, as a run
// with that much new data would: file reads from the page cache, line
// splitting and classification.
func benchFollow(b *testing.B, cfg *config) {
	path := benchLog(b, 32<<20)
	fi, _ := os.Stat(path)
	b.SetBytes(fi.Size())
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		c := newCounter(false, cfg, 3)
		_, rep, err := logtail.Follow(nil, logtail.Source{Path: path}, logtail.Options{FromStart: true}, c.line)
		if err != nil || rep.BytesRead != fi.Size() || c.counts[lvError] == 0 {
			b.Fatalf("err %v read %d errors %d", err, rep.BytesRead, c.counts[lvError])
		}
	}
}

func BenchmarkScanLevels(b *testing.B) { benchFollow(b, &config{}) }

func BenchmarkScanWithExclude(b *testing.B) {
	benchFollow(b, &config{exclude: []*regexp.Regexp{regexp.MustCompile(`Mailbox does not exist`)}})
}

// BenchmarkScanWithMatch runs a regular expression on every line: the
// price of --match.
func BenchmarkScanWithMatch(b *testing.B) {
	benchFollow(b, &config{match: []*regexp.Regexp{regexp.MustCompile(`Authentication failed`)}})
}

func BenchmarkLineLevel(b *testing.B) {
	line := []byte("[28/Nov/2026:16:02:11 +0000] mailhost imapd[6747]: Account Notice: close [192.168.10.21:51234] jdoe 2026/11/28 16:00:03 0:02:08 1024 48213 2")
	b.SetBytes(int64(len(line) + 1))
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if lineLevel(line) != lvNone {
			b.Fatal("level")
		}
	}
}

// BenchmarkNothingNew is a run with no new bytes: the cost must not depend
// on the log's size.
func BenchmarkNothingNew(b *testing.B) {
	path := benchLog(b, 8<<20)
	c := newCounter(false, &config{}, 3)
	cur, _, err := logtail.Follow(nil, logtail.Source{Path: path}, logtail.Options{}, c.line)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, rep, err := logtail.Follow(&cur, logtail.Source{Path: path}, logtail.Options{}, c.line); err != nil || rep.BytesRead != 0 {
			b.Fatal(err, rep.BytesRead)
		}
	}
}
