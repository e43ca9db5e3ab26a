package folders

import (
	"regexp"
	"testing"
)

// ValidatePatterns must reject exactly what NewParser rejects: cached mode
// relies on it instead of building the parser.
func TestValidatePatternsAgreesWithNewParser(t *testing.T) {
	tests := []struct {
		name       string
		custom     []string
		noDefaults bool
		notRunning string
	}{
		{"defaults", nil, false, DefaultNotRunning},
		{"no not-running pattern", nil, false, ""},
		{"custom", []string{`broken (\S+)`}, false, DefaultNotRunning},
		{"bad custom", []string{`broken (`}, false, DefaultNotRunning},
		{"custom matching every line", []string{`x*`}, false, DefaultNotRunning},
		{"no defaults and no custom", nil, true, DefaultNotRunning},
		{"no defaults with custom", []string{`bad`}, true, ""},
		{"bad not-running", nil, false, `stored (`},
		{"not-running matching every line", nil, false, `.*`},
		{"custom not-running", nil, false, `stored is down`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, perr := NewParser(tt.custom, tt.noDefaults, tt.notRunning)
			verr := ValidatePatterns(tt.custom, tt.noDefaults, tt.notRunning)
			if (perr == nil) != (verr == nil) || perr != nil && perr.Error() != verr.Error() {
				t.Fatalf("NewParser: %v, ValidatePatterns: %v", perr, verr)
			}
		})
	}
}

// ValidatePatterns skips compiling DefaultNotRunning: this test is what
// keeps the constant valid.
func TestDefaultNotRunningCompiles(t *testing.T) {
	re := regexp.MustCompile(DefaultNotRunning)
	if re.MatchString("") {
		t.Fatal("DefaultNotRunning matches every line")
	}
	if !re.MatchString("stored is not running") {
		t.Fatal("DefaultNotRunning misses 'stored is not running'")
	}
}

// BenchmarkValidatePatterns is what --mode=cached pays for the pattern
// options (it was the cost of compiling every documented pattern).
func BenchmarkValidatePatterns(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if err := ValidatePatterns(nil, false, DefaultNotRunning); err != nil {
			b.Fatal(err)
		}
	}
}
