package plugin

// Validator is an options struct that checks itself once parsed: values
// that each parse but do not fit together (a warning above its critical),
// or that go-flags cannot judge alone (a pattern that does not compile).
// The harness calls Validate right after parsing, before the check runs,
// so that every plugin refuses bad options the same way: one UNKNOWN line
// ending "(see check_x --help)". Checks that need the run's Env (reading
// the configuration, finding the store) stay in the check.
type Validator interface {
	Validate() error
}

// validate runs the options' own checks, if they have any.
func validate(opts Options) error {
	if v, ok := opts.(Validator); ok {
		return v.Validate()
	}
	return nil
}
