package msgqueue

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/msgstore-plugins/msgstore/lib/plugin"
	"github.com/msgstore-plugins/msgstore/lib/state"
	"github.com/msgstore-plugins/msgstore/lib/units"
)

// FuzzGrowthState feeds arbitrary queue-history state files to the growth
// check: whatever the file holds, the check neither panics nor reports a
// state other than OK/WARNING/CRITICAL/UNKNOWN, and what it saves is a
// bounded history that the next run reads back without a corrupt error.
func FuzzGrowthState(f *testing.F) {
	f.Add([]byte(`{"channels":{"ims-ms":{"version":1,"samples":[[1795000000,10],[1795000300,200],[1795000600,900]]}}}`), uint16(1000))
	f.Add([]byte(`{"channels":{"ims-ms":null,"tcp_local":{"version":1,"samples":[[1,1e308]]}}}`), uint16(0))
	f.Add([]byte(`{"channels":{"ims-ms":{"version":1,"samples":[[1795001000,5],[1795000000,5],[-1,2]]}}}`), uint16(7))
	f.Add([]byte(`{"channels":{"ims-ms":{"version":2}}}`), uint16(1))
	f.Add([]byte(`{"channels":[]}`), uint16(1))
	f.Add([]byte("\x00"), uint16(1))
	dir := f.TempDir()
	const queue = "/var/opt/SUNWmsgsr/queue"
	name := state.Key("check_msgqueue", "growth", queue)
	now := time.Unix(1795001200, 0)
	f.Fuzz(func(t *testing.T, b []byte, messages uint16) {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o600); err != nil {
			t.Fatal(err)
		}
		o := &options{GrowthChannels: []string{"ims-ms", "tcp_local"}, GrowthWindow: units.Duration(30 * time.Minute), GrowthWarning: 50, GrowthCritical: 500}
		o.StateDir = dir
		chans := []*channel{{Name: "ims-ms", Exists: true, Messages: int(messages)}, {Name: "tcp_local", Exists: true, Messages: int(messages) / 2}}
		res := &plugin.Result{}
		found := checkGrowth(plugin.NewTestEnv(now, nil), res, chans, queue, o)
		for _, fd := range found {
			if fd.Status == plugin.OK || !validStatus(fd.Status) || strings.ContainsAny(fd.Short, "\n|") {
				t.Fatalf("finding %+v", fd)
			}
		}
		if !validStatus(res.Status) {
			t.Fatalf("status %v", res.Status)
		}
		for _, p := range res.Perf {
			if math.IsNaN(p.Value) || math.IsInf(p.Value, 0) {
				t.Fatalf("perf %+v from state %q", p, b)
			}
		}
		var saved growthState
		if _, err := state.Load(dir, name, &saved); err != nil {
			t.Fatalf("saved state does not load back: %v", err)
		}
		if len(saved.Channels) != len(chans) {
			t.Fatalf("saved %d channels, want %d", len(saved.Channels), len(chans))
		}
		for ch, h := range saved.Channels {
			if h == nil || len(h.Samples) == 0 || len(h.Samples) > maxGrowthSamples {
				t.Fatalf("channel %s: saved history %+v", ch, h)
			}
			if last, _ := h.Last(); !last.T().Equal(now) {
				t.Fatalf("channel %s: newest sample %v, want this run's %v", ch, last.T(), now)
			}
		}
	})
}

func validStatus(s plugin.Status) bool {
	return s == plugin.OK || s == plugin.WARNING || s == plugin.CRITICAL || s == plugin.UNKNOWN
}

// FuzzChannelOption checks the CHANNEL=RANGE and CHANNEL=DURATION option
// values: an accepted value names a channel without '/', ' ' or '=', and
// MarshalFlag gives back a value that parses to the same thing (the --help
// default rendering and check_msgstore's argument passing depend on it).
func FuzzChannelOption(f *testing.F) {
	for _, s := range []string{"ims-ms=50", "tcp_local=@10:20", " a =1h", "=5", "a=", "a/b=1", "a=b=c", "x=~:-1", "x=1d2h"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var r channelRange
		if err := r.UnmarshalFlag(s); err == nil {
			if r.channel == "" || strings.ContainsAny(r.channel, "/ =") {
				t.Fatalf("%q: channel %q", s, r.channel)
			}
			m, _ := r.MarshalFlag()
			var back channelRange
			if err := back.UnmarshalFlag(m); err != nil || back.channel != r.channel || back.r.String() != r.r.String() {
				t.Fatalf("%q -> %q -> %+v, %v", s, m, back, err)
			}
			_ = r.r.Alerts(0)
		}
		var d channelDuration
		if err := d.UnmarshalFlag(s); err == nil {
			if d.channel == "" || strings.ContainsAny(d.channel, "/ =") || d.d < 0 {
				t.Fatalf("%q: %+v", s, d)
			}
			m, _ := d.MarshalFlag()
			var back channelDuration
			// FormatAge rounds to what an administrator reads: compare at that precision.
			if err := back.UnmarshalFlag(m); err != nil || back.channel != d.channel || units.FormatAge(back.d.D()) != units.FormatAge(d.d.D()) {
				t.Fatalf("%q -> %q -> %+v, %v", s, m, back, err)
			}
		}
	})
}
