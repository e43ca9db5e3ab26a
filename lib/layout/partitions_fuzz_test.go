package layout

import (
	"strings"
	"testing"
)

// FuzzConfPartitions checks the partitions read from msg.conf: whatever the
// file holds, each has a nickname without dots and a non-empty path, no
// nickname repeats, and primary comes first, then the others by nickname
// (the order every plugin lists them in).
func FuzzConfPartitions(f *testing.F) {
	f.Add("store.partition.primary.path = /var/opt/SUNWmsgsr/store/partition/primary\nstore.partition.b.path=/b\n")
	f.Add("store.partition..path=/x\nstore.partition.a.b.path=/y\nstore.partition.z.path=\nstore.partition.primary.path=\"/q\"\n")
	f.Add("store.partition.primary.path=/1\nstore.partition.primary.path=/2\n")
	f.Fuzz(func(t *testing.T, in string) {
		conf, err := ParseConf(strings.NewReader(in))
		if err != nil {
			return
		}
		ps := (&Configuration{legacy: conf}).configuredPartitions()
		seen := map[string]bool{}
		for i, p := range ps {
			if p.Nick == "" || strings.Contains(p.Nick, ".") || p.Path == "" || seen[p.Nick] {
				t.Fatalf("partition %d %+v of %q", i, p, in)
			}
			seen[p.Nick] = true
			if p.Nick == "primary" && i != 0 {
				t.Fatalf("primary at %d in %+v", i, ps)
			}
			if i > 0 && ps[i-1].Nick != "primary" && ps[i-1].Nick >= p.Nick {
				t.Fatalf("not sorted: %+v", ps)
			}
		}
	})
}
