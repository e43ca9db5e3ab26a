package layout

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"

	"github.com/msgstore-plugins/msgstore/lib/errtext"
	"github.com/msgstore-plugins/msgstore/lib/words"
)

// Partition is one message store partition.
type Partition struct {
	Nick   string // nickname, e.g. "primary"
	Path   string // directory
	Source string // where it was found: "--partition", "msg.conf", "msconfig", "config.xml" or "store root"
}

// partitionKey matches store.partition.<nick>.path; compiled on first use
// (most plugins never list partitions).
// (most plugins never list partitions). The Unified Configuration name is
// partition:<nick>.path.
var partitionKey = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^(?:store\.partition\.([^.:]+)|partition:([^.:]+))\.path$`)
})

// Partitions lists the store partitions: the --partition options if any
// (each NICK=PATH, a PATH, or a NICK known from msg.conf or the store root),
// else the store.partition.<nick>.path settings of msg.conf, else the
// directories in STORE_ROOT/partition.
func (l *Layout) Partitions(options []string, conf Conf) ([]Partition, error) {
	return l.partitions(options, (&Configuration{layout: l, legacy: conf}).configuredPartitions())
}

// Partitions lists the store partitions: the --partition options if any,
// else those the configuration names (store.partition.<nick>.path in
// msg.conf, partition:<nick>.path in Unified Configuration), else the
// directories in STORE_ROOT/partition.
func (c *Configuration) Partitions(options []string) ([]Partition, error) {
	return c.layout.partitions(options, c.configuredPartitions())
}

func (l *Layout) partitions(options []string, fromConf []Partition) ([]Partition, error) {
	if len(options) > 0 {
		return l.optionPartitions(options, fromConf)
	}
	if len(fromConf) > 0 {
		return fromConf, nil
	}
	return l.rootPartitions()
}

func (c *Configuration) configuredPartitions() []Partition {
	var ps []Partition
	seen := map[string]bool{}
	for _, k := range c.names() {
		m := partitionKey().FindStringSubmatch(k)
		if m == nil {
			continue
		}
		nick := m[1] + m[2]
		s, ok := c.Get(k)
		if !ok || s.Value == "" || seen[nick] {
			continue
		}
		seen[nick] = true
		ps = append(ps, Partition{Nick: nick, Path: s.Value, Source: s.Source})
	}
	sortPartitions(ps)
	return ps
}

func (l *Layout) rootPartitions() ([]Partition, error) {
	dir := filepath.Join(l.StoreRoot, "partition")
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("no partitions configured and cannot list %s: %s", dir, errtext.Reason(err))
	}
	var ps []Partition
	for _, e := range entries {
		p := filepath.Join(dir, e.Name())
		if fi, err := os.Stat(p); err == nil && fi.IsDir() {
			ps = append(ps, Partition{Nick: e.Name(), Path: p, Source: "store root"})
		}
	}
	if len(ps) == 0 {
		return nil, fmt.Errorf("no partitions configured and none in %s", dir)
	}
	sortPartitions(ps)
	return ps, nil
}

func (l *Layout) optionPartitions(options []string, fromConf []Partition) ([]Partition, error) {
	var ps []Partition
	for _, opt := range words.SplitList(options) {
		p, err := l.optionPartition(opt, fromConf)
		if err != nil {
			return nil, err
		}
		ps = append(ps, p)
	}
	return ps, nil
}

func (l *Layout) optionPartition(opt string, fromConf []Partition) (Partition, error) {
	if nick, path, ok := strings.Cut(opt, "="); ok {
		if nick == "" || path == "" {
			return Partition{}, fmt.Errorf("invalid --partition %q: expected NICK=PATH, PATH or NICK", opt)
		}
		return Partition{Nick: nick, Path: path, Source: "--partition"}, nil
	}
	if strings.ContainsRune(opt, '/') {
		return Partition{Nick: filepath.Base(filepath.Clean(opt)), Path: opt, Source: "--partition"}, nil
	}
	for _, p := range fromConf {
		if p.Nick == opt {
			return p, nil
		}
	}
	path := filepath.Join(l.StoreRoot, "partition", opt)
	if _, err := os.Stat(path); err == nil {
		return Partition{Nick: opt, Path: path, Source: "store root"}, nil
	}
	return Partition{}, fmt.Errorf("unknown partition %q: not in the configuration nor in %s (give NICK=PATH)", opt, filepath.Join(l.StoreRoot, "partition"))
}

// sortPartitions puts primary first, then the others by nickname.
func sortPartitions(ps []Partition) {
	sort.Slice(ps, func(i, j int) bool {
		if (ps[i].Nick == "primary") != (ps[j].Nick == "primary") {
			return ps[i].Nick == "primary"
		}
		return ps[i].Nick < ps[j].Nick
	})
}
