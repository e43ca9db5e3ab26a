package msgqueue

import (
	"fmt"
	"strings"

	"github.com/msgstore-plugins/msgstore/lib/threshold"
	"github.com/msgstore-plugins/msgstore/lib/units"
)

// splitChannel splits "CHANNEL=VALUE" for the per-channel options.
func splitChannel(s string) (string, string, error) {
	ch, v, ok := strings.Cut(s, "=")
	ch = strings.TrimSpace(ch)
	if !ok || ch == "" || strings.ContainsAny(ch, "/ ") || v == "" {
		return "", "", fmt.Errorf("invalid %q: expected CHANNEL=VALUE, e.g. ims-ms=50", s)
	}
	return ch, v, nil
}

// channelRange is a CHANNEL=RANGE option value (--channel-warning).
type channelRange struct {
	channel string
	r       threshold.Range
}

func (c *channelRange) UnmarshalFlag(s string) error {
	ch, v, err := splitChannel(s)
	if err != nil {
		return err
	}
	r, err := threshold.ParseRange(v)
	if err != nil {
		return fmt.Errorf("%s: %v", ch, err)
	}
	*c = channelRange{channel: ch, r: r}
	return nil
}

func (c channelRange) MarshalFlag() (string, error) { return c.channel + "=" + c.r.String(), nil }

// channelDuration is a CHANNEL=DURATION option value (--channel-age-warning).
type channelDuration struct {
	channel string
	d       units.Duration
}

func (c *channelDuration) UnmarshalFlag(s string) error {
	ch, v, err := splitChannel(s)
	if err != nil {
		return err
	}
	var d units.Duration
	if err := d.UnmarshalFlag(v); err != nil {
		return fmt.Errorf("%s: %v", ch, err)
	}
	*c = channelDuration{channel: ch, d: d}
	return nil
}

func (c channelDuration) MarshalFlag() (string, error) {
	s, _ := c.d.MarshalFlag()
	return c.channel + "=" + s, nil
}

// limits are the thresholds that apply to one channel.
type limits struct {
	warn, crit threshold.Range          // messages waiting
	age        threshold.DurationLimits // oldest message (0: off)
}

// limitsFor resolves the generic thresholds and the channel's overrides
// (the last override given for a channel wins).
func (o *options) limitsFor(ch string) limits {
	l := limits{warn: o.Warning, crit: o.Critical,
		age: threshold.DurationLimits{Warning: o.AgeWarning.D(), Critical: o.AgeCritical.D()}}
	for _, c := range o.ChannelWarning {
		if c.channel == ch {
			l.warn = c.r
		}
	}
	for _, c := range o.ChannelCritical {
		if c.channel == ch {
			l.crit = c.r
		}
	}
	for _, c := range o.ChannelAgeWarning {
		if c.channel == ch {
			l.age.Warning = c.d.D()
		}
	}
	for _, c := range o.ChannelAgeCritical {
		if c.channel == ch {
			l.age.Critical = c.d.D()
		}
	}
	return l
}

// namedChannels are the channels that options name: they are reported
// even when their directory does not exist (nothing queued yet).
func (o *options) namedChannels() []string {
	var names []string
	for _, c := range o.ChannelWarning {
		names = append(names, c.channel)
	}
	for _, c := range o.ChannelCritical {
		names = append(names, c.channel)
	}
	for _, c := range o.ChannelAgeWarning {
		names = append(names, c.channel)
	}
	for _, c := range o.ChannelAgeCritical {
		names = append(names, c.channel)
	}
	if !o.NoGrowth {
		names = append(names, o.GrowthChannels...)
	}
	return names
}
