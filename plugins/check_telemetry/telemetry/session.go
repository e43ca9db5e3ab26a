package telemetry

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
)

// A telemetry session file (Administration Guide 20.14.1.3) looks like
//
//	LOGIN redb 2003/11/26 13:03:21
//	>0.017>1 OK User logged in
//	2 OK Completed
//	<0.046<3 select "INBOX"
//	>0.236>* FLAGS (\Answered flagged draft deleted \Seen $MDNSent Junk)
//	* 1538 EXISTS
//	3 OK [READ-WRITE] Completed
//	<0.045<4 UID fetch 1:* (FLAGS)
//	>0.117>* 1 FETCH (FLAGS (\Seen) UID 330)
//
// A record starts with "<secs<" (what the client sent) or ">secs>" (what the
// server sent); lines without a prefix continue the record before them
// (multi-line responses, literals). The seconds are not cumulative: 0.017,
// 0.046, 0.236, 0.045 is not a rising series, so each is the time elapsed
// since the previous record. Hence:
//
//   - the seconds on a server record that directly follows client input are
//     the server's response time to that input (0.236 s for SELECT above);
//   - the seconds on a client record are time the server spent waiting for
//     the client (user think time, client processing, network);
//   - the seconds on a server record that follows another server record are
//     server-paced output (IDLE notifications, a large response flushed in
//     parts) and are not a response time.
//
// The first server record after the LOGIN line answers the login itself
// (the client's LOGIN command, which carries the password, is not recorded)
// and is counted as the response time of LOGIN.

// Protocol is a capture's protocol: the name of its directory under
// BASE/data/telemetry.
type Protocol string

// The protocols the server captures.
const (
	IMAP Protocol = "imap"
	POP  Protocol = "pop"
	HTTP Protocol = "http"
)

// Protocols are the documented capture directories, in report order.
var Protocols = []Protocol{IMAP, POP, HTTP}

// Response is one server response time found in a session.
type Response struct {
	// Command is the name of the command answered, such as "SELECT" or
	// "UID FETCH": a name from a fixed list, never arguments (mailbox
	// names, passwords, message text). Client input that is not a known
	// command (literal data, SASL exchanges, DONE) keeps the command it
	// belongs to; "LOGIN" is the login before any command.
	Command string
	Seconds float64
}

// Session is what one session file says.
type Session struct {
	User       string // the user on the LOGIN line
	Login      string // date and time on the LOGIN line, as written
	Records    int    // client and server records
	Commands   int    // client lines recognised as commands
	Responses  int    // server response times measured
	Slowest    Response
	ServerTime float64 // sum of the response times
	ClientTime float64 // sum of the seconds on client records
	ClientMax  float64 // longest single wait for the client
	Bytes      int64   // bytes read
	Truncated  bool    // the byte cap stopped the reading
}

// ErrEmpty is returned for a session file with no content yet.
var ErrEmpty = errors.New("empty session file")

// FormatError says why a file is not a session file.
type FormatError struct{ Reason string }

func (e *FormatError) Error() string { return e.Reason }

// Line buffer sizes: only the start of a line matters for records and
// commands, and its last bytes for an IMAP literal "{123}"; longer lines are
// counted, not kept.
const (
	maxHead   = 4096
	tailBytes = 32
	readBuf   = 64 << 10
)

// Parser reads session files with bounded memory; reuse one for many files
// to avoid allocations. It is not safe for concurrent use.
type Parser struct {
	br   *bufio.Reader
	lr   io.LimitedReader
	head []byte // the line's first maxHead bytes, without CR LF
	tail []byte // the line's last tailBytes bytes, without CR LF
	n    int64  // the line's full length, without CR LF
	read int64  // bytes read from the file so far
}

// NewParser returns a Parser.
func NewParser() *Parser {
	return &Parser{
		br:   bufio.NewReaderSize(nil, readBuf),
		head: make([]byte, 0, maxHead),
		tail: make([]byte, 0, 2*tailBytes),
	}
}

// Parse reads at most maxBytes of a session of protocol proto from r and
// calls onResponse (if not nil) for every server response time. It returns
// ErrEmpty for an empty file, a *FormatError when the first line is not
// "LOGIN <user> <yyyy/mm/dd> <hh:mm:ss>", or the read error.
func (p *Parser) Parse(r io.Reader, proto Protocol, maxBytes int64, onResponse func(Response)) (Session, error) {
	var s Session
	if maxBytes <= 0 {
		maxBytes = 1<<63 - 2
	}
	// Read one byte past the cap to tell a file of exactly maxBytes from
	// a longer one.
	p.lr = io.LimitedReader{R: r, N: maxBytes + 1}
	p.br.Reset(&p.lr)
	p.read = 0
	defer p.br.Reset(nil) // do not keep the file alive

	ok, err := p.readLine()
	if err != nil {
		return s, err
	}
	if !ok {
		return s, ErrEmpty
	}
	user, login, ferr := parseLogin(p.head, p.n)
	if ferr != nil {
		return s, ferr
	}
	s.User, s.Login = user, login
	st := sessionState{proto: proto, s: &s, cmd: "LOGIN", onResponse: onResponse}
	for p.read <= maxBytes {
		ok, err := p.readLine()
		if err != nil {
			s.Bytes = min(p.read, maxBytes)
			return s, err
		}
		if !ok {
			break
		}
		if p.read > maxBytes {
			// The cap cut this line: it is not reliable.
			break
		}
		if dir, secs, text, isRecord := splitRecord(p.head); isRecord {
			prefix := int64(len(p.head) - len(text))
			st.record(dir, secs, text, p.tail, p.n-prefix)
			continue
		}
		st.continuation(p.head, p.tail, p.n)
	}
	s.Bytes = min(p.read, maxBytes)
	s.Truncated = p.read > maxBytes
	return s, nil
}

// readLine reads the next line into head, tail and n. It reports false at
// the end of the input. A final line without a newline counts.
func (p *Parser) readLine() (bool, error) {
	p.head, p.tail, p.n = p.head[:0], p.tail[:0], 0
	got := false
	for {
		chunk, err := p.br.ReadSlice('\n')
		p.read += int64(len(chunk))
		if len(chunk) > 0 {
			got = true
		}
		line, done := chunk, false
		if len(line) > 0 && line[len(line)-1] == '\n' {
			line, done = line[:len(line)-1], true
		}
		p.keep(line)
		switch {
		case done:
			p.trimCR()
			return true, nil
		case err == bufio.ErrBufferFull:
			continue
		case err == io.EOF:
			p.trimCR()
			return got, nil
		case err != nil:
			return got, err
		}
	}
}

// keep appends part of a line to head (up to maxHead) and tail (the last
// tailBytes).
func (p *Parser) keep(part []byte) {
	p.n += int64(len(part))
	if room := maxHead - len(p.head); room > 0 {
		p.head = append(p.head, part[:min(room, len(part))]...)
	}
	if len(part) >= tailBytes {
		p.tail = append(p.tail[:0], part[len(part)-tailBytes:]...)
		return
	}
	p.tail = append(p.tail, part...)
	if extra := len(p.tail) - tailBytes; extra > 0 {
		copy(p.tail, p.tail[extra:])
		p.tail = p.tail[:tailBytes]
	}
}

// trimCR drops the CR of a CR LF line end.
func (p *Parser) trimCR() {
	if len(p.tail) == 0 || p.tail[len(p.tail)-1] != '\r' {
		return
	}
	p.tail = p.tail[:len(p.tail)-1]
	if int64(len(p.head)) == p.n {
		p.head = p.head[:len(p.head)-1]
	}
	p.n--
}

// parseLogin checks the first line: LOGIN <user> <yyyy/mm/dd> <hh:mm:ss>.
// More fields after the time are tolerated (the format is not specified
// beyond the guide's example).
func parseLogin(line []byte, n int64) (user, when string, err error) {
	if n > maxHead {
		return "", "", &FormatError{"first line is not LOGIN <user> <date> <time> (too long)"}
	}
	f := bytes.Fields(line)
	if len(f) == 0 || string(f[0]) != "LOGIN" {
		return "", "", &FormatError{"first line is not LOGIN <user> <date> <time>"}
	}
	if len(f) < 4 {
		return "", "", &FormatError{"LOGIN line lacks the user, date or time"}
	}
	if !validDate(f[2]) || !validClock(f[3]) {
		return "", "", &FormatError{"LOGIN line has no valid yyyy/mm/dd hh:mm:ss"}
	}
	return string(f[1]), string(f[2]) + " " + string(f[3]), nil
}

// validDate accepts yyyy/m/d with or without leading zeros.
func validDate(b []byte) bool {
	parts := bytes.Split(b, []byte("/"))
	if len(parts) != 3 || len(parts[0]) != 4 {
		return false
	}
	y, m, d := atoi(parts[0], 4), atoi(parts[1], 2), atoi(parts[2], 2)
	return y >= 1970 && m >= 1 && m <= 12 && d >= 1 && d <= 31
}

// validClock accepts h:mm:ss with or without a leading zero.
func validClock(b []byte) bool {
	parts := bytes.Split(b, []byte(":"))
	if len(parts) != 3 {
		return false
	}
	h, m, s := atoi(parts[0], 2), atoi(parts[1], 2), atoi(parts[2], 2)
	return h >= 0 && h <= 23 && m >= 0 && m <= 59 && s >= 0 && s <= 60 && len(parts[1]) == 2 && len(parts[2]) == 2
}

// atoi parses 1 to maxDigits decimal digits; -1 otherwise.
func atoi(b []byte, maxDigits int) int {
	if len(b) == 0 || len(b) > maxDigits {
		return -1
	}
	v := 0
	for _, c := range b {
		if c < '0' || c > '9' {
			return -1
		}
		v = v*10 + int(c-'0')
	}
	return v
}

// maxSecondsDigits bounds the integer part of a record's seconds: a longer
// number is not a record prefix (about 31 years).
const maxSecondsDigits = 9

// splitRecord recognises "<secs<text" and ">secs>text". secs is digits with
// an optional fraction; the closing character must match the opening one.
func splitRecord(line []byte) (dir byte, secs float64, text []byte, ok bool) {
	if len(line) < 3 || line[0] != '<' && line[0] != '>' {
		return 0, 0, nil, false
	}
	dir = line[0]
	i, whole, digits := 1, int64(0), 0
	for i < len(line) && line[i] >= '0' && line[i] <= '9' {
		if digits++; digits > maxSecondsDigits {
			return 0, 0, nil, false
		}
		whole = whole*10 + int64(line[i]-'0')
		i++
	}
	frac, scale := int64(0), int64(1)
	if i < len(line) && line[i] == '.' {
		i++
		for i < len(line) && line[i] >= '0' && line[i] <= '9' {
			if scale < 1e9 { // digits past nanoseconds do not matter
				frac = frac*10 + int64(line[i]-'0')
				scale *= 10
			}
			digits++
			i++
		}
	}
	if digits == 0 || i >= len(line) || line[i] != dir {
		return 0, 0, nil, false
	}
	return dir, float64(whole) + float64(frac)/float64(scale), line[i+1:], true
}

// sessionState follows the records of one session.
type sessionState struct {
	proto      Protocol
	s          *Session
	onResponse func(Response)
	last       byte   // direction of the current record; 0 while on the LOGIN line
	cmd        string // the command the client is in
	literal    int64  // IMAP: bytes of a client literal still to come
	continued  bool   // IMAP: the next client line continues the command after a literal
}

func (st *sessionState) record(dir byte, secs float64, text, tail []byte, n int64) {
	st.s.Records++
	switch dir {
	case '>':
		if st.last != '>' {
			st.response(secs)
		}
	case '<':
		st.s.ClientTime += secs
		st.s.ClientMax = max(st.s.ClientMax, secs)
		st.clientLine(text, tail, n)
	}
	st.last = dir
}

func (st *sessionState) response(secs float64) {
	s := st.s
	s.Responses++
	s.ServerTime += secs
	r := Response{Command: st.cmd, Seconds: secs}
	if s.Responses == 1 || secs > s.Slowest.Seconds {
		s.Slowest = r
	}
	if st.onResponse != nil {
		st.onResponse(r)
	}
}

// continuation is a line without a prefix: more of the current record.
// Only client lines are looked at (a pipelined command, literal data);
// server lines are message data and are skipped unread.
func (st *sessionState) continuation(line, tail []byte, n int64) {
	if st.last == '<' {
		st.clientLine(line, tail, n)
	}
}

// clientLine classifies a line of client input: literal data, the rest of
// a command, or a new command.
func (st *sessionState) clientLine(line, tail []byte, n int64) {
	if st.proto != IMAP {
		if name, ok := commandName(st.proto, line); ok {
			st.cmd = name
			st.s.Commands++
		}
		return
	}
	if st.literal > 0 {
		st.consumeLiteral(tail, n)
		return
	}
	if st.continued {
		st.startLiteral(tail, n, 0)
		return
	}
	if name, ok := commandName(IMAP, line); ok {
		st.cmd = name
		st.s.Commands++
	}
	st.startLiteral(tail, n, 0)
}

// consumeLiteral counts a line of literal data as the n bytes it carries
// plus CR LF, as on the wire. Where the literal ends inside the line, the
// rest of the line continues the command and may announce another literal.
func (st *sessionState) consumeLiteral(tail []byte, n int64) {
	wire := n + 2
	if st.literal >= wire {
		st.literal -= wire
		st.continued = st.literal == 0
		return
	}
	from := st.literal
	st.literal = 0
	if from < n {
		st.startLiteral(tail, n, from)
	}
}

// startLiteral looks for "{123}" or "{123+}" at the end of the line (after
// offset from) and expects that many bytes of literal data next; after an
// empty literal "{0}" the next line continues the command.
func (st *sessionState) startLiteral(tail []byte, n, from int64) {
	size, ok := parseLiteral(tail, n, from)
	st.literal = size
	st.continued = ok && size == 0
}

// maxLiteral caps an announced literal size; a bigger number is garbage.
const maxLiteral = 1 << 40

// parseLiteral finds a literal announced at the end of a line of n bytes
// whose last bytes are tail, if the announcement starts at or after offset
// from.
func parseLiteral(tail []byte, n, from int64) (int64, bool) {
	t := tail
	if len(t) == 0 || t[len(t)-1] != '}' {
		return 0, false
	}
	t = t[:len(t)-1]
	t = bytes.TrimSuffix(t, []byte("+"))
	open := bytes.LastIndexByte(t, '{')
	if open < 0 || open == len(t)-1 {
		return 0, false
	}
	if pos := n - int64(len(tail)) + int64(open); pos < from {
		return 0, false
	}
	var size int64
	for _, c := range t[open+1:] {
		if c < '0' || c > '9' {
			return 0, false
		}
		size = min(size*10+int64(c-'0'), maxLiteral)
	}
	return size, true
}

// String is a one-line description for debugging.
func (s Session) String() string {
	return fmt.Sprintf("%s %s: %d records, %d commands, %d responses, slowest %s %.3fs",
		s.User, s.Login, s.Records, s.Commands, s.Responses, s.Slowest.Command, s.Slowest.Seconds)
}
