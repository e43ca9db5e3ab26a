package folders

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"
)

// The text of `reconstruct -r -n` is not documented:
// only the error strings below are, from the Administration Guide's
// "Repairing Mailboxes" (AG63 bgazo). The parser therefore looks at every
// line on its own, recognises the documented strings wherever they occur,
// and lets the user add patterns; anything it does not recognise is
// ignored, except that the last line is kept to explain a failure.

// Limits that keep memory and the state file bounded on a store with
// thousands of damaged folders.
const (
	MaxFolders      = 1000 // folders kept by name; beyond it they are only counted
	MaxLineLen      = 512  // a finding's line is cut to this
	maxDatabaseHint = 5    // "Run reconstruct -m" lines kept
	maxFolderLen    = 256  // a folder name longer than this is cut
)

// matchLen is how much of a line the patterns look at: the documented
// messages are short, and Go's regexp engine costs O(line x pattern), so an
// 8 KiB line of junk must not cost milliseconds per pattern.
const matchLen = 1024

// notRunningLen is how much of a line --not-running-pattern looks at: such
// a message is one short sentence.
const notRunningLen = 256

// pattern is one way a line can report a damaged folder.
type pattern struct {
	kind    string // what is wrong, for the long output
	re      *regexp.Regexp
	builtin bool // a documented string: run only if the line has a keyword
}

// keywords are what a line must contain (lower-cased) for the documented
// patterns to be worth running.
var keywords = []string{"needs reconstruct", "mailbox corrupted", "invalid cache data"}

// defaultPatterns recognise the documented strings. Order matters: the
// first that matches names the kind; the specific ones come first. They,
// databaseHint, mailboxName and the default --not-running-pattern are
// compiled on first use: --mode=cached never parses output, and compiling
// them at package load was 16% of a cached run.
var defaultPatterns = sync.OnceValue(func() []pattern {
	return []pattern{
		{"invalid cache data", regexp.MustCompile(`(?i)invalid cache data for msg\s+(?P<msg>\d+)\s+in mailbox\s+(?P<folder>.+?)\.?\s+needs reconstruct`), true},
		{"missing fixed headers", regexp.MustCompile(`(?i)mailbox corrupted,?\s*missing fixed headers\b:?\s*(?P<folder>.*)`), true},
		{"start_offset beyond EOF", regexp.MustCompile(`(?i)mailbox corrupted,?\s*start_offset beyond EOF\b:?\s*(?P<folder>.*)`), true},
		{"mailbox corrupted", regexp.MustCompile(`(?i)mailbox corrupted\b(?:[^:]*:\s*(?P<folder>.*))?`), true},
		{"invalid cache data", regexp.MustCompile(`(?i)invalid cache data`), true},
		{"needs reconstruct", regexp.MustCompile(`(?i)needs reconstruct`), true},
	}
})

// databaseHint is the documented advice to resync the mailbox database
// (folder.db, quota.db, lright.db): not a damaged folder, but a WARNING.
var databaseHint = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`(?i)run reconstruct -m\b`) })

// DefaultNotRunning is the default --not-running-pattern: the ways a tool
// plausibly says that stored, which reconstruct needs, is down. [U]
const DefaultNotRunning = `(?i)\bstored\b.*\b(is not running|not running|not started|is down|not available|unavailable)\b` +
	`|\b(cannot|can't|could not|couldn't|unable to|failed to)\s+(connect|contact|attach)\b.*\b(stored|store daemon|message store)\b` +
	`|\bstore daemon\b.*\bnot running\b`

// mailboxName finds a mailbox name in a line that matched a pattern without
// naming the folder: "user/<uid>/<folder...>" or "shared/...".
var mailboxName = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`(?:^|[\s:'"(\[])((?:user|shared)/[^\s'"(),;\[\]]+)`)
})

// defaultNotRunning is DefaultNotRunning compiled once, on first use.
var defaultNotRunning = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(DefaultNotRunning) })

// Folder is a damaged folder and what reconstruct said about it.
type Folder struct {
	Name  string   `json:"name,omitempty"` // empty when the line named no folder
	Kinds []string `json:"kinds"`          // what is wrong, e.g. "invalid cache data (msg 102)"
	Line  string   `json:"line"`           // the first line that reported it
	Lines int      `json:"lines"`          // lines that reported it
}

// Report is what the parser made of reconstruct's output.
type Report struct {
	Lines        int      `json:"lines"`                 // output lines read
	FindingLines int      `json:"finding_lines"`         // lines reporting a damaged folder
	Damaged      int      `json:"damaged"`               // distinct damaged folders (a finding without a name counts once)
	Folders      []Folder `json:"folders,omitempty"`     // in order of first report, at most MaxFolders
	Omitted      int      `json:"omitted,omitempty"`     // damaged folders counted but not kept by name
	Database     []string `json:"database,omitempty"`    // lines asking for reconstruct -m
	NotRunning   string   `json:"not_running,omitempty"` // the first line saying stored is down
}

// Parser reads reconstruct's output line by line.
type Parser struct {
	patterns   []pattern
	notRunning *regexp.Regexp
	report     Report
	index      map[string]int // folder name -> index in report.Folders
}

// NewParser builds a parser. custom patterns (Go regular expressions) come
// after the documented ones, or replace them with noDefaults; a named group
// "folder" or else the first group names the folder. notRunning recognises
// "stored is not running" ("" disables it).
func NewParser(custom []string, noDefaults bool, notRunning string) (*Parser, error) {
	customs, nr, err := compileOptions(custom, noDefaults, notRunning, true)
	if err != nil {
		return nil, err
	}
	p := &Parser{index: map[string]int{}, notRunning: nr}
	if !noDefaults {
		p.patterns = append(p.patterns, defaultPatterns()...)
	}
	p.patterns = append(p.patterns, customs...)
	return p, nil
}

// ValidatePatterns rejects the pattern options that NewParser would reject,
// without compiling the documented patterns: for --mode=cached, which reads
// a saved result and never parses output.
func ValidatePatterns(custom []string, noDefaults bool, notRunning string) error {
	_, _, err := compileOptions(custom, noDefaults, notRunning, false)
	return err
}

// compileOptions compiles --pattern and --not-running-pattern. The default
// not-running pattern (a constant that a test compiles) is only compiled
// when wantDefault: a validation has nothing to learn from it.
func compileOptions(custom []string, noDefaults bool, notRunning string, wantDefault bool) ([]pattern, *regexp.Regexp, error) {
	var patterns []pattern
	for _, c := range custom {
		re, err := regexp.Compile(c)
		if err != nil {
			return nil, nil, fmt.Errorf("--pattern %q: %v", c, err)
		}
		if re.MatchString("") {
			return nil, nil, fmt.Errorf("--pattern %q matches every line", c)
		}
		patterns = append(patterns, pattern{kind: "matches --pattern " + c, re: re})
	}
	if noDefaults && len(patterns) == 0 {
		return nil, nil, fmt.Errorf("--no-default-patterns needs at least one --pattern")
	}
	switch {
	case notRunning == "":
		return patterns, nil, nil
	case notRunning == DefaultNotRunning && !wantDefault:
		return patterns, nil, nil
	case notRunning == DefaultNotRunning:
		return patterns, defaultNotRunning(), nil
	}
	re, err := regexp.Compile(notRunning)
	if err != nil {
		return nil, nil, fmt.Errorf("--not-running-pattern %q: %v", notRunning, err)
	}
	if re.MatchString("") {
		return nil, nil, fmt.Errorf("--not-running-pattern %q matches every line", notRunning)
	}
	return patterns, re, nil
}

// Line feeds one output line (without its newline).
func (p *Parser) Line(line string) {
	p.report.Lines++
	full := line
	if len(line) > matchLen {
		line = line[:matchLen]
	}
	lower := strings.ToLower(line)
	documented := false
	for _, k := range keywords {
		if strings.Contains(lower, k) {
			documented = true
			break
		}
	}
	for _, pt := range p.patterns {
		if pt.builtin && !documented {
			continue
		}
		m := pt.re.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		p.add(full, pt, m)
		return
	}
	if strings.Contains(lower, "reconstruct -m") && databaseHint().MatchString(line) {
		if len(p.report.Database) < maxDatabaseHint {
			p.report.Database = append(p.report.Database, cut(strings.TrimSpace(line), MaxLineLen))
		}
		return
	}
	if len(line) > notRunningLen {
		line = line[:notRunningLen]
	}
	if p.notRunning != nil && p.report.NotRunning == "" && p.notRunning.MatchString(line) {
		p.report.NotRunning = cut(strings.TrimSpace(line), MaxLineLen)
	}
}

// Report returns what was found so far.
func (p *Parser) Report() Report { return p.report }

func (p *Parser) add(line string, pt pattern, m []string) {
	r := &p.report
	r.FindingLines++
	name, kind := folderAndKind(line, pt, m)
	if name != "" {
		if i, ok := p.index[name]; ok {
			f := &r.Folders[i]
			f.Lines++
			if !slices.Contains(f.Kinds, kind) && len(f.Kinds) < 10 {
				f.Kinds = append(f.Kinds, kind)
			}
			return
		}
	}
	r.Damaged++
	if len(r.Folders) >= MaxFolders {
		// Beyond the cap a repeated name may be counted twice: Omitted
		// says the count is then an upper bound.
		r.Omitted++
		return
	}
	if name != "" {
		p.index[name] = len(r.Folders)
	}
	r.Folders = append(r.Folders, Folder{Name: name, Kinds: []string{kind}, Line: cut(strings.TrimSpace(line), MaxLineLen), Lines: 1})
}

// folderAndKind picks the folder from the pattern's "folder" group, else
// its first group, else a mailbox name anywhere in the line.
func folderAndKind(line string, pt pattern, m []string) (string, string) {
	kind := pt.kind
	name := ""
	re := pt.re
	if i := re.SubexpIndex("folder"); i > 0 {
		name = m[i]
	} else if re.NumSubexp() > 0 {
		name = m[1]
	}
	if i := re.SubexpIndex("msg"); i > 0 && m[i] != "" {
		kind = fmt.Sprintf("%s (msg %s)", kind, m[i])
	}
	name = cleanName(name)
	if name == "" {
		if mm := mailboxName().FindStringSubmatch(line); mm != nil {
			name = cleanName(mm[1])
		}
	}
	return name, kind
}

// cleanName trims what surrounds a mailbox name in a sentence: spaces,
// quotes and a final full stop.
func cleanName(s string) string {
	s = strings.TrimSpace(s)
	s = strings.Trim(s, `"'`)
	s = strings.TrimRight(s, ". ")
	return cut(strings.TrimSpace(s), maxFolderLen)
}

// cut shortens s to at most n bytes without splitting a UTF-8 sequence.
func cut(s string, n int) string {
	if len(s) <= n {
		return s
	}
	i := n
	for i > 0 && s[i]&0xC0 == 0x80 {
		i--
	}
	return s[:i] + "..."
}
