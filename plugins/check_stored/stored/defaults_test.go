package stored

import (
	"testing"

	"github.com/msgstore-plugins/msgstore/lib/plugin"
)

// TestDefaultsMatchStamps: the go-flags default tags are strings; they must
// say what lib/stamps documents as the defaults.
func TestDefaultsMatchStamps(t *testing.T) {
	spec := Spec()
	if _, err := plugin.NewParser(spec).ParseArgs(nil); err != nil {
		t.Fatal(err)
	}
	o := spec.Options.(*options)
	for _, l := range o.limits() {
		if l.age.Warning != l.stamp.Warn || l.age.Critical != l.stamp.Crit {
			t.Errorf("%s: option defaults %v/%v, lib/stamps says %v/%v", l.stamp.File, l.age.Warning, l.age.Critical, l.stamp.Warn, l.stamp.Crit)
		}
	}
}
