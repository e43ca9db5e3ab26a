package telemetry

// The IMAP command names as switches: classifying a client line is the hot
// path of a session file of short command/response pairs, where the map
// lookup (hashing the name) was a third of the parse. A switch on
// string(b) neither allocates nor hashes. TestIMAPSwitchesMatchLists keeps
// them equal to imapCommands and imapUIDCommands, which KnownCommand uses.

// upperWord copies word, ASCII upper-cased, into buf; false when it cannot
// be a command name (empty or longer than buf).
func upperWord(buf *[16]byte, word []byte) ([]byte, bool) {
	if len(word) == 0 || len(word) > len(buf) {
		return nil, false
	}
	for i, c := range word {
		if c >= 'a' && c <= 'z' {
			c -= 'a' - 'A'
		}
		buf[i] = c
	}
	return buf[:len(word)], true
}

// imapCommandWord is lookup(imapCommands, word).
func imapCommandWord(word []byte) (string, bool) {
	var buf [16]byte
	up, ok := upperWord(&buf, word)
	if !ok {
		return "", false
	}
	switch string(up) {
	case "CAPABILITY":
		return "CAPABILITY", true
	case "NOOP":
		return "NOOP", true
	case "LOGOUT":
		return "LOGOUT", true
	case "STARTTLS":
		return "STARTTLS", true
	case "AUTHENTICATE":
		return "AUTHENTICATE", true
	case "LOGIN":
		return "LOGIN", true
	case "SELECT":
		return "SELECT", true
	case "EXAMINE":
		return "EXAMINE", true
	case "CREATE":
		return "CREATE", true
	case "DELETE":
		return "DELETE", true
	case "RENAME":
		return "RENAME", true
	case "SUBSCRIBE":
		return "SUBSCRIBE", true
	case "UNSUBSCRIBE":
		return "UNSUBSCRIBE", true
	case "LIST":
		return "LIST", true
	case "LSUB":
		return "LSUB", true
	case "XLIST":
		return "XLIST", true
	case "STATUS":
		return "STATUS", true
	case "APPEND":
		return "APPEND", true
	case "CHECK":
		return "CHECK", true
	case "CLOSE":
		return "CLOSE", true
	case "EXPUNGE":
		return "EXPUNGE", true
	case "SEARCH":
		return "SEARCH", true
	case "FETCH":
		return "FETCH", true
	case "STORE":
		return "STORE", true
	case "COPY":
		return "COPY", true
	case "MOVE":
		return "MOVE", true
	case "UID":
		return "UID", true
	case "IDLE":
		return "IDLE", true
	case "NAMESPACE":
		return "NAMESPACE", true
	case "GETQUOTA":
		return "GETQUOTA", true
	case "GETQUOTAROOT":
		return "GETQUOTAROOT", true
	case "SETQUOTA":
		return "SETQUOTA", true
	case "GETACL":
		return "GETACL", true
	case "SETACL":
		return "SETACL", true
	case "DELETEACL":
		return "DELETEACL", true
	case "LISTRIGHTS":
		return "LISTRIGHTS", true
	case "MYRIGHTS":
		return "MYRIGHTS", true
	case "ID":
		return "ID", true
	case "ENABLE":
		return "ENABLE", true
	case "UNSELECT":
		return "UNSELECT", true
	case "SORT":
		return "SORT", true
	case "THREAD":
		return "THREAD", true
	case "GETANNOTATION":
		return "GETANNOTATION", true
	case "SETANNOTATION":
		return "SETANNOTATION", true
	case "GETMETADATA":
		return "GETMETADATA", true
	case "SETMETADATA":
		return "SETMETADATA", true
	case "XSERVERINFO":
		return "XSERVERINFO", true
	case "COMPRESS":
		return "COMPRESS", true
	}
	return "", false
}

// imapUIDCommandWord is the "UID X" name of the X that may follow UID.
func imapUIDCommandWord(word []byte) (string, bool) {
	var buf [16]byte
	up, ok := upperWord(&buf, word)
	if !ok {
		return "", false
	}
	switch string(up) {
	case "FETCH":
		return "UID FETCH", true
	case "STORE":
		return "UID STORE", true
	case "COPY":
		return "UID COPY", true
	case "MOVE":
		return "UID MOVE", true
	case "SEARCH":
		return "UID SEARCH", true
	case "EXPUNGE":
		return "UID EXPUNGE", true
	case "SORT":
		return "UID SORT", true
	case "THREAD":
		return "UID THREAD", true
	}
	return "", false
}
