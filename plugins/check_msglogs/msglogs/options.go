package msglogs

import (
	"fmt"
	"math"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/msgstore-plugins/msgstore/lib/plugin"
	"github.com/msgstore-plugins/msgstore/lib/state"
	"github.com/msgstore-plugins/msgstore/lib/threshold"
	"github.com/msgstore-plugins/msgstore/lib/units"
)

type options struct {
	plugin.Common
	state.Option
	Services        []string        `short:"s" long:"service" value-name:"NAME" description:"check this service's log (repeatable or comma list): imap, pop, http, admin, default, imta, mta (default: each whose current log exists or was checked before)"`
	LogDir          string          `short:"L" long:"log-dir" value-name:"DIR" description:"directory of every log (default: logfile.<service>.logdir (or <service>.logfile.logdir) from msg.conf, IMTA_LOG from imta_tailor for mta and imta, else BASE/log); a log that is a directory holding the service's logs (BASE/log/imap/imap, as the 6.3 guide's log/default/default) is followed into"`
	Warning         []string        `short:"w" long:"warning" value-name:"[SERVICE:]LEVEL=RANGE" description:"WARNING when the count of new lines of LEVEL (critical, error, warning, match, rejected) is outside RANGE; 'off' disables; repeatable, later wins (default: error=0 match=0, i.e. any new Error line or --match line)"`
	Critical        []string        `short:"c" long:"critical" value-name:"[SERVICE:]LEVEL=RANGE" description:"CRITICAL when the count of new lines of LEVEL is outside RANGE, e.g. -c critical=0 -c imap:error=10 (default: critical=0, i.e. any new Critical line)"`
	StaleWarning    []string        `long:"stale-warning" value-name:"[SERVICE=]DURATION" description:"WARNING when a current log was not written for longer than this; 0 turns it off; repeatable, e.g. --stale-warning 1h --stale-warning admin=6h (default: 1h; off for imta, which is written only when there is trouble)"`
	Exclude         []string        `short:"e" long:"exclude" value-name:"REGEX" description:"drop counted lines that match this regular expression (RE2 syntax; repeatable), for known noise"`
	Match           []string        `short:"m" long:"match" value-name:"REGEX" description:"also count lines that match this regular expression (repeatable) as level 'match', in every log including mta"`
	Commit          bool            `long:"commit" description:"in a terminal, save the new positions too: an interactive run only reads, so that it does not take the new lines from the scheduled check"`
	FromStart       bool            `long:"from-start" description:"on the first run of a log (no state yet) read it from its start instead of its end"`
	MaxBytes        units.Size      `long:"max-bytes" value-name:"SIZE" default:"256MiB" description:"read at most this much per run and log; the rest is read by the next run (said in long output)"`
	Show            int             `long:"show" value-name:"N" default:"3" description:"show the newest N counted lines per log in long output (0-20)"`
	DirWarning      units.Size      `long:"dir-warning" value-name:"SIZE" description:"WARNING when the log directory holds more than SIZE (e.g. 5GiB; default: off)"`
	DirCritical     units.Size      `long:"dir-critical" value-name:"SIZE" description:"CRITICAL when the log directory holds more than SIZE (default: off)"`
	RotatedWarning  threshold.Range `long:"rotated-warning" value-name:"RANGE" description:"WARNING when a service's count of rotated files (imap.<seq>.<epoch>, mail.log_yesterday...) is outside RANGE, e.g. 12 (logfile.*.maxlogfiles is 10 by default [P]; default: off)"`
	RotatedCritical threshold.Range `long:"rotated-critical" value-name:"RANGE" description:"CRITICAL when a service's count of rotated files is outside RANGE (default: off)"`
	Expect          []string        `long:"expect" value-name:"SERVICE=REGEX/MAXAGE" description:"WARNING when no line matching REGEX was written to SERVICE's log within MAXAGE (e.g. --expect 'default=imexpire.*Expire finished/26h': the nightly expire stopped); split at the last '/', so REGEX may hold '/'; the time is the line's own date (the log's mtime when it has none); the last match is kept across runs and rotations, and the first run searches the rotated files back for it (within --max-bytes and the timeout; UNKNOWN when that was too little to judge); repeatable"`
	ExpectCritical  bool            `long:"expect-critical" description:"a missing --expect line is CRITICAL instead of WARNING"`
	XMLCode         []string        `long:"mta-xml-code" value-name:"ATTR" description:"attributes holding the entry code in mail.log_current records written with LOG_FORMAT=4 (<en ... ec=\"J\" .../>; not public [U]: first that is present wins; comma list; default: ec,ac; <co> connection records are never rejections)"`
	// --stale was the only liveness limit, a warning, before the options
	// followed one scheme.
	Stale []string `long:"stale" hidden:"true" alias-of:"stale-warning"`
}

// services are the logs the plugin knows, in output order.
// imta is the log of the MTA's processes that use the service log format,
// where the ims-ms channel writes its errors when delivery to the store
// fails (AG05 `bgbgn`).
var services = []string{"imap", "pop", "http", "admin", "default", "imta", "mta"}

func knownService(s string) bool {
	for _, k := range services {
		if k == s {
			return true
		}
	}
	return false
}

// defaultStale is the liveness limit when --stale-warning names none.
const defaultStale = time.Hour

// quietByDefault are the logs whose silence is no sign of trouble, with no
// liveness limit unless --stale-warning names them: imta is written when the MTA's
// store delivery has something to say, which on a healthy server may be
// never for days.
var quietByDefault = []string{"imta"}

// config is the options, parsed and validated.
type config struct {
	services     []string // as given (nil: the default selection)
	warn         map[string]threshold.Range
	crit         map[string]threshold.Range
	stale        map[string]time.Duration // "" is the default
	exclude      []*regexp.Regexp
	match        []*regexp.Regexp
	expects      []expectation
	expectStatus plugin.Status // of a missing expected line
	xmlCode      []string      // --mta-xml-code
	// definition holds the remaining options that tell check definitions
	// apart (log dir, hygiene thresholds), for the state key.
	definition []string
}

// Validate is called by the harness once the options are parsed; the
// check parses them again into its config (pure and cheap).
func (o *options) Validate() error {
	_, err := parseConfig(o)
	return err
}

func parseConfig(o *options) (*config, error) {
	c := &config{
		warn:  map[string]threshold.Range{"error": threshold.MustParseRange("0"), "match": threshold.MustParseRange("0")},
		crit:  map[string]threshold.Range{"critical": threshold.MustParseRange("0")},
		stale: map[string]time.Duration{"": defaultStale},
	}
	for _, v := range o.Services {
		for _, s := range strings.Split(v, ",") {
			s = strings.ToLower(strings.TrimSpace(s))
			if s == "" {
				continue
			}
			if !knownService(s) {
				return nil, fmt.Errorf("--service %q: unknown service (known: %s)", s, strings.Join(services, ", "))
			}
			if !slices.Contains(c.services, s) {
				c.services = append(c.services, s)
			}
		}
	}
	if err := parseLevelRanges("--warning", o.Warning, c.warn); err != nil {
		return nil, err
	}
	if err := parseLevelRanges("--critical", o.Critical, c.crit); err != nil {
		return nil, err
	}
	for _, v := range o.StaleWarning {
		svc, dur, found := strings.Cut(v, "=")
		if !found {
			svc, dur = "", v
		}
		svc = strings.ToLower(strings.TrimSpace(svc))
		if svc != "" && !knownService(svc) {
			return nil, fmt.Errorf("--stale-warning %q: unknown service %q (known: %s)", v, svc, strings.Join(services, ", "))
		}
		d, err := units.ParseDuration(dur)
		if err != nil {
			return nil, fmt.Errorf("--stale-warning %q: %v", v, err)
		}
		c.stale[svc] = d
	}
	var err error
	if c.exclude, err = compileAll("--exclude", o.Exclude); err != nil {
		return nil, err
	}
	if c.match, err = compileAll("--match", o.Match); err != nil {
		return nil, err
	}
	if c.expects, err = parseExpects(o.Expect); err != nil {
		return nil, err
	}
	for _, e := range c.expects {
		if len(c.services) > 0 && !slices.Contains(c.services, e.svc) {
			return nil, fmt.Errorf("--expect %q: %s is not among --service %s", e.spec, e.svc, strings.Join(c.services, ","))
		}
	}
	c.expectStatus = plugin.WARNING
	if o.ExpectCritical {
		c.expectStatus = plugin.CRITICAL
	}
	for _, v := range o.XMLCode {
		for _, a := range strings.Split(v, ",") {
			if a = strings.TrimSpace(a); a != "" {
				if !isXMLName(a) {
					return nil, fmt.Errorf("--mta-xml-code %q: not an attribute name", a)
				}
				c.xmlCode = append(c.xmlCode, a)
			}
		}
	}
	c.definition = []string{"log-dir=" + o.LogDir,
		fmt.Sprintf("dir=%d,%d", o.DirWarning, o.DirCritical),
		"rotated=" + o.RotatedWarning.String() + "," + o.RotatedCritical.String()}
	if o.Show < 0 || o.Show > 20 {
		return nil, fmt.Errorf("--show %d: must be between 0 and 20", o.Show)
	}
	if o.MaxBytes < 64<<10 {
		return nil, fmt.Errorf("--max-bytes %s: must be at least 64 KiB", units.FormatBytes(uint64(o.MaxBytes)))
	}
	return c, nil
}

// parseLevelRanges reads "[SERVICE:]LEVEL=RANGE" values into m, keyed
// "service:level" or "level".
func parseLevelRanges(opt string, values []string, m map[string]threshold.Range) error {
	for _, v := range values {
		key, rng, ok := strings.Cut(v, "=")
		if !ok {
			return fmt.Errorf("%s %q: expected [SERVICE:]LEVEL=RANGE, e.g. error=0 or imap:critical=5", opt, v)
		}
		key = strings.ToLower(strings.TrimSpace(key))
		svc, lv, scoped := strings.Cut(key, ":")
		if !scoped {
			svc, lv = "", key
		}
		if svc != "" && !knownService(svc) {
			return fmt.Errorf("%s %q: unknown service %q (known: %s)", opt, v, svc, strings.Join(services, ", "))
		}
		if _, ok := parseLevelName(lv); !ok {
			return fmt.Errorf("%s %q: unknown level %q (known: %s)", opt, v, lv, strings.Join(levelNames[:], ", "))
		}
		if strings.EqualFold(strings.TrimSpace(rng), "off") {
			m[key] = threshold.Range{}
			continue
		}
		r, err := threshold.ParseRange(strings.TrimSpace(rng))
		if err != nil {
			return fmt.Errorf("%s %q: %v", opt, v, err)
		}
		m[key] = r
	}
	return nil
}

func compileAll(opt string, patterns []string) ([]*regexp.Regexp, error) {
	var out []*regexp.Regexp
	for _, p := range patterns {
		re, err := regexp.Compile(p)
		if err != nil {
			return nil, fmt.Errorf("%s %q: %v", opt, p, err)
		}
		out = append(out, re)
	}
	return out, nil
}

// ranges returns the warning and critical ranges for a service's level: a
// service-scoped setting wins over a general one.
func (c *config) ranges(svc string, lv level) (warn, crit threshold.Range) {
	pick := func(m map[string]threshold.Range) threshold.Range {
		if r, ok := m[svc+":"+lv.String()]; ok {
			return r
		}
		return m[lv.String()]
	}
	return pick(c.warn), pick(c.crit)
}

// expected: an --expect names this service's log.
func (c *config) expected(svc string) bool {
	for _, e := range c.expects {
		if e.svc == svc {
			return true
		}
	}
	return false
}

func (c *config) staleFor(svc string) time.Duration {
	if d, ok := c.stale[svc]; ok {
		return d
	}
	if slices.Contains(quietByDefault, svc) {
		return 0
	}
	return c.stale[""]
}

// stateParts identify a check definition: every option that changes what
// is counted or how it is judged goes into the state key, so that two
// definitions on one log (say, all logs with default levels and imap alone
// with --match) each read every line instead of taking lines from each
// other. Options that only shape one run (-t, -v, --show, --max-bytes,
// --from-start) are left out.
func (c *config) stateParts(svc, logPath string) []string {
	parts := []string{svc, logPath, "services=" + strings.Join(slices.Sorted(slices.Values(c.services)), ",")}
	add := func(name string, res []*regexp.Regexp) {
		var s []string
		for _, r := range res {
			s = append(s, r.String())
		}
		parts = append(parts, name+"="+strings.Join(slices.Sorted(slices.Values(s)), "\x00"))
	}
	add("match", c.match)
	add("exclude", c.exclude)
	ranges := func(name string, m map[string]threshold.Range) {
		var s []string
		for k, r := range m {
			s = append(s, k+"="+r.String())
		}
		parts = append(parts, name+"="+strings.Join(slices.Sorted(slices.Values(s)), ","))
	}
	ranges("warning", c.warn)
	ranges("critical", c.crit)
	var st []string
	for k, d := range c.stale {
		st = append(st, fmt.Sprintf("%s=%d", k, d))
	}
	parts = append(parts, "stale="+strings.Join(slices.Sorted(slices.Values(st)), ","))
	// Added only when given, so that definitions without them keep the
	// state they had before these options existed.
	if len(c.expects) > 0 {
		var ex []string
		for _, e := range c.expects {
			ex = append(ex, e.svc+"="+e.re.String())
		}
		parts = append(parts, "expect="+strings.Join(slices.Sorted(slices.Values(ex)), "\x00"))
	}
	if len(c.xmlCode) > 0 {
		parts = append(parts, "mta-xml-code="+strings.Join(c.xmlCode, ","))
	}
	return append(parts, c.definition...)
}

// xmlCodeAttrs is --mta-xml-code, else the default list.
func (c *config) xmlCodeAttrs() []string {
	if len(c.xmlCode) > 0 {
		return c.xmlCode
	}
	return defaultXMLCodeAttrs
}

func isXMLName(s string) bool {
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '-') {
			return false
		}
	}
	return s != ""
}

func nan() float64 { return math.NaN() }
