package cores

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// growPartition adds files message files to the sample's primary
// partition, 100 to a folder, in the two-level hash directories of a
// real store (=user/<h1>/<h2>/=<user>/).
func growPartition(tb testing.TB, s *server, files int) {
	tb.Helper()
	for i := 0; i < files; i++ {
		dir := s.Path(fmt.Sprintf("%s/store/partition/primary/=user/%02x/%02x/=u%d", varRel, (i/100)%256, (i/100/256)%256, i/100))
		if i%100 == 0 {
			if err := os.MkdirAll(dir, 0o755); err != nil {
				tb.Fatal(err)
			}
		}
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("%d.msg", i%100+1)), nil, 0o644); err != nil {
			tb.Fatal(err)
		}
	}
	// A core deep in the store is never seen: the store is never entered.
	s.core(tb, varRel+"/store/partition/primary/=user/00/00/=u0/core", imapd, time.Hour)
}

// TestStoreSizeDoesNotMatter shows that the check reads the same
// directories on a store with 3,000 more messages: the partitions are
// never entered, however big they grow.
func TestStoreSizeDoesNotMatter(t *testing.T) {
	small, big := newServer(t), newServer(t)
	growPartition(t, big, 3000)
	a, b := small.run(t), big.run(t)
	a.Expect(t, "CORES", 0)
	b.Expect(t, "CORES", 0)
	if a.Line1 != b.Line1 {
		t.Errorf("small store: %s\nbig store:   %s", a.Line1, b.Line1)
	}
}

// BenchmarkStoreSize runs the check on a sample whose partition holds 10k
// and 200k message files; ns/op stays the same.
//
//	go test -run '^$' -bench StoreSize ./plugins/check_cores/cores
func BenchmarkStoreSize(b *testing.B) {
	for _, n := range []int{10000, 200000} {
		b.Run(fmt.Sprintf("messages=%d", n), func(b *testing.B) {
			s := newServer(b)
			growPartition(b, s, n)
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if out := s.run(b); out.Code != 0 {
					b.Fatalf("exit %d: %s", out.Code, out.Stdout)
				}
			}
		})
	}
}
