package cores

import (
	"strconv"
	"strings"
	"time"

	"github.com/msgstore-plugins/msgstore/lib/words"
)

// systemdName is what a systemd-coredump file name tells:
// core.<comm>.<uid>.<boot id>.<pid>.<usec>[.zst|.lz4|.xz]
// (systemd-coredump(8)). systemd escapes the dots and slashes of comm
// (\x2e), but the fixed fields are read from the end so that a comm with
// a dot left in it still parses.
type systemdName struct {
	comm        string // unescaped
	uid         int64
	bootID      string
	pid         int
	usec        int64  // time of the crash, microseconds since the epoch
	compression string // "zst", "lz4", "xz" or "" (stored uncompressed)
}

// compressions are the suffixes systemd-coredump writes, per compressor.
var compressions = []string{"zst", "lz4", "xz"}

// parseSystemdName reads a systemd-coredump file name.
func parseSystemdName(name string) (systemdName, bool) {
	rest, ok := strings.CutPrefix(name, "core.")
	if !ok {
		return systemdName{}, false
	}
	var n systemdName
	for _, c := range compressions {
		if s, ok := strings.CutSuffix(rest, "."+c); ok {
			rest, n.compression = s, c
			break
		}
	}
	// The four fixed fields after comm, counted from the end.
	f := strings.Split(rest, ".")
	k := len(f)
	if k < 5 || !words.AllDigits(f[k-4]) || !isBootID(f[k-3]) || !words.AllDigits(f[k-2]) || !words.AllDigits(f[k-1]) {
		return systemdName{}, false
	}
	comm := strings.Join(f[:k-4], ".")
	if comm == "" {
		return systemdName{}, false
	}
	n.comm = unescapeComm(comm)
	n.uid, _ = strconv.ParseInt(f[k-4], 10, 64)
	n.bootID = f[k-3]
	n.pid = atoi(f[k-2])
	n.usec, _ = strconv.ParseInt(f[k-1], 10, 64)
	return n, true
}

// isBootID is 32 lowercase hex digits (sd_id128 as systemd prints it).
func isBootID(s string) bool {
	if len(s) != 32 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

// unescapeComm undoes systemd's \xNN escapes (xescape), so that a program
// "ns.slapd" named core.ns\x2eslapd... reads as ns.slapd. A malformed or
// control-character escape is left as it is.
func unescapeComm(s string) string {
	if !strings.Contains(s, `\x`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+4 <= len(s) && s[i+1] == 'x' {
			if v, err := strconv.ParseUint(s[i+2:i+4], 16, 8); err == nil && v >= 0x20 && v < 0x7f {
				b.WriteByte(byte(v))
				i += 3
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// crashTime is the time in the name, when it is plausible (after 2000 and
// not in the future by more than a day: a clock far off is no reason to
// trust the name over the file's mtime).
func (n systemdName) crashTime(now time.Time) (time.Time, bool) {
	if n.usec <= 0 {
		return time.Time{}, false
	}
	t := time.UnixMicro(n.usec)
	if t.Year() < 2000 || t.After(now.Add(24*time.Hour)) {
		return time.Time{}, false
	}
	return t, true
}
