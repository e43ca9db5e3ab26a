// Package msgqueue is check_msgqueue: the messages waiting in the MTA queue
// directories per channel, the held ones apart, the age of the oldest, and
// a warning when the ims-ms channel keeps growing, which is how a message
// store that no longer takes mail in shows (Oracle: "the ims-ms channel
// queue will grow"; stored's partition lock holds incoming
// mail in the MTA queues).
package msgqueue

import (
	"fmt"
	"math"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/msgstore-plugins/msgstore/lib/errtext"
	"github.com/msgstore-plugins/msgstore/lib/plugin"
	"github.com/msgstore-plugins/msgstore/lib/state"
	"github.com/msgstore-plugins/msgstore/lib/threshold"
	"github.com/msgstore-plugins/msgstore/lib/units"
	"github.com/msgstore-plugins/msgstore/lib/words"
)

type options struct {
	plugin.Common
	state.Option
	QueueDir           string            `long:"queue-dir" value-name:"DIR" description:"MTA queue directory (default: IMTA_QUEUE from BASE/config/imta_tailor; with Unified Configuration DATA/queue; else BASE/data/queue)"`
	Warning            threshold.Range   `short:"w" long:"warning" value-name:"RANGE" description:"warn when the messages waiting in a channel (held ones not counted) are outside this range, e.g. 500 (default: no limit)"`
	Critical           threshold.Range   `short:"c" long:"critical" value-name:"RANGE" description:"critical when the messages waiting in a channel are outside this range (default: no limit)"`
	ChannelWarning     []channelRange    `long:"channel-warning" value-name:"CHANNEL=RANGE" description:"-w for one channel, overriding -w (repeatable), e.g. ims-ms=50"`
	ChannelCritical    []channelRange    `long:"channel-critical" value-name:"CHANNEL=RANGE" description:"-c for one channel, overriding -c (repeatable), e.g. ims-ms=200"`
	AgeWarning         units.Duration    `long:"age-warning" value-name:"DURATION" description:"warn when a channel's oldest waiting message is older than this, e.g. 4h (default: off; mail to unreachable hosts and over-quota users waits for days)"`
	AgeCritical        units.Duration    `long:"age-critical" value-name:"DURATION" description:"critical when a channel's oldest waiting message is older than this (default: off)"`
	ChannelAgeWarning  []channelDuration `long:"channel-age-warning" value-name:"CHANNEL=DURATION" description:"--age-warning for one channel (repeatable), e.g. ims-ms=1h"`
	ChannelAgeCritical []channelDuration `long:"channel-age-critical" value-name:"CHANNEL=DURATION" description:"--age-critical for one channel (repeatable)"`
	HeldWarning        threshold.Range   `long:"held-warning" value-name:"RANGE" description:"warn when the held (.HELD) messages of all channels together are outside this range, e.g. 0 (default: no limit)"`
	HeldCritical       threshold.Range   `long:"held-critical" value-name:"RANGE" description:"critical when the held messages are outside this range (default: no limit)"`
	Ignore             []string          `long:"ignore-channel" value-name:"GLOB" description:"leave out channels whose name matches (repeatable), e.g. 'tcp_*'"`
	GrowthChannels     []string          `long:"growth-channel" value-name:"CHANNEL" default:"ims-ms" description:"warn when this channel keeps growing (repeatable; giving it replaces the default). ims-ms is delivery into the message store: when it grows, the store is not taking mail in"`
	GrowthWindow       units.Duration    `long:"growth-window" value-name:"DURATION" default:"30m" description:"time over which growth is measured; the check must run several times in it (e.g. every 5m)"`
	GrowthWarning      float64           `long:"growth-warning" value-name:"MESSAGES" default:"50" description:"warn when a growth channel gained at least this many messages over the window at its fitted rate, and still holds at least half of them more than at the window's start"`
	GrowthCritical     float64           `long:"growth-critical" value-name:"MESSAGES" default:"0" description:"critical for such growth of at least this many messages (0: off)"`
	NoGrowth           bool              `long:"no-growth" description:"do not check growth: keep no history and write nothing to --state-dir"`
}

// Spec returns the plugin with fresh default options; check_msgqueue's main
// and the check_msgstore aggregate both run it.
func Spec() plugin.Spec { return newSpec(&options{}) }

func newSpec(o *options) plugin.Spec {
	return plugin.Spec{
		Name:    "check_msgqueue",
		Service: "MSGQUEUE",
		Description: "Counts the messages waiting in the MTA queue per channel (QUEUE/<channel>/NNN/ZZ*.NN, and " +
			"QUEUE/<channel>/ZZ*.NN as MS 7 writes them), held (.HELD) messages apart, with the age of the oldest " +
			"waiting message (its file's mtime, which the MTA may refresh when it retries [U]) and the most delivery " +
			"attempts (from the first two characters of the file name, complemented base 36 [P]). Files being " +
			"written ($...) and other names are not counted. Warns when the ims-ms channel keeps growing: the " +
			"message store is not taking mail in (stored down, a locked partition, database deadlocks). Growth " +
			"needs a history of earlier runs, kept in --state-dir. Never writes under the queue.",
		Examples: []string{
			"check_msgqueue -B /opt/sun/comms/messaging64",
			"check_msgqueue -w 1000 -c 5000 --channel-warning ims-ms=100 --channel-critical ims-ms=500",
			"check_msgqueue --age-warning 1d --channel-age-warning ims-ms=2h --held-warning 0",
			"check_msgqueue --growth-window 1h --growth-warning 100 --growth-critical 500 --state-dir /var/lib/nagios/msgstore",
		},
		Timeout: 20,
		Options: o,
		Check:   func(env *plugin.Env) (*plugin.Result, error) { return check(env, o) },
	}
}

func check(env *plugin.Env, o *options) (*plugin.Result, error) {
	dir, source, err := resolveQueue(env, o)
	if err != nil {
		return nil, plugin.Unknownf("%v", err)
	}
	env.Stage("reading %s", dir)
	chans, topTemp, err := scanQueue(env.Context(), dir, o.Ignore, func(p string) { env.Stage("reading %s", p) })
	if err != nil {
		return nil, plugin.Unknownf("cannot read the MTA queue %s (%s): %s", dir, source, errtext.Reason(err))
	}
	chans = addNamed(chans, dir, o)

	// Growth is evaluated first: a growing channel is the news of line 1
	// among findings of the same state (it says why the counts are high),
	// and its line leads the long output unless it is OK.
	res, growth := &plugin.Result{}, &plugin.Result{}
	var problems []plugin.Finding
	if !o.NoGrowth {
		problems = checkGrowth(env, growth, chans, dir, o)
	}
	for _, l := range growth.Lines {
		if l.Status != plugin.OK {
			res.Add(l.Status, "%s", l.Text)
		}
	}
	for _, c := range chans {
		problems = append(problems, reportChannel(env, res, c, o)...)
	}
	problems = append(problems, reportHeld(res, chans, o)...)
	for _, l := range growth.Lines {
		if l.Status == plugin.OK {
			res.Add(l.Status, "%s", l.Text)
		}
	}
	res.AddPerf(growth.Perf...)
	if env.Verbose > 0 {
		res.Add(plugin.OK, "queue %s (%s): %d channels, %d temporary files in the top directory", dir, source, len(chans), topTemp)
	}
	res.Findings = append(res.Findings, problems...)
	totals(env.Now, res, chans)
	return res, nil
}

// Validate is called by the harness once the options are parsed.
func (o *options) Validate() error {
	if o.GrowthWindow.D() < time.Minute {
		return fmt.Errorf("--growth-window %s: must be at least 1m", units.FormatAge(o.GrowthWindow.D()))
	}
	if o.GrowthWarning <= 0 {
		return fmt.Errorf("--growth-warning %v: must be a number of messages above 0", o.GrowthWarning)
	}
	if o.GrowthCritical < 0 {
		return fmt.Errorf("--growth-critical %v: must be 0 (off) or a number of messages", o.GrowthCritical)
	}
	for _, g := range o.Ignore {
		if _, err := filepath.Match(g, ""); err != nil {
			return fmt.Errorf("--ignore-channel %q: %v", g, err)
		}
	}
	return nil
}

func resolveQueue(env *plugin.Env, o *options) (string, string, error) {
	if o.QueueDir != "" {
		return o.QueueDir, "--queue-dir", nil
	}
	l, err := o.OpenLayout(env, "")
	if err != nil {
		return "", "", err
	}
	return queueDir("", l, func(s string) { env.Stage("%s", s) })
}

// addNamed adds the channels that options name but that have no directory:
// they hold 0 messages (the MTA creates a channel's directory when it first
// queues a message there).
func addNamed(chans []*channel, dir string, o *options) []*channel {
	have := map[string]bool{}
	for _, c := range chans {
		have[c.Name] = true
	}
	for _, n := range o.namedChannels() {
		if !have[n] && !ignored(n, o.Ignore) {
			have[n] = true
			chans = append(chans, &channel{Name: n, Dir: filepath.Join(dir, n)})
		}
	}
	sort.SliceStable(chans, func(i, j int) bool { return chans[i].Name < chans[j].Name })
	return chans
}

// reportChannel evaluates one channel and adds its line and perfdata.
func reportChannel(env *plugin.Env, res *plugin.Result, c *channel, o *options) []plugin.Finding {
	lim := o.limitsFor(c.Name)
	if c.Err != nil {
		text := fmt.Sprintf("%s: cannot read %s: %s", c.Name, c.Dir, errtext.Reason(c.Err))
		res.Add(plugin.UNKNOWN, "%s", text)
		return []plugin.Finding{{Status: plugin.UNKNOWN, Short: text}}
	}
	var found []plugin.Finding
	status := plugin.OK
	var reasons []string
	if s := threshold.Evaluate(float64(c.Messages), lim.warn, lim.crit); s != plugin.OK {
		r := lim.warn
		if s == plugin.CRITICAL {
			r = lim.crit
		}
		reasons = append(reasons, fmt.Sprintf("%s %s", strings.ToLower(s.String()), r))
		found = append(found, plugin.Finding{Status: s, Short: fmt.Sprintf("%s: %s waiting (%s %s)", c.Name, words.Count(c.Messages, "message"), strings.ToLower(s.String()), r)})
		status = plugin.Worst(status, s)
	}
	age := time.Duration(0)
	if !c.Oldest.IsZero() {
		age = max(env.Now.Sub(c.Oldest), 0)
	}
	if s, limit := ageStatus(age, c.Messages > 0, lim); s != plugin.OK {
		reasons = append(reasons, fmt.Sprintf("oldest older than %s %s", strings.ToLower(s.String()), units.FormatAge(limit)))
		found = append(found, plugin.Finding{Status: s, Short: fmt.Sprintf("%s: oldest message waiting %s (%s %s)", c.Name, units.FormatAge(age), strings.ToLower(s.String()), units.FormatAge(limit))})
		status = plugin.Worst(status, s)
	}

	text := channelText(env, c, age)
	if len(reasons) > 0 {
		text += " (" + strings.Join(reasons, ", ") + ")"
	}
	res.Add(status, "%s", text)
	msgs := plugin.NewPerf(c.Name+"_messages", float64(c.Messages), "").Bounds(0, math.NaN())
	msgs.Warn, msgs.Crit = lim.warn.String(), lim.crit.String()
	held := plugin.NewPerf(c.Name+"_held", float64(c.Held), "").Bounds(0, math.NaN())
	oldest := plugin.NewPerf(c.Name+"_oldest", math.Round(age.Seconds()), "s").Bounds(0, math.NaN())
	oldest.Warn, oldest.Crit = lim.age.PerfWarn(), lim.age.PerfCrit()
	res.AddPerf(msgs, held, oldest)
	return found
}

// ageStatus is the state of a channel's oldest message and the limit it
// passed: an empty channel has no oldest message.
func ageStatus(age time.Duration, any bool, lim limits) (plugin.Status, time.Duration) {
	if !any {
		return plugin.OK, 0
	}
	s := lim.age.Check(age)
	return s, lim.age.Limit(s)
}

// channelText is the long-output line of a channel:
// "tcp_local: 3 messages, 1 held, oldest 2d (002/ZZf0r4i0Wdy51.01), up to 4 delivery attempts".
func channelText(env *plugin.Env, c *channel, age time.Duration) string {
	if !c.Exists {
		return fmt.Sprintf("%s: 0 messages (no queue directory %s)", c.Name, c.Dir)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %s, %d held", c.Name, words.Count(c.Messages, "message"), c.Held)
	if c.Messages > 0 {
		fmt.Fprintf(&b, ", oldest %s", units.FormatAge(age))
		if env.Verbose > 0 {
			fmt.Fprintf(&b, " (%s)", c.OldestName)
		}
		if c.MaxAttempts == 0 {
			b.WriteString(", no delivery attempt yet")
		} else {
			fmt.Fprintf(&b, ", up to %s", words.Count(c.MaxAttempts, "delivery attempt"))
		}
	}
	if env.Verbose > 0 {
		fmt.Fprintf(&b, "; %d being written, %d other files; %s", c.Temp, c.Other, c.Dir)
	}
	return b.String()
}

// reportHeld adds the held total and evaluates its thresholds.
func reportHeld(res *plugin.Result, chans []*channel, o *options) []plugin.Finding {
	total, in := 0, 0
	for _, c := range chans {
		total += c.Held
		if c.Held > 0 {
			in++
		}
	}
	p := plugin.NewPerf("held", float64(total), "").Bounds(0, math.NaN())
	p.Warn, p.Crit = o.HeldWarning.String(), o.HeldCritical.String()
	res.AddPerf(p)
	s := threshold.Evaluate(float64(total), o.HeldWarning, o.HeldCritical)
	if s == plugin.OK && total == 0 {
		return nil
	}
	text := fmt.Sprintf("%s in %s (not eligible for delivery until released: imsimta qm release)",
		words.Count(total, "held message"), words.Count(in, "channel"))
	if s == plugin.OK {
		res.Add(plugin.OK, "%s", text)
		return nil
	}
	r := o.HeldWarning
	if s == plugin.CRITICAL {
		r = o.HeldCritical
	}
	res.Add(s, "%s (%s %s)", text, strings.ToLower(s.String()), r)
	return []plugin.Finding{{Status: s, Short: fmt.Sprintf("%s (%s %s)", words.Count(total, "held message"), strings.ToLower(s.String()), r)}}
}

// totals adds the perfdata of all messages and, when all is well, says
// line 1: the totals, as no finding has words for them. When something is
// wrong, line 1 is built from the findings.
func totals(now time.Time, res *plugin.Result, chans []*channel) {
	messages, busy := 0, 0
	var oldest *channel
	for _, c := range chans {
		messages += c.Messages
		if c.Messages > 0 {
			busy++
			if oldest == nil || c.Oldest.Before(oldest.Oldest) {
				oldest = c
			}
		}
	}
	res.AddPerf(plugin.NewPerf("messages", float64(messages), "").Bounds(0, math.NaN()))
	switch {
	case res.Status != plugin.OK:
	case messages == 0:
		res.Summary = fmt.Sprintf("queue empty (%s)", words.Count(len(chans), "channel"))
	default:
		res.Summary = fmt.Sprintf("%s waiting in %s, oldest %s in %s", words.Count(messages, "message"),
			words.Count(busy, "channel"), units.FormatAge(max(now.Sub(oldest.Oldest), 0)), oldest.Name)
	}
}
