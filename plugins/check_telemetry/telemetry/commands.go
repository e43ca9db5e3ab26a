package telemetry

import (
	"bytes"
	"strings"
)

// Command names are printed, so they come from these lists only: whatever
// else a client line holds (arguments, literal data, SASL exchanges, message
// text) is never copied out of a session file.

// imapCommands are the IMAP4rev1 commands (RFC 3501) and the extensions a
// Messaging Server 6.3 client may use (IDLE, NAMESPACE, QUOTA, ACL, ID,
// UNSELECT, SORT, THREAD, ANNOTATEMORE, XSERVERINFO seen in the guide).
var imapCommands = set(
	"CAPABILITY", "NOOP", "LOGOUT", "STARTTLS", "AUTHENTICATE", "LOGIN",
	"SELECT", "EXAMINE", "CREATE", "DELETE", "RENAME", "SUBSCRIBE", "UNSUBSCRIBE",
	"LIST", "LSUB", "XLIST", "STATUS", "APPEND", "CHECK", "CLOSE", "EXPUNGE",
	"SEARCH", "FETCH", "STORE", "COPY", "MOVE", "UID", "IDLE", "NAMESPACE",
	"GETQUOTA", "GETQUOTAROOT", "SETQUOTA", "GETACL", "SETACL", "DELETEACL",
	"LISTRIGHTS", "MYRIGHTS", "ID", "ENABLE", "UNSELECT", "SORT", "THREAD",
	"GETANNOTATION", "SETANNOTATION", "GETMETADATA", "SETMETADATA",
	"XSERVERINFO", "COMPRESS",
)

// imapUIDCommands may follow UID.
var imapUIDCommands = set("FETCH", "STORE", "COPY", "MOVE", "SEARCH", "EXPUNGE", "SORT", "THREAD")

// popCommands are POP3's (RFC 1939, 2449, 2595, 5034).
var popCommands = set("USER", "PASS", "APOP", "AUTH", "STAT", "LIST", "RETR", "DELE",
	"NOOP", "RSET", "QUIT", "TOP", "UIDL", "CAPA", "STLS", "XTND")

// httpMethods are the request methods a webmail client sends.
var httpMethods = set("GET", "POST", "HEAD", "PUT", "DELETE", "OPTIONS", "PATCH",
	"PROPFIND", "PROPPATCH", "MKCOL", "MOVE", "COPY", "LOCK", "UNLOCK", "REPORT")

func set(names ...string) map[string]string {
	m := make(map[string]string, len(names))
	for _, n := range names {
		m[n] = n
	}
	return m
}

// lookup finds word, case-insensitively, and returns the canonical name.
func lookup(m map[string]string, word []byte) (string, bool) {
	var buf [16]byte
	if len(word) == 0 || len(word) > len(buf) {
		return "", false
	}
	for i, c := range word {
		if c >= 'a' && c <= 'z' {
			c -= 'a' - 'A'
		}
		buf[i] = c
	}
	name, ok := m[string(buf[:len(word)])]
	return name, ok
}

// commandName recognises a line of client input that starts a command and
// returns the command's name. Lines that are not a command of the protocol
// (literal data, SASL responses, IMAP DONE, HTTP headers and bodies) return
// false.
func commandName(proto Protocol, line []byte) (string, bool) {
	switch proto {
	case IMAP:
		return imapCommand(line)
	case POP:
		word, _ := cutSpace(line)
		return lookup(popCommands, word)
	case HTTP:
		method, rest := cutSpace(line)
		_, rest = cutSpace(rest)
		version, _ := cutSpace(rest)
		if !bytes.HasPrefix(version, []byte("HTTP/")) {
			return "", false
		}
		return lookup(httpMethods, method)
	}
	return "", false
}

// imapCommand recognises "tag COMMAND ..." and "tag UID COMMAND ...".
func imapCommand(line []byte) (string, bool) {
	tag, rest := cutSpace(line)
	if !validTag(tag) {
		return "", false
	}
	word, rest := cutSpace(rest)
	name, ok := lookup(imapCommands, word)
	if !ok || name != "UID" {
		return name, ok
	}
	sub, _ := cutSpace(rest)
	if uidName, ok := lookup(uidNames, sub); ok {
		return uidName, true
	}
	return "UID", true
}

// uidNames maps a command that may follow UID to its "UID X" name, so that
// naming a UID command costs a lookup, not a string concatenation.
var uidNames = func() map[string]string {
	m := map[string]string{}
	for n := range imapUIDCommands {
		m[n] = "UID " + n
	}
	return m
}()

// validTag accepts an IMAP tag: 1 to 64 ASTRING-CHARs other than "+".
func validTag(tag []byte) bool {
	if len(tag) == 0 || len(tag) > 64 {
		return false
	}
	for _, c := range tag {
		if c <= ' ' || c >= 0x7f || strings.IndexByte(`(){%*"\]+`, c) >= 0 {
			return false
		}
	}
	return true
}

// cutSpace splits at the first space.
func cutSpace(b []byte) (word, rest []byte) {
	if i := bytes.IndexByte(b, ' '); i >= 0 {
		return b[:i], b[i+1:]
	}
	return b, nil
}

// KnownCommand reports whether name is one a Response may carry; the fuzz
// test uses it to prove that nothing else leaves a session file.
func KnownCommand(proto Protocol, name string) bool {
	if name == "LOGIN" {
		return true
	}
	switch proto {
	case IMAP:
		if _, ok := imapCommands[name]; ok {
			return true
		}
		for _, n := range uidNames {
			if n == name {
				return true
			}
		}
	case POP:
		_, ok := popCommands[name]
		return ok
	case HTTP:
		_, ok := httpMethods[name]
		return ok
	}
	return false
}
