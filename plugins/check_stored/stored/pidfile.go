package stored

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"
	"unicode"

	"github.com/msgstore-plugins/msgstore/lib/words"
)

// MaxPidFileBytes bounds what is read of a pid file: a real one is a dozen
// bytes ("28250 ready\n"); anything much larger is not a pid file.
const MaxPidFileBytes = 4096

// maxPid is the largest pid accepted: pid_t is 32 bits on Linux and
// Solaris (Linux pid_max is at most 4194304, Solaris 999999).
const maxPid = math.MaxInt32

// The states stored writes (AG63 "Check stored Processes"): init while it
// recovers the database, ready once it serves.
const (
	StateReady = "ready"
	StateInit  = "init"
)

// PidFile is what stored's pid file says.
type PidFile struct {
	Pid   int
	State string // lower-cased state word; "" when the file holds a pid only
}

// ParsePidFile reads "<pid> <state>": the pid and the state separated by
// blanks or a newline (6.3 documents "28250 ready"; whether the state is on
// the first line or the second is not confirmed, so both are accepted, as is
// a pid with no state at all). The error says what was found instead.
func ParsePidFile(b []byte) (PidFile, error) {
	if len(b) > MaxPidFileBytes {
		return PidFile{}, fmt.Errorf("is over %d bytes, too large for a pid file", MaxPidFileBytes)
	}
	b = bytes.TrimPrefix(b, []byte("\ufeff"))
	fields := strings.FieldsFunc(string(b), unicode.IsSpace)
	switch {
	case len(fields) == 0:
		return PidFile{}, errors.New("is empty")
	case len(fields) > 2:
		return PidFile{}, fmt.Errorf("holds %d words, expected a pid and a state (ready or init); found %s", len(fields), quote(b))
	}
	pid, err := parsePid(fields[0])
	if err != nil && len(fields) > 1 {
		return PidFile{}, fmt.Errorf("%v; found %s", err, quote(b))
	}
	if err != nil {
		return PidFile{}, err
	}
	pf := PidFile{Pid: pid}
	if len(fields) == 2 {
		state := fields[1]
		if words.AllDigits(state) {
			return PidFile{}, fmt.Errorf("holds two numbers, expected one pid and a state (ready or init); found %s", quote(b))
		}
		if !isWord(state) {
			return PidFile{}, fmt.Errorf("has a state %s that is not a word, expected ready or init; found %s", quote([]byte(state)), quote(b))
		}
		pf.State = strings.ToLower(state)
	}
	return pf, nil
}

// parsePid accepts a decimal process id in 1..maxPid.
func parsePid(s string) (int, error) {
	digits := strings.TrimPrefix(s, "-")
	switch {
	case !words.AllDigits(digits):
		return 0, fmt.Errorf("starts with %s, not a process id", quote([]byte(s)))
	case digits != s:
		return 0, fmt.Errorf("names pid %s, which is negative", shorten(s, 24))
	}
	n, err := strconv.ParseUint(s, 10, 64)
	if err != nil || n > maxPid {
		return 0, fmt.Errorf("names pid %s, out of range (at most %d)", shorten(s, 24), maxPid)
	}
	if n == 0 {
		return 0, errors.New("names pid 0, which is not a process")
	}
	return int(n), nil
}

// isWord accepts the letters, digits, '_' and '-' a state name might use.
func isWord(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-') {
			return false
		}
	}
	return s != ""
}

// maxQuoted bounds a quotation of file content in an error.
const maxQuoted = 60

// quote shows file content in an error: Go-quoted (so control bytes and
// newlines are visible) and cut so that even escaped binary bytes fit a
// status line.
func quote(b []byte) string {
	s := string(b)
	q := strconv.Quote(s)
	for n := len(s); len(q) > maxQuoted; {
		n = min(n-1, maxQuoted)
		for n > 0 && !utf8Start(s[n]) {
			n--
		}
		q = strconv.Quote(s[:n]) + "..."
	}
	return q
}

func shorten(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && !utf8Start(s[cut]) {
		cut--
	}
	return s[:cut] + "..."
}

func utf8Start(c byte) bool { return c&0xC0 != 0x80 }

// readPidFile reads at most MaxPidFileBytes+1 bytes, enough to tell a pid
// file from something else without reading a huge file whole.
func readPidFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(io.LimitReader(f, MaxPidFileBytes+1))
}
