// Package telemetry is check_telemetry: the captures of user sessions left
// on under BASE/data/telemetry, and what the captured sessions say about
// the server's response times ("Check User IMAP/POP/Webmail Session by Using
// Telemetry", Administration Guide 20.14.1.3).
package telemetry

import (
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"strconv"
	"time"

	"github.com/msgstore-plugins/msgstore/lib/errtext"
	"github.com/msgstore-plugins/msgstore/lib/layout"
	"github.com/msgstore-plugins/msgstore/lib/plugin"
	"github.com/msgstore-plugins/msgstore/lib/threshold"
	"github.com/msgstore-plugins/msgstore/lib/units"
)

type options struct {
	plugin.Common
	ServerUser          string          `long:"server-user" value-name:"USER" description:"user the Messaging Server runs as (name or uid); a capture directory it cannot create files in is a WARNING, since nothing is recorded there (default: the owner of BASE/config)"`
	AgeWarning          units.Duration  `long:"age-warning" value-name:"DURATION" default:"24h" description:"WARNING for a capture on for longer than this: debugging is over and it was forgotten (0: no limit)"`
	AgeCritical         units.Duration  `long:"age-critical" value-name:"DURATION" default:"0" description:"CRITICAL for a capture on for longer than this (0: never)"`
	SizeWarning         units.Size      `long:"size-warning" value-name:"SIZE" default:"100MiB" description:"WARNING when all session files together hold more than this (0: no limit)"`
	SizeCritical        units.Size      `long:"size-critical" value-name:"SIZE" default:"1GiB" description:"CRITICAL when all session files together hold more than this (0: no limit)"`
	Warning             threshold.Range `short:"w" long:"warning" value-name:"RANGE" description:"WARNING range for the number of users captured (e.g. 0 to warn about any capture at all, 3 for more than three)"`
	Critical            threshold.Range `short:"c" long:"critical" value-name:"RANGE" description:"CRITICAL range for the number of users captured"`
	ResponseWarning     threshold.Range `long:"response-warning" value-name:"RANGE" description:"WARNING range for a protocol's 95th percentile server response time, in seconds (e.g. 1)"`
	ResponseCritical    threshold.Range `long:"response-critical" value-name:"RANGE" description:"CRITICAL range for a protocol's 95th percentile server response time, in seconds"`
	ResponseMaxWarning  threshold.Range `long:"response-max-warning" value-name:"RANGE" description:"WARNING range for a protocol's slowest server response, in seconds"`
	ResponseMaxCritical threshold.Range `long:"response-max-critical" value-name:"RANGE" description:"CRITICAL range for a protocol's slowest server response, in seconds"`
	NoSessions          bool            `long:"no-sessions" description:"do not read session files: report captures, sizes and ownership only (no response times)"`
	MaxSessions         int             `long:"max-sessions" value-name:"N" default:"2000" description:"read at most the N newest session files; the others are counted, not read"`
	MaxRead             units.Size      `long:"max-read" value-name:"SIZE" default:"64MiB" description:"read at most this much of all session files together"`
	MaxReadPerFile      units.Size      `long:"max-read-per-file" value-name:"SIZE" default:"4MiB" description:"read at most the first SIZE of each session file"`
	// The names these limits had before the options followed one scheme.
	MaxAge          units.Duration `long:"max-age" hidden:"true" alias-of:"age-warning"`
	MaxAgeCritical  units.Duration `long:"max-age-critical" hidden:"true" alias-of:"age-critical"`
	MaxSize         units.Size     `long:"max-size" hidden:"true" alias-of:"size-warning"`
	MaxSizeCritical units.Size     `long:"max-size-critical" hidden:"true" alias-of:"size-critical"`
}

// Spec returns the plugin with fresh default options; check_telemetry's
// main and the check_msgstore aggregate both run it.
func Spec() plugin.Spec {
	o := &options{}
	return plugin.Spec{
		Name:    "check_telemetry",
		Service: "TELEMETRY",
		Description: "Finds the telemetry captures left on under BASE/data/telemetry/{imap,pop,http}/<userid>/ " +
			"(while such a directory exists the server records every session of that user into it: a debugging " +
			"aid that, forgotten, records mail sessions indefinitely, costs disk and slows the server) and reads " +
			"the captured sessions for the server's response times. " +
			"A capture is dated by the older of its directory's mtime and its oldest session file. " +
			"Session format (guide's example; file names are not documented, so every regular file counts): " +
			"first line 'LOGIN <user> <yyyy/mm/dd> <hh:mm:ss>', then records '<secs<' (client to server) and " +
			"'>secs>' (server to client), lines without a prefix continuing the record before them. " +
			"The seconds are taken as the time since the previous record (the guide's 0.017, 0.046, 0.236, " +
			"0.045 do not rise), so the seconds on a server record that follows client input are the server's " +
			"response time to it, and the seconds on client records are time spent waiting for the client; " +
			"server records that follow server records (IDLE notices, output in parts) are not response times. " +
			"Only command names (SELECT, UID FETCH, RETR, GET) are ever printed, never arguments, message text " +
			"or credentials. The 95th percentile is exact to the millisecond below 10 s and within 1% above, " +
			"in fixed memory. Files that are not in this format are counted and named, never fatal.",
		Examples: []string{
			"check_telemetry -B /opt/sun/comms/messaging64",
			"check_telemetry --age-warning 12h --size-warning 50MiB --size-critical 500MiB",
			"check_telemetry -w 0                      # WARNING for any capture at all",
			"check_telemetry --response-warning 1 --response-critical 5 --server-user mailsrv",
		},
		Options: o,
		Check:   func(env *plugin.Env) (*plugin.Result, error) { return check(env, o) },
	}
}

// run is the state of one check.
type run struct {
	env       *plugin.Env
	o         *options
	layout    *layout.Layout
	server    *account
	serverErr error
	serverSet bool // server and serverErr are known (serverAccount)
	scan      *scanResult
	stats     map[Protocol]*protoStats
	stopped   []string // why some session files were not read
	readDone  int      // session files read
	// Over every capture, kept for a line of its own or not.
	notRead, partial, unparsable int
	// Problems with the session files of captures not kept (evicted).
	evictedUnreadable, evictedUnparsable int
}

// Validate is called by the harness once the options are parsed.
func (o *options) Validate() error {
	if o.MaxSessions < 0 {
		return fmt.Errorf("--max-sessions %d: must be 0 or more", o.MaxSessions)
	}
	return nil
}

func check(env *plugin.Env, o *options) (*plugin.Result, error) {
	l, err := o.OpenLayout(env, "")
	if err != nil {
		return nil, plugin.Unknownf("%v", err)
	}
	r := &run{env: env, o: o, layout: l, stats: map[Protocol]*protoStats{}}
	if o.ServerUser != "" {
		if r.server, err = resolveServerUser(o.ServerUser); err != nil {
			return nil, plugin.Unknownf("%v", err)
		}
		r.serverSet = true
	}
	keep := &newest{n: o.MaxSessions}
	if o.NoSessions {
		keep.n = 0
	}
	if r.scan, err = scan(env, l.Telemetry, keep, r.captureStatus); err != nil {
		return nil, err
	}
	r.notRead = keep.dropped
	if !o.NoSessions {
		if keep.dropped > 0 {
			r.stopped = append(r.stopped, "--max-sessions "+strconv.Itoa(o.MaxSessions))
		}
		r.readSessions(keep.sorted())
	}
	return r.report(), nil
}

// protoStats are the response times of one protocol's sessions.
type protoStats struct {
	lat         Latency
	sessions    int
	slowest     Response
	slowestUser string
	slowestFile string
	serverTime  float64
	clientTime  float64
	clientMax   float64
	commands    map[string]*commandStats // by command name: a bounded set
}

// commandStats are the response times of one command, for -v.
type commandStats struct {
	n        int
	sum, max float64
}

func (st *protoStats) addResponse(r Response) {
	st.lat.Add(r.Seconds)
	if st.commands == nil {
		st.commands = map[string]*commandStats{}
	}
	c, ok := st.commands[r.Command]
	if !ok {
		c = &commandStats{}
		st.commands[r.Command] = c
	}
	c.n++
	c.sum += r.Seconds
	c.max = max(c.max, r.Seconds)
}

func (r *run) statsFor(p Protocol) *protoStats {
	st, ok := r.stats[p]
	if !ok {
		st = &protoStats{}
		r.stats[p] = st
	}
	return st
}

// readBudgetShare is the part of --timeout spent reading session files:
// past it the rest is counted, not read, and the check still answers.
const readBudgetShare = 2

// readSessions parses the session files newest first, within the byte and
// time budgets.
func (r *run) readSessions(files []sessionFile) {
	deadline := r.env.Now.Add(r.env.Timeout / readBudgetShare)
	maxRead := int64(r.o.MaxRead)
	var total int64
	p := NewParser()
	for _, f := range files {
		switch {
		case total >= maxRead:
			r.stop(f.c, "--max-read "+units.FormatBytes(uint64(maxRead)))
			continue
		case time.Now().After(deadline):
			r.stop(f.c, "the time budget (half of --timeout)")
			continue
		}
		budget := maxRead - total
		if per := int64(r.o.MaxReadPerFile); per > 0 && per < budget {
			budget = per
		}
		total += r.readSession(p, f, budget)
	}
}

func (r *run) stop(c *capture, why string) {
	c.notRead++
	r.notRead++
	for _, s := range r.stopped {
		if s == why {
			return
		}
	}
	r.stopped = append(r.stopped, why)
}

// readSession parses one file and returns the bytes read.
func (r *run) readSession(p *Parser, f sessionFile, budget int64) int64 {
	path := filepath.Join(f.c.path, f.name)
	r.env.Stage("reading %s", path)
	fh, err := openSession(path)
	if err != nil {
		if !errors.Is(err, fs.ErrNotExist) { // a session removed meanwhile is simply gone
			r.unreadableFile(f, errtext.Reason(err))
		}
		return 0
	}
	defer fh.Close()
	st := r.statsFor(f.c.proto)
	s, err := p.Parse(fh, f.c.proto, budget, st.addResponse)
	var fe *FormatError
	switch {
	case errors.Is(err, ErrEmpty):
		f.c.empty++
	case errors.As(err, &fe):
		r.unparsable++
		f.c.unparsable.add(f.name, fe.Reason)
		if f.c.evicted {
			r.evictedUnparsable++
		}
	case err != nil:
		r.unreadableFile(f, errtext.Reason(err))
	default:
		r.readDone++
		f.c.parsed++
		if s.Truncated {
			f.c.partial++
			r.partial++
		}
		st.add(s, f.c.user, f.name)
	}
	return s.Bytes
}

func (r *run) unreadableFile(f sessionFile, reason string) {
	f.c.unreadable.add(f.name, reason)
	if f.c.evicted {
		r.evictedUnreadable++
	}
}

func (st *protoStats) add(s Session, user, file string) {
	st.sessions++
	st.serverTime += s.ServerTime
	st.clientTime += s.ClientTime
	st.clientMax = max(st.clientMax, s.ClientMax)
	if s.Responses > 0 && (st.slowestFile == "" || s.Slowest.Seconds > st.slowest.Seconds) {
		st.slowest, st.slowestUser, st.slowestFile = s.Slowest, user, file
	}
}

// serverAccount is the user the server runs as: --server-user, else the
// owner of BASE/config, looked up once, when the first capture is judged.
func (r *run) serverAccount() *account {
	if !r.serverSet {
		r.serverSet = true
		r.env.Stage("reading %s", r.layout.Config)
		r.server, r.serverErr = ownerOf(r.layout.Config)
	}
	return r.server
}

// ageLimits are the limits on how long a capture may be on.
func (o *options) ageLimits() threshold.DurationLimits {
	return threshold.DurationLimits{Warning: o.AgeWarning.D(), Critical: o.AgeCritical.D()}
}

// sizeLimits are the limits on what all session files together hold.
func (o *options) sizeLimits() threshold.SizeLimits {
	return threshold.SizeLimits{Warning: uint64(o.SizeWarning), Critical: uint64(o.SizeCritical)}
}
