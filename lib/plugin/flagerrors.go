package plugin

import (
	"regexp"
	"strings"
	"sync"
)

// go-flags writes its errors for programmers: "invalid argument for flag
// `-w, --warning' (expected threshold.Range): ...", where the part in
// parentheses is the Go type of the option's field. userFlagError says the
// same in the words of the person who typed the command.

var (
	marshalError = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile("^invalid argument for flag `([^']*)'(?: \\(expected ([^)]*)\\))?: (.*)$")
	})
	unknownFlag      = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile("^unknown flag `([^']*)'$") })
	expectedArgument = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile("^expected argument for flag `([^']*)'(.*)$")
	})
	// strconvError is what strconv says about a number it cannot parse.
	strconvError = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`^strconv\.\w+: parsing (".*"): (.*)$`)
	})
)

// builtinWords names what an option of a plain Go number type takes.
var builtinWords = map[string]string{
	"int": "a whole number", "int8": "a whole number", "int16": "a whole number",
	"int32": "a whole number", "int64": "a whole number",
	"uint": "a whole number, 0 or more", "uint8": "a whole number, 0 or more",
	"uint16": "a whole number, 0 or more", "uint32": "a whole number, 0 or more",
	"uint64":  "a whole number, 0 or more",
	"float32": "a number", "float64": "a number",
	"time.Duration": "a duration such as 90s, 15m or 2h",
}

// userFlagError rewrites one line of a go-flags error; lines it does not
// know are returned as they are.
func userFlagError(s string) string {
	if m := marshalError().FindStringSubmatch(s); m != nil {
		return optionWords(m[1]) + ": " + valueWords(m[2], m[3])
	}
	if m := unknownFlag().FindStringSubmatch(s); m != nil {
		name := m[1]
		if len([]rune(name)) == 1 {
			return "unknown option -" + name
		}
		return "unknown option --" + name
	}
	if m := expectedArgument().FindStringSubmatch(s); m != nil {
		return optionWords(m[1]) + " needs a value" + strings.Replace(m[2], "but got option", "but got", 1)
	}
	return s
}

// optionWords turns go-flags' "-w, --warning" into "-w/--warning".
func optionWords(flag string) string { return strings.ReplaceAll(flag, ", ", "/") }

// valueWords explains a value that did not parse. The project's own option
// types (ranges, sizes, durations, thresholds) already say what they expect
// in their error, so only Go's number types need words; a type name never
// reaches the user.
func valueWords(goType, why string) string {
	words, builtin := builtinWords[goType]
	if !builtin {
		return why
	}
	if m := strconvError().FindStringSubmatch(why); m != nil {
		if strings.Contains(m[2], "out of range") {
			return m[1] + " is out of range (expected " + words + ")"
		}
		return m[1] + " is not " + words
	}
	return why + " (expected " + words + ")"
}
