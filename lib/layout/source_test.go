package layout

import (
	"strings"
	"testing"
)

func TestBaseSource(t *testing.T) {
	env := func(v string) func(string) string { return func(string) string { return v } }
	for _, tc := range []struct {
		option, env, want string
	}{
		{"/opt/x", "/opt/y", "--base"},
		{"", "/opt/y", "$MSG_SVR_BASE"},
		{"", "", "the first that exists of /opt/sun/comms/messaging64, "},
	} {
		if got := BaseSource(tc.option, env(tc.env)); !strings.HasPrefix(got, tc.want) {
			t.Errorf("BaseSource(%q, %q) = %q, want %q...", tc.option, tc.env, got, tc.want)
		}
	}
}
