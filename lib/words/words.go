// Package words holds the small pieces of text that every check reads or
// writes the same way: counted nouns in its output ("1 file", "2 files"),
// option values given as repeatable comma lists, plain decimal numbers in
// file names and pid files.
package words

import (
	"strconv"
	"strings"
)

// Count is n followed by noun, in the plural unless n is 1: "1 file",
// "2 files", "3 directories". The plural is the regular one (a final y
// after a consonant becomes "ies", else an "s" is added); CountAs takes
// the plural for the nouns that do not follow that rule.
func Count(n int, noun string) string {
	return CountAs(n, noun, Plural(noun))
}

// CountAs is n followed by one when n is 1, else by many.
func CountAs(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

// Plural is the regular plural of noun, which may be several words of
// which the last one is the noun: "directory" -> "directories", "held
// message" -> "held messages", "day" -> "days".
func Plural(noun string) string {
	if n := len(noun); n >= 2 && strings.HasSuffix(noun, "y") && !strings.ContainsRune("aeiou", rune(noun[n-2])) {
		return noun[:n-1] + "ies"
	}
	return noun + "s"
}

// SplitList expands the values of a repeatable option whose values may
// also be comma lists: ["a,b", " c "] -> [a b c]. Blank items are dropped,
// so a trailing comma is harmless.
func SplitList(values []string) []string {
	var out []string
	for _, v := range values {
		for _, part := range strings.Split(v, ",") {
			if part = strings.TrimSpace(part); part != "" {
				out = append(out, part)
			}
		}
	}
	return out
}

// AllDigits reports whether s is a non-empty run of ASCII digits (^[0-9]+$):
// no sign, space or other Unicode digit, as in a pid or a time stamp.
func AllDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
