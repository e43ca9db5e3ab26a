package msglogs

import (
	"bytes"
	"time"
)

// lineTime reads the date a log line starts with, in any of the shapes the
// Messaging Server writes:
//
//	[11/Jun/2019:23:01:19 +0200] host proc[pid]: ...   (service logs on real sites)
//	02/May/1998:17:37:32 -0700 host proc[pid]: ...     (the guide's examples)
//	[29/May/2006:17:44:37 +051800] ...                 (zone with seconds)
//	16-Feb-2007 14:54:13.72 tcp_local ...              (mail.log_current, local time)
//	<co ts="2014-06-02T09:45:50.29" .../>              (mail.log_current, LOG_FORMAT=4, local time)
//
// The MTA's dates carry no zone: they are read in loc, the zone of the host
// the plugin runs on, which is the mail server's. ok is false when the line
// starts with none of these.
func lineTime(line []byte, loc *time.Location) (t time.Time, ok bool) {
	line = bytes.TrimLeft(line, " \t")
	switch {
	case len(line) == 0:
		return time.Time{}, false
	case line[0] == '<':
		return xmlTime(line, loc)
	case line[0] == '[':
		end := bytes.IndexByte(line, ']')
		if end < 0 {
			return time.Time{}, false
		}
		return serviceTime(line[1:end])
	}
	if t, ok := mtaTime(line, loc); ok {
		return t, true
	}
	// Unbracketed service date: the first two fields.
	f1, rest := nextField(line)
	f2, _ := nextField(rest)
	if len(f1) == 0 || len(f2) == 0 {
		return time.Time{}, false
	}
	return serviceTime([]byte(string(f1) + " " + string(f2)))
}

// serviceTime parses "dd/Mon/yyyy:hh:mm:ss +zzzz" (or +zzzzzz).
func serviceTime(b []byte) (time.Time, bool) {
	s := string(bytes.TrimSpace(b))
	for _, layout := range []string{"02/Jan/2006:15:04:05 -0700", "02/Jan/2006:15:04:05 -070000", "2/Jan/2006:15:04:05 -0700"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// mtaTime parses "dd-Mon-yyyy hh:mm:ss.cc" at the start of an MTA line.
func mtaTime(line []byte, loc *time.Location) (time.Time, bool) {
	date, rest := nextField(line)
	clock, _ := nextField(rest)
	if !looksLikeDate(date) || len(clock) == 0 {
		return time.Time{}, false
	}
	// A fractional part (".72") is accepted by time.Parse after the
	// seconds without being in the layout.
	s := string(date) + " " + string(clock)
	for _, layout := range []string{"02-Jan-2006 15:04:05", "2-Jan-2006 15:04:05"} {
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// xmlTime parses the ts attribute of a LOG_FORMAT=4 record.
func xmlTime(line []byte, loc *time.Location) (time.Time, bool) {
	v, ok := xmlAttr(line, "ts")
	if !ok {
		return time.Time{}, false
	}
	s := string(v)
	for _, layout := range []string{"2006-01-02T15:04:05", "2006-01-02T15:04:05Z07:00", "2006-01-02 15:04:05"} {
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// nextField returns the first blank-separated field of b and what follows
// it.
func nextField(b []byte) (field, rest []byte) {
	i := 0
	for i < len(b) && (b[i] == ' ' || b[i] == '\t') {
		i++
	}
	j := i
	for j < len(b) && b[j] != ' ' && b[j] != '\t' {
		j++
	}
	return b[i:j], b[j:]
}
