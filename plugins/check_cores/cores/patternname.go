package cores

import (
	"path/filepath"
	"regexp"
	"strings"
)

// namePattern reads the program and pid out of a file name that a core
// pattern produced (coreadm's global or init pattern, kernel.core_pattern),
// e.g. core_%n_%f_%u_%g_%t_%p: what the name says of a core that cannot
// be read, or of an empty one.
type namePattern struct {
	re       *regexp.Regexp
	prog     int // submatch of %f or %e; 0 when the pattern has none
	pid      int // submatch of %p or %P; 0 when the pattern has none
	fromText string
}

// compileNamePattern turns the file name part of a core pattern into a
// namePattern, or false when it names neither the program nor the pid.
//
// A node name (%n, %h) never holds '_' (host name rules) but may hold
// dots; a program name may hold '_' (tcp_smtp_server) but seldom dots: so
// the node matches no '_', and the program is the shortest match that lets
// the rest of the name match.
func compileNamePattern(pattern string) (namePattern, bool) {
	base := filepath.Base(pattern)
	var b strings.Builder
	b.WriteString("^")
	groups, prog, pid := 0, 0, 0
	for i := 0; i < len(base); i++ {
		if base[i] != '%' || i+1 >= len(base) {
			// The whole literal run at once: quoting byte by byte would
			// split a multi-byte character.
			j := i + 1
			for j < len(base) && base[j] != '%' {
				j++
			}
			b.WriteString(regexp.QuoteMeta(base[i:j]))
			i = j - 1
			continue
		}
		i++
		switch base[i] {
		case '%':
			b.WriteString("%")
		case 'f', 'e':
			if prog == 0 {
				groups++
				prog = groups
				b.WriteString("(.+?)")
			} else {
				b.WriteString(".+?")
			}
		case 'p', 'P':
			if pid == 0 {
				groups++
				pid = groups
				b.WriteString("([0-9]+)")
			} else {
				b.WriteString("[0-9]+")
			}
		case 'u', 'g', 't', 's', 'i', 'I', 'c':
			b.WriteString("[0-9]+")
		case 'n', 'h':
			b.WriteString("[^_]*")
		default:
			b.WriteString(".*?")
		}
	}
	b.WriteString("$")
	if prog == 0 && pid == 0 {
		return namePattern{}, false
	}
	re, err := regexp.Compile(b.String())
	if err != nil {
		return namePattern{}, false
	}
	return namePattern{re: re, prog: prog, pid: pid, fromText: pattern}, true
}

// parse reads name; ok is false when the pattern did not produce it.
func (p namePattern) parse(name string) (nameInfo, bool) {
	m := p.re.FindStringSubmatch(name)
	if m == nil {
		return nameInfo{}, false
	}
	var ni nameInfo
	if p.prog > 0 {
		ni.program = m[p.prog]
	}
	if p.pid > 0 {
		ni.pid = atoi(m[p.pid])
	}
	return ni, true
}

// nameFromPatterns is what the first pattern that produced name says.
func nameFromPatterns(pats []namePattern, name string) (nameInfo, bool) {
	for _, p := range pats {
		if ni, ok := p.parse(name); ok {
			return ni, true
		}
	}
	return nameInfo{}, false
}
