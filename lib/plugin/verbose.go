package plugin

import "fmt"

// Verbosity levels of -v, as the Monitoring Plugins guidelines describe
// them and as every plugin applies them: each level adds to the one below.
const (
	VerboseDetail = 1 // -v: one more line of detail about what was found
	VerboseConfig = 2 // -vv: the configuration: paths used and where they came from
	VerboseReads  = 3 // -vvv: every path the check read
)

// Detail adds a long-output line shown from -v level on. It never changes
// the state: call it after the summary is made, since some checks build
// line 1 from their long-output lines.
func (r *Result) Detail(env *Env, level int, format string, args ...any) {
	if env == nil || env.Verbose < level {
		return
	}
	r.Lines = append(r.Lines, Line{Status: OK, Text: fmt.Sprintf(format, args...)})
}

// Config adds a -vv line: "config: <what>".
func (r *Result) Config(env *Env, format string, args ...any) {
	r.Detail(env, VerboseConfig, "config: "+format, args...)
}

// Reads adds one -vvv line per path read: "read: <path>".
func (r *Result) Reads(env *Env, paths ...string) {
	for _, p := range paths {
		r.Detail(env, VerboseReads, "read: %s", p)
	}
}
