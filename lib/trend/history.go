// Package trend keeps a short, bounded history of one measured value (used
// bytes of a file system, messages in a queue) between plugin runs and
// estimates from it how fast the value grows and when it will reach a
// limit ("primary reaches 90% used in 3d at the current rate").
//
// The history lives in a small JSON state file under --state-dir (written
// atomically by lib/state). It is bounded twice: samples older than
// Limits.MaxAge are dropped, and samples are kept at least
// MaxAge/MaxSamples apart, so a check that runs every minute and one that
// runs every hour both keep at most about MaxSamples samples. The newest
// sample is always the latest reading.
//
// The growth rate is a robust slope; see Fit for the method and why.
package trend

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"sort"
	"time"

	"github.com/msgstore-plugins/msgstore/lib/state"
)

// FormatVersion is the version of the JSON form of a History.
const FormatVersion = 1

// MaxStoredSamples bounds what Decode keeps from a file, whatever Limits a
// caller uses: a hand-edited or foreign file cannot make Fit slow.
const MaxStoredSamples = 2048

// Sample is one reading: a Unix time in seconds and the value then.
type Sample struct {
	Time  int64
	Value float64
}

// T is the sample's time.
func (s Sample) T() time.Time { return time.Unix(s.Time, 0) }

// MarshalJSON writes the compact form [time, value].
func (s Sample) MarshalJSON() ([]byte, error) {
	return json.Marshal([2]any{s.Time, s.Value})
}

// UnmarshalJSON reads [time, value].
func (s *Sample) UnmarshalJSON(b []byte) error {
	var raw [2]json.Number
	if err := json.Unmarshal(b, &raw); err != nil {
		return fmt.Errorf("sample: want [unix-seconds, value]: %v", err)
	}
	t, err := raw[0].Int64()
	if err != nil {
		return fmt.Errorf("sample time %q: %v", raw[0], err)
	}
	v, err := raw[1].Float64()
	if err != nil {
		return fmt.Errorf("sample value %q: %v", raw[1], err)
	}
	s.Time, s.Value = t, v
	return nil
}

// Limits bound a history.
type Limits struct {
	// MaxSamples is the most samples kept (default 288).
	MaxSamples int
	// MaxAge drops samples older than this (default 7 days).
	MaxAge time.Duration
}

func (l Limits) withDefaults() Limits {
	if l.MaxSamples <= 1 {
		l.MaxSamples = 288
	}
	if l.MaxSamples > MaxStoredSamples {
		l.MaxSamples = MaxStoredSamples
	}
	if l.MaxAge <= 0 {
		l.MaxAge = 7 * 24 * time.Hour
	}
	return l
}

// spacing is the least time between two kept samples (but the newest).
func (l Limits) spacing() time.Duration {
	return l.MaxAge / time.Duration(l.MaxSamples)
}

// History is a time-ordered series of samples.
type History struct {
	Samples []Sample
}

type historyJSON struct {
	Version int      `json:"version"`
	Samples []Sample `json:"samples"`
}

// MarshalJSON writes {"version":1,"samples":[[t,v],...]}.
func (h History) MarshalJSON() ([]byte, error) {
	s := h.Samples
	if s == nil {
		s = []Sample{}
	}
	return json.Marshal(historyJSON{Version: FormatVersion, Samples: s})
}

// UnmarshalJSON reads a history and repairs what a crash, a clock change or
// a hand edit can leave: samples out of order, duplicate times, times
// before 1970, too many samples. A newer format version is an error (a
// downgrade must not misread it); the caller starts a new history.
func (h *History) UnmarshalJSON(b []byte) error {
	var raw historyJSON
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	if raw.Version != FormatVersion {
		return fmt.Errorf("history format version %d, want %d", raw.Version, FormatVersion)
	}
	h.Samples = normalize(raw.Samples)
	return nil
}

// Decode parses the JSON form of a history.
func Decode(b []byte) (*History, error) {
	h := &History{}
	if err := json.Unmarshal(b, h); err != nil {
		return nil, err
	}
	return h, nil
}

// normalize sorts by time, keeps the last of samples with equal times,
// drops impossible ones and keeps at most MaxStoredSamples (the newest).
func normalize(in []Sample) []Sample {
	out := make([]Sample, 0, len(in))
	for _, s := range in {
		if s.Time <= 0 || math.IsNaN(s.Value) || math.IsInf(s.Value, 0) {
			continue
		}
		out = append(out, s)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Time < out[j].Time })
	dedup := out[:0]
	for _, s := range out {
		if n := len(dedup); n > 0 && dedup[n-1].Time == s.Time {
			dedup[n-1] = s
			continue
		}
		dedup = append(dedup, s)
	}
	if len(dedup) > MaxStoredSamples {
		dedup = dedup[len(dedup)-MaxStoredSamples:]
	}
	return dedup
}

// Add records value as read at now and applies the limits. Samples dated
// after now (the clock was set back) are dropped: they would bend the
// slope. While the newest sample is closer than MaxAge/MaxSamples to the
// one before it, it is replaced rather than a new one appended, so the
// history stays bounded however often the check runs.
func (h *History) Add(now time.Time, value float64, lim Limits) {
	if math.IsNaN(value) || math.IsInf(value, 0) {
		return
	}
	lim = lim.withDefaults()
	t := now.Unix()
	for len(h.Samples) > 0 && h.Samples[len(h.Samples)-1].Time >= t {
		h.Samples = h.Samples[:len(h.Samples)-1]
	}
	s := Sample{Time: t, Value: value}
	n := len(h.Samples)
	if n >= 2 && time.Duration(h.Samples[n-1].Time-h.Samples[n-2].Time)*time.Second < lim.spacing() {
		h.Samples[n-1] = s
	} else {
		h.Samples = append(h.Samples, s)
	}
	h.Prune(now, lim)
}

// Prune drops samples older than MaxAge and the oldest beyond MaxSamples.
func (h *History) Prune(now time.Time, lim Limits) {
	lim = lim.withDefaults()
	oldest := now.Add(-lim.MaxAge).Unix()
	i := 0
	for i < len(h.Samples) && h.Samples[i].Time < oldest {
		i++
	}
	if n := len(h.Samples) - i; n > lim.MaxSamples {
		i += n - lim.MaxSamples
	}
	if i > 0 {
		h.Samples = append([]Sample(nil), h.Samples[i:]...)
	}
}

// Last is the newest sample; ok is false for an empty history.
func (h *History) Last() (Sample, bool) {
	if len(h.Samples) == 0 {
		return Sample{}, false
	}
	return h.Samples[len(h.Samples)-1], true
}

// Load reads the history kept in dir/name. No file yet is an empty history.
// A corrupt file is an empty history AND an error wrapping
// state.ErrCorrupt: the caller reports it and carries on (the next Save
// replaces the file). Any other error (unreadable) comes back as it is.
func Load(dir, name string) (*History, error) {
	h := &History{}
	_, err := state.Load(dir, name, h)
	if err != nil {
		h.Samples = nil
	}
	return h, err
}

// Save writes the history to dir/name atomically (see state.Save).
func Save(dir, name string, h *History) error {
	return state.Save(dir, name, h)
}

// IsCorrupt reports whether err from Load means the file was unreadable as
// a history (and has been replaced by an empty one).
func IsCorrupt(err error) bool { return errors.Is(err, state.ErrCorrupt) }
