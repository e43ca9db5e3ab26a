package main

import (
	"bufio"
	"flag"
	"fmt"
	"hash/fnv"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"time"

	"github.com/msgstore-plugins/msgstore/lib/units"
)

// workers is how many goroutines create files. File creation is bound by
// the file system's journal, not the CPU; a few in flight keep it busy
// without starving the other users of a 2-core machine.
const workers = 4

// runMsgs creates n empty message files in the layout of a Messaging
// Server partition: =user/<h1>/<h2>/=<userid>/<uid>.msg plus a store.idx
// per user, `per` messages per user.
func runMsgs(args []string) error {
	fs := flag.NewFlagSet("msgs", flag.ContinueOnError)
	root := fs.String("root", "", "the partition directory (e.g. .../store/partition/primary)")
	n := fs.Int("n", 0, "number of message files")
	per := fs.Int("per", 100, "message files per user")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *root == "" || *n <= 0 || *per <= 0 {
		return fmt.Errorf("need -root and positive -n and -per")
	}
	users := (*n + *per - 1) / *per
	return parallel(users, func(u int) error {
		dir := filepath.Join(*root, userDir(u))
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
		count := min(*per, *n-u**per)
		if err := createEmpty(filepath.Join(dir, "store.idx")); err != nil {
			return err
		}
		for k := 1; k <= count; k++ {
			if err := createEmpty(filepath.Join(dir, strconv.Itoa(k)+".msg")); err != nil {
				return err
			}
		}
		return nil
	})
}

// userDir is the hashed user directory of bench user u, two levels of two
// hex digits as `hashdir` prints them.
func userDir(u int) string {
	name := fmt.Sprintf("bench%07d", u)
	h := fnv.New32a()
	h.Write([]byte(name))
	sum := h.Sum32()
	return fmt.Sprintf("=user/%02x/%02x/=%s", sum>>24, (sum>>16)&0xff, name)
}

// runFlat creates n empty files in one directory, named by a printf format.
func runFlat(args []string) error {
	fs := flag.NewFlagSet("flat", flag.ContinueOnError)
	dir := fs.String("dir", "", "directory (created if missing)")
	n := fs.Int("n", 0, "number of files")
	format := fs.String("format", "bench.%07d", "printf format of the names, given the file's number")
	start := fs.Int("start", 0, "number of the first file")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *dir == "" || *n < 0 {
		return fmt.Errorf("need -dir and -n")
	}
	if err := os.MkdirAll(*dir, 0o755); err != nil {
		return err
	}
	return parallel(*n, func(i int) error {
		return createEmpty(filepath.Join(*dir, fmt.Sprintf(*format, *start+i)))
	})
}

func createEmpty(path string) error {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	return f.Close()
}

// parallel runs fn(0..n-1) on a few goroutines and returns the first error.
func parallel(n int, fn func(int) error) error {
	var (
		wg    sync.WaitGroup
		once  sync.Once
		first error
		next  = make(chan int, 256)
	)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				if err := fn(i); err != nil {
					once.Do(func() { first = err })
				}
			}
		}()
	}
	for i := range n {
		next <- i
	}
	close(next)
	wg.Wait()
	return first
}

// runLog writes service log lines (the imap log's format) until the file
// has grown by -size bytes. One line in -match-every is a Store Error or
// General Critical line, the rest Account/General Notices that neither
// `grep -E 'Critical|Error'` nor a log check should match.
func runLog(args []string) error {
	fs := flag.NewFlagSet("log", flag.ContinueOnError)
	out := fs.String("o", "", "log file")
	size := fs.String("size", "", "bytes to write: 2GiB, 2MiB, 1000000")
	appendTo := fs.Bool("append", false, "append to the file instead of replacing it")
	every := fs.Int("match-every", 1000, "one error or critical line per this many lines (0: none)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	want, err := units.ParseSize(*size)
	if *out == "" || err != nil {
		return fmt.Errorf("need -o and a -size (%v)", err)
	}
	flags := os.O_CREATE | os.O_WRONLY | os.O_TRUNC
	if *appendTo {
		flags = os.O_CREATE | os.O_WRONLY | os.O_APPEND
	}
	f, err := os.OpenFile(*out, flags, 0o644)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	if err := writeLog(w, want, *every, time.Now()); err != nil {
		f.Close()
		return err
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// approxLine is the average length of a generated line, used to spread the
// timestamps so that the last line is about `end`.
const approxLine = 120

// linesPerSecond is how busy the generated server is.
const linesPerSecond = 50

// writeLog writes lines until exactly `want` bytes are written (the last
// line is cut short and ends in a newline) so that runs are comparable.
func writeLog(w *bufio.Writer, want uint64, every int, end time.Time) error {
	lines := want/approxLine + 1
	t := end.Add(-time.Duration(lines/linesPerSecond) * time.Second).UTC()
	var (
		written uint64
		line    []byte
		stamp   []byte
		stampAt int64 = -1
	)
	for i := uint64(0); written < want; i++ {
		sec := t.Unix() + int64(i/linesPerSecond)
		if sec != stampAt {
			stampAt = sec
			stamp = time.Unix(sec, 0).UTC().AppendFormat(stamp[:0], "[02/Jan/2006:15:04:05 -0700]")
		}
		line = appendLogLine(line[:0], stamp, i, every)
		if rest := want - written; uint64(len(line)) > rest {
			line = append(line[:rest-1], '\n')
		}
		if _, err := w.Write(line); err != nil {
			return err
		}
		written += uint64(len(line))
	}
	return nil
}

// appendLogLine is line i of a generated imap log.
func appendLogLine(b, stamp []byte, i uint64, every int) []byte {
	b = append(b, stamp...)
	b = append(b, " mailhost imapd["...)
	b = strconv.AppendUint(b, 6000+i%97, 10)
	b = append(b, "]: "...)
	user := i % 5000
	switch {
	case every > 0 && i%uint64(every) == uint64(every)-1 && (i/uint64(every))%2 == 0:
		b = append(b, "Store Error: user/bench"...)
		b = strconv.AppendUint(b, user, 10)
		b = append(b, ": Mailbox has an invalid format; repair requested"...)
	case every > 0 && i%uint64(every) == uint64(every)-1:
		b = append(b, "General Critical: Not enough file descriptors to support 4000 sessions per process"...)
	case i%2 == 0:
		b = append(b, "Account Notice: login [192.168.10."...)
		b = strconv.AppendUint(b, i%250, 10)
		b = append(b, ":5"...)
		b = strconv.AppendUint(b, 1000+i%9000, 10)
		b = append(b, "] bench"...)
		b = strconv.AppendUint(b, user, 10)
		b = append(b, " plaintext"...)
	default:
		b = append(b, "Account Notice: close [192.168.10."...)
		b = strconv.AppendUint(b, i%250, 10)
		b = append(b, "] bench"...)
		b = strconv.AppendUint(b, user, 10)
		b = append(b, " 2026/11/28 16:00:03 0:02:08 1024 48213 2"...)
	}
	return append(b, '\n')
}

// runTelemetry writes n session files (imap/<userid>/<epoch>.<seq>) with
// -size bytes in all, in the format of the Administration Guide's example.
func runTelemetry(args []string) error {
	fs := flag.NewFlagSet("telemetry", flag.ContinueOnError)
	dir := fs.String("dir", "", "the telemetry directory (BASE/data/telemetry)")
	n := fs.Int("n", 0, "number of session files")
	size := fs.String("size", "", "total bytes: 1GiB")
	perUser := fs.Int("per-user", 10, "sessions per user directory")
	if err := fs.Parse(args); err != nil {
		return err
	}
	total, err := units.ParseSize(*size)
	if *dir == "" || *n <= 0 || *perUser <= 0 || err != nil {
		return fmt.Errorf("need -dir, a positive -n and -per-user and a -size (%v)", err)
	}
	body := sessionBody(total / uint64(*n))
	start := time.Now().Add(-time.Hour).Unix()
	return parallel(*n, func(i int) error {
		user := fmt.Sprintf("bench%05d", i / *perUser)
		udir := filepath.Join(*dir, "imap", user)
		if err := os.MkdirAll(udir, 0o755); err != nil {
			return err
		}
		at := time.Unix(start+int64(i), 0).UTC()
		header := fmt.Sprintf("LOGIN %s %s\n", user, at.Format("2006/01/02 15:04:05"))
		name := fmt.Sprintf("%d.%d", at.Unix(), i%*perUser+1)
		return os.WriteFile(filepath.Join(udir, name), append([]byte(header), body...), 0o644)
	})
}

// sessionBody is about `size` bytes of protocol trace: client lines `<t<`
// and server lines `>t>`, t the elapsed seconds.
func sessionBody(size uint64) []byte {
	b := make([]byte, 0, size+128)
	for i := 0; uint64(len(b)) < size; i++ {
		el := strconv.FormatFloat(0.017+float64(i)*0.031, 'f', 3, 64)
		tag := strconv.Itoa(i + 2)
		b = append(b, '<')
		b = append(b, el...)
		b = append(b, '<')
		b = append(b, tag...)
		b = append(b, " UID FETCH 1:* (FLAGS RFC822.SIZE)\n>"...)
		b = append(b, el...)
		b = append(b, '>')
		b = append(b, tag...)
		b = append(b, " OK Completed\n"...)
	}
	return b
}
