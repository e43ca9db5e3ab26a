package plugin

import (
	"fmt"
	"reflect"

	flags "github.com/jessevdk/go-flags"
)

// An option renamed to follow the naming scheme keeps its old spelling so
// that command definitions already in the field keep working. The old
// spelling is a second field of the same type, hidden from --help and the
// man pages, whose tag names the option it stands for:
//
//	AgeWarning units.Duration `long:"age-warning" default:"24h" ...`
//	MaxAge     units.Duration `long:"max-age" hidden:"true" alias-of:"age-warning"`
//
// After parsing, a value given under the old spelling is copied into the
// new option's field; giving both spellings is refused, since one would
// silently win. The old spelling takes no default of its own.
const aliasTag = "alias-of"

// applyAliases copies the values given under old option names into the
// options they were renamed to.
func applyAliases(p *flags.Parser, opts Options) error {
	for _, g := range p.Groups() {
		for _, old := range g.Options() {
			target := old.Field().Tag.Get(aliasTag)
			if target == "" || !givenByUser(old) {
				continue
			}
			renamed := p.FindOptionByLongName(target)
			if renamed == nil {
				panic(fmt.Sprintf("option --%s is an alias of --%s, which does not exist", old.LongName, target))
			}
			if givenByUser(renamed) {
				return fmt.Errorf("--%s is the old name of --%s: give only one of them", old.LongName, target)
			}
			copyField(opts, old.Field().Name, renamed.Field().Name)
		}
	}
	return nil
}

// givenByUser reports whether the option was on the command line, as
// opposed to holding its default.
func givenByUser(o *flags.Option) bool { return o.IsSet() && !o.IsSetDefault() }

// copyField sets the options struct's field named to to the value of the
// field named from (fields of embedded structs included).
func copyField(opts Options, from, to string) {
	v := reflect.ValueOf(opts).Elem()
	src, dst := v.FieldByName(from), v.FieldByName(to)
	if !src.IsValid() || !dst.IsValid() || src.Type() != dst.Type() {
		panic(fmt.Sprintf("option field %s cannot stand for %s: both must be fields of the same type", from, to))
	}
	dst.Set(src)
}
