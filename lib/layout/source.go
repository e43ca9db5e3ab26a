package layout

import "strings"

// BaseSource says where ResolveBase takes msg-svr-base from, in the words
// of -vv output: "--base", "$MSG_SVR_BASE" or the defaults.
func BaseSource(option string, getenv func(string) string) string {
	switch {
	case option != "":
		return "--base"
	case getenv != nil && getenv("MSG_SVR_BASE") != "":
		return "$MSG_SVR_BASE"
	default:
		return "the first that exists of " + strings.Join(DefaultBases, ", ")
	}
}
