package msglogs

import (
	"bytes"
	"time"
)

// level is what a counted line is.
type level int

const (
	lvNone     level = iota - 1
	lvCritical       // Critical (also Emergency, Alert, Catastrophic [U])
	lvError          // Error
	lvWarning        // Warning
	lvMatch          // a line matching --match that has no counted level
	lvRejected       // MTA: an entry whose action is J, K or R [P]
	nLevels
)

var levelNames = [nLevels]string{"critical", "error", "warning", "match", "rejected"}

func (l level) String() string {
	if l < 0 || l >= nLevels {
		return "none"
	}
	return levelNames[l]
}

func parseLevelName(s string) (level, bool) {
	for i, n := range levelNames {
		if n == s {
			return level(i), true
		}
	}
	return lvNone, false
}

// pidColon ends the "proc[pid]" field of a service log line.
var pidColon = []byte("]: ")

// lineLevel returns the level of a service log line
//
//	[dd/Mon/yyyy:hh:mm:ss +zzzz] host proc[pid]: Category Level: message
//
// (AG63 Table 25-8; the documentation's own examples lack the brackets
// around the date, which changes nothing here). The level is taken from its
// field, not searched for anywhere in the line, so a message that quotes
// "Error:" is not an error. Lines of another shape (continuations, garbage)
// have no level; a line without "proc[pid]: " is tried for " Category
// Level:" with a documented category before the level word.
func lineLevel(line []byte) level {
	i := bytes.Index(line, pidColon)
	if i < 0 {
		return levelWithoutPid(line)
	}
	rest := line[i+len(pidColon):]
	sp := bytes.IndexByte(rest, ' ')
	if sp <= 0 || sp > 16 {
		return lvNone
	}
	rest = rest[sp+1:]
	end := bytes.IndexByte(rest, ':')
	if end <= 0 || end > 16 {
		return lvNone
	}
	return levelWord(rest[:end])
}

// levelWord maps a log level word to a counted level. Only the levels that
// are counted are recognised; Notice, Information and Debug are lvNone.
func levelWord(w []byte) level {
	switch len(w) {
	case 5:
		if bytes.EqualFold(w, []byte("Error")) {
			return lvError
		}
		if bytes.EqualFold(w, []byte("Alert")) {
			return lvCritical
		}
	case 7:
		if bytes.EqualFold(w, []byte("Warning")) {
			return lvWarning
		}
	case 8:
		if bytes.EqualFold(w, []byte("Critical")) {
			return lvCritical
		}
	case 9:
		if bytes.EqualFold(w, []byte("Emergency")) {
			return lvCritical
		}
	case 12:
		if bytes.EqualFold(w, []byte("Catastrophic")) {
			return lvCritical
		}
	}
	return lvNone
}

// categories are the documented log categories (AG05 Table 21-5).
var categories = [][]byte{
	[]byte("General"), []byte("LDAP"), []byte("Network"), []byte("Account"),
	[]byte("Protocol"), []byte("Stats"), []byte("Store"),
}

var levelMarks = []struct {
	mark []byte
	lv   level
}{
	{[]byte(" Critical:"), lvCritical},
	{[]byte(" Error:"), lvError},
	{[]byte(" Warning:"), lvWarning},
}

// levelWithoutPid looks for " Category Level:" in a line whose process
// field has no [pid]. Rare, so three searches and a date parse are
// affordable. The line must start with a date: a continuation line that
// quotes "Store Error:" is not an error line.
func levelWithoutPid(line []byte) level {
	if _, dated := lineTime(line, time.UTC); !dated {
		return lvNone
	}
	for _, m := range levelMarks {
		i := bytes.Index(line, m.mark)
		if i <= 0 {
			continue
		}
		before := line[:i]
		sp := bytes.LastIndexByte(before, ' ')
		word := before[sp+1:]
		for _, c := range categories {
			if bytes.Equal(word, c) {
				return m.lv
			}
		}
	}
	return lvNone
}

// mtaAction returns the action letter of an MTA log entry (AG63 `bgbev`)
//
//	16-Feb-2007 14:54:13.72 tcp_local ims-ms EE 1 adam@sesta.com ...
//	11-Jun-2019 09:07:57.65 ims-ms           D 5  rfc822;...
//	26-Feb-2007 14:10:06.89 hosta 2e2d.5.1 tcp_local  JE 0  harold@varrius.com ...
//
// fields: date, time, with LOG_NODE the node name and with LOG_PROCESS the
// process id, source channel, destination channel (blank for a dequeue,
// '+' or '-' with LOG_CONNECTION), entry code, size in blocks... Since the
// optional fields shift everything, the entry code is found by its shape
// rather than its position: the first all-upper-case field after the time
// that is followed by a size (digits). Channel names are lower case; a
// node name in capitals is not followed by digits. Connection records
// (LOG_CONNECTION: "tcp_local + O TCP|...") have no size and no entry code.
// LOG_FORMAT=4 records ("<en ... ec=\"J\" .../>") are read by xmlAction.
// 0 when the line has no entry code.
func mtaAction(line []byte, xmlAttrs []string) byte {
	if b := bytes.TrimLeft(line, " \t"); len(b) > 0 && b[0] == '<' {
		return xmlAction(b, xmlAttrs)
	}
	var prev []byte
	rest := line
	for field := 1; field <= maxMTAFields; field++ {
		var w []byte
		w, rest = nextField(rest)
		if len(w) == 0 {
			return 0
		}
		switch {
		case field == 1 && !looksLikeDate(w):
			return 0
		case field >= 5 && isSize(w) && isEntryCode(prev):
			return prev[0]
		}
		prev = w
	}
	return 0
}

// maxMTAFields bounds the search for the entry code: date, time, node,
// process, two channels, code and size.
const maxMTAFields = 9

func isSize(w []byte) bool {
	if len(w) == 0 || len(w) > 12 {
		return false
	}
	for _, c := range w {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// defaultXMLCodeAttrs are the attributes a LOG_FORMAT=4 record's entry code
// is looked for in. The only public record is a connection record, <co
// ... ac="U" .../> (fail2ban's oracleims filter), where ac is the
// connection action; the attribute of a message record's entry code is not
// public [U]: "ec" is assumed, "ac" accepted. --mta-xml-code changes the
// list.
var defaultXMLCodeAttrs = []string{"ec", "ac"}

// xmlAction returns the entry code of a LOG_FORMAT=4 record. Connection
// records (<co .../>) are not message entries: their action (O open, C
// close, U authentication failure...) is never a rejection of a message.
func xmlAction(rec []byte, attrs []string) byte {
	name, _ := nextField(rec[1:])
	if bytes.Equal(name, []byte("co")) {
		return 0
	}
	for _, a := range attrs {
		if v, ok := xmlAttr(rec, a); ok && len(v) > 0 && v[0] >= 'A' && v[0] <= 'Z' {
			return v[0]
		}
	}
	return 0
}

// xmlAttr returns the value of name="value" in a record. A value cannot
// hold a raw double quote (it would be written &quot;), so ` name="` is
// found only where an attribute starts.
func xmlAttr(rec []byte, name string) ([]byte, bool) {
	for off := 0; off < len(rec); {
		i := bytes.Index(rec[off:], []byte(name+`="`))
		if i < 0 {
			return nil, false
		}
		i += off
		if i > 0 && (rec[i-1] == ' ' || rec[i-1] == '\t') {
			v := rec[i+len(name)+2:]
			end := bytes.IndexByte(v, '"')
			if end < 0 {
				return nil, false
			}
			return v[:end], true
		}
		off = i + 1
	}
	return nil, false
}

// looksLikeDate accepts "16-Feb-2007" (digits, dash, letters, dash, digits).
func looksLikeDate(w []byte) bool {
	return len(w) >= 9 && len(w) <= 11 && w[0] >= '0' && w[0] <= '9' && bytes.Count(w, []byte("-")) == 2
}

func isEntryCode(w []byte) bool {
	if len(w) == 0 || len(w) > 8 {
		return false
	}
	for _, c := range w {
		if c < 'A' || c > 'Z' {
			return false
		}
	}
	return true
}

// isRejection: J rejection of an attempted enqueue, K recipient rejected,
// R rejected/returned (the 6.3 guide's table of entry codes).
func isRejection(action byte) bool { return action == 'J' || action == 'K' || action == 'R' }
