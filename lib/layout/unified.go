package layout

import (
	"bufio"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/msgstore-plugins/msgstore/lib/command"
	"github.com/msgstore-plugins/msgstore/lib/errtext"
)

// Reading Unified Configuration. Oracle documents msconfig as the way to
// read it and publishes neither the layout of config.xml nor the exact
// output of `msconfig show`. What is assumed here, and said in --help and
// the README:
//   - `msconfig show` prints one option a line as `name = value`, the name
//     possibly prefixed with "role.", the value possibly in double quotes;
//     other lines (prompts, headings, blank lines) are skipped;
//   - config.xml carries option names and values in elements and
//     attributes, read tolerantly (see ParseConfigXML) when msconfig cannot
//     be run or prints nothing usable.

// Bounds on what is read: a real configuration is a few thousand options.
const (
	maxUCSettings   = 200000
	maxConfigXML    = 32 << 20
	defaultUCTimout = 5 * time.Second
)

// loadUC reads the Unified Configuration once: msconfig first, config.xml
// when msconfig gave nothing.
func (c *Configuration) loadUC() {
	if c.Mode != ModeUnified {
		return
	}
	c.ucOnce.Do(func() {
		var whyNot []string
		if m := c.msconfigPath(); m != "" {
			c.stage("running " + m + " show")
			settings, err := c.runMsconfig(m)
			if err == nil {
				c.uc, c.ucFrom = settings, "msconfig"
				c.ucNotes = append(c.ucNotes, fmt.Sprintf("configuration: Unified Configuration, %d settings from %s show", len(settings), m))
				return
			}
			whyNot = append(whyNot, fmt.Sprintf("%s: %v", m, err))
		} else {
			whyNot = append(whyNot, "msconfig not run (--msconfig none)")
		}
		c.stage("reading " + c.layout.ConfigXMLPath())
		settings, err := readConfigXML(c.layout.ConfigXMLPath())
		if err == nil {
			c.uc, c.ucFrom = settings, "config.xml"
			c.ucNotes = append(c.ucNotes, fmt.Sprintf("configuration: Unified Configuration, %d settings read from %s (%s)", len(settings), c.layout.ConfigXMLPath(), strings.Join(whyNot, "; ")))
			return
		}
		whyNot = append(whyNot, fmt.Sprintf("%s: %v", c.layout.ConfigXMLPath(), err))
		c.ucWhy = strings.Join(whyNot, "; ")
		c.ucNotes = append(c.ucNotes, "configuration: Unified Configuration not readable: "+c.ucWhy+": defaults used")
	})
}

func (c *Configuration) stage(s string) {
	if c.opts.Stage != nil {
		c.opts.Stage(s)
	}
}

// runMsconfig runs `msconfig show` by absolute path, without a shell, in a
// minimal environment, bounded in time and output.
func (c *Configuration) runMsconfig(path string) (map[string]Setting, error) {
	if err := command.CheckExecutable(path); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, errors.New("does not exist")
		}
		return nil, err
	}
	timeout := c.opts.Timeout
	if timeout <= 0 {
		timeout = defaultUCTimout
	}
	parent := c.ctx
	if parent == nil {
		parent = context.Background()
	}
	ctx, cancel := context.WithTimeout(parent, timeout)
	defer cancel()
	settings := map[string]Setting{}
	overflow := false
	res, err := command.Run(ctx, command.Cmd{
		Path:      path,
		Args:      []string{"show"},
		TailBytes: 4096,
		OnLine: func(line string) {
			if len(settings) >= maxUCSettings {
				overflow = true
				return
			}
			if name, value, ok := ParseMsconfigLine(line); ok {
				settings[name] = Setting{Name: name, Value: value, Source: "msconfig"}
			}
		},
	})
	switch {
	case err != nil:
		return nil, err
	case res.Killed:
		return nil, fmt.Errorf("did not finish within %s", timeout)
	case !res.Success():
		return nil, fmt.Errorf("%s%s", res.String(), lastLine(res.LastLine))
	case overflow:
		return nil, fmt.Errorf("printed more than %d settings: not a configuration", maxUCSettings)
	case len(settings) == 0:
		return nil, errors.New("printed no `name = value` lines")
	}
	return settings, nil
}

func lastLine(s string) string {
	if s == "" {
		return ""
	}
	if len(s) > 200 {
		s = s[:200] + "..."
	}
	return ": " + s
}

// ParseMsconfigLine reads one line of `msconfig show`: `name = value`,
// with or without a leading "role." on the name and quotes around the
// value. Names are lower-cased; Unified Configuration names may hold ':'
// (partition:primary.path), so only '=' separates.
func ParseMsconfigLine(line string) (name, value string, ok bool) {
	line = strings.TrimSpace(strings.TrimPrefix(line, "\ufeff"))
	if line == "" || line[0] == '#' || line[0] == '!' || strings.HasPrefix(line, "msconfig>") {
		return "", "", false
	}
	k, v, found := strings.Cut(line, "=")
	if !found {
		return "", "", false
	}
	name = normalName(k)
	if name == "" {
		return "", "", false
	}
	return name, unquote(strings.TrimSpace(v)), true
}

// normalName lower-cases an option name and drops a leading "role.";
// names with blanks, quotes or control characters are no option names.
func normalName(k string) string {
	k = strings.ToLower(strings.TrimSpace(k))
	k = strings.TrimPrefix(k, "role.")
	if k == "" || !utf8.ValidString(k) || strings.ContainsAny(k, " \t\"'<>") || strings.IndexFunc(k, isControl) >= 0 {
		return ""
	}
	return k
}

func isControl(r rune) bool { return r < 0x20 || r == 0x7f }

func unquote(v string) string {
	if len(v) >= 2 && (v[0] == '"' && v[len(v)-1] == '"' || v[0] == '\'' && v[len(v)-1] == '\'') {
		v = v[1 : len(v)-1]
		v = strings.ReplaceAll(v, `\"`, `"`)
	}
	return v
}

func readConfigXML(p string) (map[string]Setting, error) {
	f, err := os.Open(p)
	if err != nil {
		return nil, errors.New(errtext.Reason(err))
	}
	defer f.Close()
	if fi, err := f.Stat(); err == nil && fi.IsDir() {
		return nil, errors.New("is a directory")
	}
	m, err := ParseConfigXML(io.LimitReader(f, maxConfigXML))
	if err != nil {
		return nil, err
	}
	settings := make(map[string]Setting, len(m))
	for k, v := range m {
		settings[k] = Setting{Name: k, Value: v, Source: "config.xml"}
	}
	return settings, nil
}

// optionTags are elements that hold one option named by their name
// attribute, the value in a value attribute or in their text.
var optionTags = map[string]bool{"option": true, "param": true, "parameter": true, "property": true, "setting": true, "entry": true}

// frame is one open element while reading config.xml.
type frame struct {
	comp     string // what the element adds to the option name
	option   string // full option name when the element's text is its value
	children bool
	text     strings.Builder
}

// ParseConfigXML reads option names and values out of config.xml without
// knowing its schema, which is not public. Each of these gives an option:
//   - <option name="imap.logfile.logdir" value="/x"/> (also param,
//     parameter, property, setting, entry), or the value as the text;
//   - nesting: <imap><logfile><logdir>/x</logdir></logfile></imap> is
//     imap.logfile.logdir;
//   - a named group: <partition name="primary"><path>/x</path></partition>
//     or <partition name="primary" path="/x"/> is partition:primary.path;
//   - any other attribute of an element is an option below it.
//
// The root element and <role> elements add nothing to names. A file with
// no option at all is an error: it is not what was expected.
func ParseConfigXML(r io.Reader) (map[string]string, error) {
	d := xml.NewDecoder(r)
	d.Strict = false
	d.CharsetReader = func(_ string, in io.Reader) (io.Reader, error) { return in, nil }
	out := map[string]string{}
	var stack []*frame
	prefix := func() string {
		var parts []string
		for _, f := range stack {
			if f.comp != "" {
				parts = append(parts, f.comp)
			}
		}
		return strings.Join(parts, ".")
	}
	set := func(name, value string) {
		name = normalName(name)
		if name != "" && len(out) < maxUCSettings {
			out[name] = strings.TrimSpace(value)
		}
	}
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			if len(out) > 0 {
				break // keep what a damaged tail left readable
			}
			return nil, fmt.Errorf("not readable as XML: %v", err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if len(stack) > 0 {
				stack[len(stack)-1].children = true
			}
			f := startFrame(t, len(stack) == 0, prefix(), set)
			stack = append(stack, f)
			if len(stack) > 1000 {
				return nil, errors.New("nested more than 1000 elements deep")
			}
		case xml.CharData:
			if len(stack) > 0 && stack[len(stack)-1].text.Len() < 64<<10 {
				stack[len(stack)-1].text.Write(t)
			}
		case xml.EndElement:
			if len(stack) == 0 {
				continue
			}
			f := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			text := strings.TrimSpace(f.text.String())
			switch {
			case f.option != "" && text != "":
				set(f.option, text)
			case f.option == "" && !f.children && text != "" && f.comp != "":
				set(joinName(prefix(), f.comp), text)
			}
		}
	}
	if len(out) == 0 {
		return nil, errors.New("no option names and values found (its layout is not documented)")
	}
	return out, nil
}

// startFrame interprets an opening element.
func startFrame(t xml.StartElement, root bool, prefix string, set func(name, value string)) *frame {
	tag := strings.ToLower(t.Name.Local)
	var name, value string
	hasValue := false
	var others []xml.Attr
	for _, a := range t.Attr {
		switch strings.ToLower(a.Name.Local) {
		case "name", "key", "id":
			name = a.Value
		case "value":
			value, hasValue = a.Value, true
		default:
			others = append(others, a)
		}
	}
	f := &frame{}
	switch {
	case optionTags[tag] && name != "":
		if hasValue {
			set(joinName(prefix, name), value)
		} else {
			f.option = joinName(prefix, name)
		}
		return f
	case root || tag == "role":
		f.comp = ""
	case name != "":
		f.comp = tag + ":" + name
	default:
		f.comp = tag
	}
	if hasValue && f.comp != "" {
		set(joinName(prefix, f.comp), value)
	}
	for _, a := range others {
		if a.Name.Space == "xmlns" || strings.ToLower(a.Name.Local) == "xmlns" {
			continue
		}
		set(joinName(joinName(prefix, f.comp), a.Name.Local), a.Value)
	}
	return f
}

func joinName(prefix, name string) string {
	switch {
	case prefix == "":
		return name
	case name == "":
		return prefix
	}
	return prefix + "." + name
}

// ParseTailor reads imta_tailor's NAME=VALUE lines; lines starting with
// '!' or '#' are comments. Later settings win, as in the shell-like files
// the MTA reads; values may be double-quoted.
func ParseTailor(r io.Reader) map[string]string {
	m := map[string]string{}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 4096), 64*1024)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || line[0] == '!' || line[0] == '#' {
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		if !ok {
			continue
		}
		k = strings.TrimSpace(k)
		if k == "" {
			continue
		}
		m[k] = strings.Trim(strings.TrimSpace(v), `"`)
	}
	return m
}
