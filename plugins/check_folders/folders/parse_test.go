package folders

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func parse(t *testing.T, custom []string, noDefaults bool, lines ...string) Report {
	t.Helper()
	p, err := NewParser(custom, noDefaults, DefaultNotRunning)
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range lines {
		p.Line(l)
	}
	return p.Report()
}

func TestParserRecognisesTheDocumentedStrings(t *testing.T) {
	tests := []struct {
		line   string
		folder string
		kind   string
	}{
		{"Invalid cache data for msg 102 in mailbox user/joe/INBOX. Needs reconstruct", "user/joe/INBOX", "invalid cache data (msg 102)"},
		{"Invalid cache data for msg 7 in mailbox user/joe/Sent Messages. Needs reconstruct", "user/joe/Sent Messages", "invalid cache data (msg 7)"},
		{"Mailbox corrupted, missing fixed headers: user/joe/INBOX", "user/joe/INBOX", "missing fixed headers"},
		{"Mailbox corrupted, start_offset beyond EOF: user/joe/INBOX", "user/joe/INBOX", "start_offset beyond EOF"},
		{"[28/Nov/2026:10:00:00 +0100] mailhost stored[2825]: Store Critical: Mailbox corrupted, start_offset beyond EOF: user/ann/Drafts", "user/ann/Drafts", "start_offset beyond EOF"},
		{"Mailbox corrupted: user/joe/Trash", "user/joe/Trash", "mailbox corrupted"},
		{"mailbox corrupted", "", "mailbox corrupted"},
		{"Invalid cache data in user/bob@example.com/INBOX", "user/bob@example.com/INBOX", "invalid cache data"},
		{"Mailbox user/joe/Drafts needs reconstruct", "user/joe/Drafts", "needs reconstruct"},
		{"'user/joe/x y': Needs reconstruct", "user/joe/x", "needs reconstruct"},
		{"NEEDS RECONSTRUCT", "", "needs reconstruct"},
	}
	for _, tt := range tests {
		r := parse(t, nil, false, "Checking mailbox user/joe/INBOX", tt.line)
		if r.Damaged != 1 || r.FindingLines != 1 || len(r.Folders) != 1 || r.Lines != 2 {
			t.Errorf("%q: %+v", tt.line, r)
			continue
		}
		f := r.Folders[0]
		if f.Name != tt.folder || f.Kinds[0] != tt.kind || f.Line != tt.line {
			t.Errorf("%q: got folder %q kind %q, want %q %q", tt.line, f.Name, f.Kinds[0], tt.folder, tt.kind)
		}
	}
}

func TestParserIgnoresOrdinaryLines(t *testing.T) {
	r := parse(t, nil, false,
		"Checking mailbox user/joe/INBOX",
		"",
		"reconstruct: 1234 mailboxes checked",
		"Removing extra database logs. Run reconstruct -m soon after startup to resync redundant data",
	)
	if r.Damaged != 0 || r.FindingLines != 0 || r.NotRunning != "" || len(r.Database) != 1 || r.Lines != 4 {
		t.Fatalf("%+v", r)
	}
}

func TestParserCountsEachFolderOnce(t *testing.T) {
	r := parse(t, nil, false,
		"Invalid cache data for msg 1 in mailbox user/joe/INBOX. Needs reconstruct",
		"Invalid cache data for msg 2 in mailbox user/joe/INBOX. Needs reconstruct",
		"Mailbox corrupted, start_offset beyond EOF: user/joe/INBOX",
		"Needs reconstruct",
		"Needs reconstruct",
	)
	if r.Damaged != 3 || r.FindingLines != 5 || len(r.Folders) != 3 {
		t.Fatalf("%+v", r)
	}
	f := r.Folders[0]
	if f.Lines != 3 || strings.Join(f.Kinds, ",") != "invalid cache data (msg 1),invalid cache data (msg 2),start_offset beyond EOF" {
		t.Fatalf("%+v", f)
	}
}

func TestParserCustomPatterns(t *testing.T) {
	lines := []string{
		"ERROR folder=user/x/INBOX bad index",
		"index damaged in (user/y/Sent)",
		"Needs reconstruct: user/z/INBOX",
	}
	r := parse(t, []string{`folder=(?P<folder>\S+) bad index`, `index damaged`}, false, lines...)
	if r.Damaged != 3 || r.Folders[0].Name != "user/x/INBOX" || r.Folders[1].Name != "user/y/Sent" || r.Folders[2].Name != "user/z/INBOX" {
		t.Fatalf("%+v", r)
	}
	r = parse(t, []string{`(\S+) bad index`}, true, lines...)
	if r.Damaged != 1 || r.Folders[0].Name != "folder=user/x/INBOX" || !strings.HasPrefix(r.Folders[0].Kinds[0], "matches --pattern") {
		t.Fatalf("no defaults: %+v", r)
	}
}

func TestParserRejectsBadPatterns(t *testing.T) {
	tests := []struct {
		custom     []string
		noDefaults bool
		notRunning string
		want       string
	}{
		{[]string{"("}, false, "", `--pattern "(": error parsing regexp`},
		{[]string{"x*"}, false, "", "matches every line"},
		{nil, true, "", "needs at least one --pattern"},
		{nil, false, "[", "--not-running-pattern"},
		{nil, false, ".*", "matches every line"},
	}
	for _, tt := range tests {
		_, err := NewParser(tt.custom, tt.noDefaults, tt.notRunning)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%v %v %q: %v, want %q", tt.custom, tt.noDefaults, tt.notRunning, err, tt.want)
		}
	}
}

func TestParserNotRunning(t *testing.T) {
	for _, l := range []string{
		"reconstruct: stored is not running",
		"Error: the stored daemon is not running. Start it with start-msg store.",
		"cannot connect to stored: Connection refused",
		"Unable to contact the message store daemon",
		"store daemon not running",
	} {
		if r := parse(t, nil, false, l); r.NotRunning != l || r.Damaged != 0 {
			t.Errorf("%q: %+v", l, r)
		}
	}
	for _, l := range []string{"stored is running", "Checking mailbox user/stored/INBOX"} {
		if r := parse(t, nil, false, l); r.NotRunning != "" {
			t.Errorf("%q taken for stored down", l)
		}
	}
}

func TestParserBoundsWhatItKeeps(t *testing.T) {
	p, _ := NewParser(nil, false, DefaultNotRunning)
	long := strings.Repeat("é", 2000)
	for i := 0; i < MaxFolders+50; i++ {
		p.Line("Mailbox corrupted: user/u" + strings.Repeat("x", i%7) + "/" + string(rune('a'+i%26)) + "/" + itoa(i) + " " + long)
	}
	r := p.Report()
	if len(r.Folders) != MaxFolders || r.Omitted != 50 || r.Damaged != MaxFolders+50 {
		t.Fatalf("folders %d omitted %d damaged %d", len(r.Folders), r.Omitted, r.Damaged)
	}
	for _, f := range r.Folders {
		if len(f.Line) > MaxLineLen+3 || len(f.Name) > maxFolderLen+3 || !utf8.ValidString(f.Line) {
			t.Fatalf("unbounded or broken: %d %d", len(f.Line), len(f.Name))
		}
	}
}

func itoa(i int) string {
	const digits = "0123456789"
	if i < 10 {
		return digits[i : i+1]
	}
	return itoa(i/10) + digits[i%10:i%10+1]
}

// FuzzParser feeds arbitrary reconstruct output (outside data) through the
// documented patterns and a custom one: the parser must not panic, must
// keep its bounds and its counts consistent. (--pattern itself is the
// administrator's configuration, validated by NewParser's tests.)
func FuzzParser(f *testing.F) {
	for _, s := range []string{
		"Invalid cache data for msg 102 in mailbox user/joe/INBOX. Needs reconstruct",
		"Mailbox corrupted, missing fixed headers: user/joe/INBOX\nMailbox corrupted, start_offset beyond EOF: user/joe/INBOX",
		"stored is not running\nRun reconstruct -m soon after startup",
		"Needs reconstruct\nNeeds reconstruct\nmailbox corrupted: \"user/a b/\xff\"",
		"ERROR folder=user/x/INBOX bad index\r\n",
		"",
	} {
		f.Add(s)
	}
	p0, err := NewParser([]string{`folder=(?P<folder>\S*) bad index`, `(?i)broken (\S+)?`}, false, DefaultNotRunning)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, out string) {
		p := *p0
		p.index = map[string]int{}
		lines := strings.Split(out, "\n")
		for _, l := range lines {
			p.Line(l)
		}
		r := p.Report()
		if r.Lines != len(lines) || r.FindingLines > r.Lines || r.Damaged > r.FindingLines ||
			len(r.Folders) > MaxFolders || len(r.Folders)+r.Omitted != r.Damaged || len(r.Database) > maxDatabaseHint {
			t.Fatalf("inconsistent report %+v", r)
		}
		for _, fd := range r.Folders {
			if len(fd.Line) > MaxLineLen+3 || len(fd.Name) > maxFolderLen+3 || len(fd.Kinds) == 0 || fd.Lines < 1 {
				t.Fatalf("bad folder %+v", fd)
			}
			if fd.Name != "" && strings.TrimSpace(fd.Name) != fd.Name {
				t.Fatalf("untrimmed name %q", fd.Name)
			}
		}
	})
}
