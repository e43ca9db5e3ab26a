package layout

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/msgstore-plugins/msgstore/lib/errtext"
)

// MaxConfBytes bounds how much of msg.conf is read: a real one is a few
// hundred KiB at most; anything larger is not a configuration file.
const MaxConfBytes = 16 << 20

// Conf holds configutil settings read from msg.conf, keys lower-cased.
type Conf map[string]string

// ParseConf reads configutil-style settings. The exact syntax of msg.conf is
// not documented, so every plausible form is taken:
// "key = value", "key=value", "key = \"value\"", "key: value"; blank lines and
// lines starting with '#', '!' or ';' are comments. Later settings win.
func ParseConf(r io.Reader) (Conf, error) {
	c := Conf{}
	sc := bufio.NewScanner(io.LimitReader(r, MaxConfBytes))
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		key, value, ok := parseConfLine(sc.Text())
		if ok {
			c[key] = value
		}
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return c, fmt.Errorf("a line is longer than 1 MiB: not a configuration file")
		}
		return c, err
	}
	return c, nil
}

func parseConfLine(line string) (key, value string, ok bool) {
	line = strings.TrimSpace(strings.TrimPrefix(line, "\ufeff"))
	if line == "" || strings.ContainsRune("#!;", rune(line[0])) {
		return "", "", false
	}
	i := strings.IndexAny(line, "=:")
	if i <= 0 {
		return "", "", false
	}
	key = strings.ToLower(strings.TrimSpace(line[:i]))
	if key == "" || strings.ContainsAny(key, " \t\"") {
		return "", "", false
	}
	value = strings.TrimSpace(line[i+1:])
	if len(value) >= 2 && (value[0] == '"' && value[len(value)-1] == '"' || value[0] == '\'' && value[len(value)-1] == '\'') {
		value = value[1 : len(value)-1]
	}
	return key, value, true
}

// ReadConf reads BASE/config/msg.conf. A missing file is an empty Conf with
// no error (many settings have defaults); any other failure is an error that
// names the file.
func (l *Layout) ReadConf() (Conf, error) {
	f, err := os.Open(l.MsgConfPath())
	if os.IsNotExist(err) {
		if _, lerr := os.Lstat(l.MsgConfPath()); lerr == nil {
			// A symlink to nothing is a broken configuration, not an absent one.
			return nil, fmt.Errorf("cannot read %s: dangling symbolic link", l.MsgConfPath())
		}
		return Conf{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("cannot read %s: %s", l.MsgConfPath(), errtext.Reason(err))
	}
	defer f.Close()
	if fi, err := f.Stat(); err == nil && fi.IsDir() {
		return nil, fmt.Errorf("cannot read %s: is a directory", l.MsgConfPath())
	}
	c, err := ParseConf(f)
	if err != nil {
		return nil, fmt.Errorf("cannot read %s: %v", l.MsgConfPath(), err)
	}
	return c, nil
}

// Bool reads a yes/no setting, returning def when unset or not a boolean.
func (c Conf) Bool(key string, def bool) bool {
	switch strings.ToLower(c[key]) {
	case "yes", "y", "true", "on", "1":
		return true
	case "no", "n", "false", "off", "0":
		return false
	}
	return def
}
