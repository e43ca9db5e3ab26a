package plugin

import (
	"errors"
	"strings"
	"testing"
)

func TestLine1FromFindings(t *testing.T) {
	tests := []struct {
		name     string
		summary  string
		findings []Finding
		want     string // line 1 after "TEST STATE - "
	}{
		{"no finding: the lines at the worst state", "", nil, "disk full"},
		{"one finding", "", []Finding{{Status: CRITICAL, Short: "stored down", Long: "stored down since 3h; pid 42"}}, "stored down"},
		{"first at the worst state, others counted", "", []Finding{
			{Status: WARNING, Short: "queue growing"},
			{Status: CRITICAL, Short: "stored down"},
			{Status: CRITICAL, Short: "stamp missing"},
		}, "stored down (+2 more)"},
		{"a finding that sums up several counts them all", "", []Finding{
			{Status: CRITICAL, Short: "stored down"},
			{Status: WARNING, Short: "5 more captures: 5 warning", Count: 5},
		}, "stored down (+5 more)"},
		{"an explicit summary wins", "all said", []Finding{{Status: CRITICAL, Short: "stored down"}}, "all said"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := &Result{Summary: tt.summary}
			r.Add(CRITICAL, "disk full")
			for _, f := range tt.findings {
				r.Report(f)
			}
			line1, _, _ := strings.Cut(Render("TEST", r), "\n")
			if want := "TEST CRITICAL - " + tt.want; line1 != want {
				t.Errorf("line 1 %q, want %q", line1, want)
			}
		})
	}
}

func TestReportAddsTheLongLine(t *testing.T) {
	r := &Result{}
	r.Report(Finding{Status: OK, Short: "stored running"})
	r.Report(Finding{Status: WARNING, Short: "stamp old", Long: "stamp old; last at 10:00"})
	out := Render("TEST", r)
	if !strings.Contains(out, "\n[WARNING] stamp old; last at 10:00\n") || !strings.Contains(out, "\n[OK] stored running") {
		t.Errorf("long output:\n%s", out)
	}
	if r.Status != WARNING || len(r.Findings) != 1 {
		t.Errorf("status %v, findings %+v: an OK finding is not a problem for line 1", r.Status, r.Findings)
	}
}

func TestCommitFailedKeepsLine1FromFindings(t *testing.T) {
	r := &Result{}
	r.Report(Finding{Status: CRITICAL, Short: "stored down", Long: "stored down; pid 42"})
	r.commitFailed(errors.New("disk full"))
	line1, _, _ := strings.Cut(Render("TEST", r), "\n")
	if want := "TEST CRITICAL - stored down - cannot save state: disk full"; line1 != want {
		t.Errorf("line 1 %q, want %q", line1, want)
	}
}
