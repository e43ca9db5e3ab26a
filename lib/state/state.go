// Package state keeps what a plugin remembers between runs (log offsets,
// cached results, history) in small JSON files under --state-dir, never
// under msg-svr-base. Writes are atomic (temp file, fsync, rename), files
// are created 0600, and a corrupt file is reported as such so that the
// caller can recover instead of failing.
//
// State decides what a plugin reports, so whoever can write it can make a
// plugin say OK. The directory must therefore belong to the running user
// (or root) and be writable by nobody else, and it must not be a symlink;
// state files are opened without following symlinks and must be regular
// files of the same owners, writable by nobody else. Anything else is
// refused with an error wrapping ErrUntrusted, never read. Error messages
// never quote a state file's content: a file that is not what it should be
// may be someone else's secret.
package state

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/msgstore-plugins/msgstore/lib/errtext"
)

// SystemDir is the packaged state directory (created by the .deb and .rpm,
// owned by the nagios user, mode 0700). It is the default for the user who
// owns it.
const SystemDir = "/var/lib/msgstore-plugins"

// LegacyDir is where state lived before it had to be private: a directory
// under the world-writable /var/tmp that any local user could create first.
// It is not used any more, and nothing in it is read.
const LegacyDir = "/var/tmp/msgstore-plugins"

// MaxBytes bounds a state file: anything larger is corrupt.
const MaxBytes = 4 << 20

// ErrCorrupt wraps failures to decode an existing state file.
var ErrCorrupt = errors.New("corrupt state file")

// ErrUntrusted wraps refusals of a state directory or file that someone
// other than the running user (or root) could have written.
var ErrUntrusted = errors.New("untrusted state")

// UntrustedError says which path was refused and why.
type UntrustedError struct {
	What string // "state dir" or "state file"
	Path string
	Why  string // "is a symlink", "is owned by uid 65534 (mode 0700)"...
}

func (e *UntrustedError) Error() string {
	return fmt.Sprintf("%s %s cannot be trusted: it %s", e.What, e.Path, e.Why)
}

// Is makes errors.Is(err, ErrUntrusted) true.
func (e *UntrustedError) Is(target error) bool { return target == ErrUntrusted }

// Option is the --state-dir option, to embed in a plugin's options.
type Option struct {
	StateDir string `long:"state-dir" value-name:"DIR" description:"private directory for what the plugin remembers between runs: it must belong to the running user (or root), be writable by nobody else and not be a symlink (created 0700 if missing). Default: /var/lib/msgstore-plugins when it belongs to the running user (the packages create it for nagios), else $XDG_STATE_HOME/msgstore-plugins, else ~/.local/state/msgstore-plugins. State kept by older versions in /var/tmp/msgstore-plugins is not read: the first run after the upgrade is a first check"`
}

// Resolve fills in the default state directory when --state-dir was not
// given. Call it at the start of a check, before StateDir is used.
func (o *Option) Resolve(getenv func(string) string) error {
	if o.StateDir != "" {
		return nil
	}
	d, err := DefaultDir(getenv)
	if err != nil {
		return err
	}
	o.StateDir = d
	return nil
}

// DefaultDir is the running user's own state directory: the packaged
// SystemDir when that user owns it, else under $XDG_STATE_HOME, else under
// the home directory (from $HOME, else the user database).
func DefaultDir(getenv func(string) string) (string, error) {
	if fi, err := os.Lstat(SystemDir); err == nil && fi.IsDir() && ownerOf(fi) == os.Geteuid() {
		return SystemDir, nil
	}
	if x := getenv("XDG_STATE_HOME"); filepath.IsAbs(x) {
		return filepath.Join(x, "msgstore-plugins"), nil
	}
	home := getenv("HOME")
	if !filepath.IsAbs(home) {
		home = passwdHome(os.Geteuid())
	}
	if !filepath.IsAbs(home) || home == "/" {
		return "", fmt.Errorf("no state directory: %s does not belong to uid %d and neither $XDG_STATE_HOME nor a home directory is set: give --state-dir", SystemDir, os.Geteuid())
	}
	return filepath.Join(home, ".local", "state", "msgstore-plugins"), nil
}

// passwdHome reads the home directory of uid from /etc/passwd (the plugins
// are built without cgo, so os/user would read the same file).
func passwdHome(uid int) string {
	b, err := os.ReadFile("/etc/passwd")
	if err != nil {
		return ""
	}
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.Split(line, ":")
		if len(f) >= 6 && f[2] == strconv.Itoa(uid) {
			return f[5]
		}
	}
	return ""
}

// Key builds a file name from a plugin name and the values that change what
// the state means (options, paths), so that two check definitions never
// share a state: "check_msglogs.imap.3f2a9c1b7d5e.json". The running user
// is part of the key, so that a run as root never takes the nagios user's
// state nor leaves it a file it cannot replace.
func Key(plugin, item string, parts ...string) string {
	return KeyFor("", plugin, item, parts...)
}

// KeyFor is Key for state that each invoking command keeps for itself:
// check_msglogs run by check_msgstore must not consume the log lines that
// check_msglogs run on its own has yet to count. invoker is the name of the
// top-level command; "" or the plugin's own name is the plugin run alone.
// The file name says which command it is for:
// "check_msglogs.imap.via-check_msgstore.3f2a9c1b7d5e.json".
func KeyFor(invoker, plugin, item string, parts ...string) string {
	h := sha256.New()
	fmt.Fprintf(h, "uid=%d\x00", os.Geteuid())
	if invoker != "" && invoker != plugin {
		fmt.Fprintf(h, "invoker=%s\x00", invoker)
		item += ".via-" + safeName(invoker)
	}
	for _, p := range parts {
		io.WriteString(h, p)
		h.Write([]byte{0})
	}
	return fmt.Sprintf("%s.%s.%s.json", plugin, safeName(item), hex.EncodeToString(h.Sum(nil))[:12])
}

func safeName(s string) string {
	s = strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.' {
			return r
		}
		return '_'
	}, s)
	if len(s) > 60 {
		s = s[:60]
	}
	return s
}

// Load decodes the state file dir/name into v. It returns (false, nil) when
// there is no state yet, an error wrapping ErrCorrupt when the file exists
// but cannot be decoded, and one wrapping ErrUntrusted when the directory
// or the file could have been written by another user.
func Load(dir, name string, v any) (bool, error) {
	if err := checkDir(dir, false); err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return false, nil
		}
		return false, err
	}
	p := filepath.Join(dir, name)
	f, err := openNoFollow(p, os.O_RDONLY)
	if errors.Is(err, os.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	defer f.Close()
	if err := checkFile(f, p); err != nil {
		return false, err
	}
	b, err := io.ReadAll(io.LimitReader(f, MaxBytes+1))
	if err != nil {
		return false, fmt.Errorf("cannot read state %s: %w", p, errtext.Cause(err))
	}
	if len(b) > MaxBytes {
		return false, fmt.Errorf("%w %s: larger than %d bytes", ErrCorrupt, p, MaxBytes)
	}
	if err := json.Unmarshal(b, v); err != nil {
		return false, fmt.Errorf("%w %s: %s", ErrCorrupt, p, decodeReason(err))
	}
	return true, nil
}

// decodeReason says why JSON did not decode without quoting the input:
// encoding/json's messages carry the offending characters or values.
func decodeReason(err error) string {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return fmt.Sprintf("not valid JSON (at byte %d)", syn.Offset)
	case errors.As(err, &typ) && typ.Field != "":
		return fmt.Sprintf("not valid state (wrong type for %s)", typ.Field)
	default:
		return "not valid state"
	}
}

// openNoFollow opens p without following a symlink in its last element
// and without blocking on a FIFO; a symlink is an UntrustedError.
func openNoFollow(p string, flag int) (*os.File, error) {
	f, err := os.OpenFile(p, flag|syscall.O_NOFOLLOW|syscall.O_NONBLOCK, 0o600)
	if err == nil {
		return f, nil
	}
	if errors.Is(err, syscall.ELOOP) || errors.Is(err, syscall.EMLINK) {
		if fi, lerr := os.Lstat(p); lerr == nil && fi.Mode()&os.ModeSymlink != 0 {
			return nil, &UntrustedError{"state file", p, "is a symlink" + linkTarget(p)}
		}
	}
	if errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	return nil, fmt.Errorf("cannot read state %s: %w", p, errtext.Cause(err))
}

// checkFile refuses an open state file that is not a regular file, or that
// someone other than the running user or root owns or may write.
func checkFile(f *os.File, p string) error {
	fi, err := f.Stat()
	if err != nil {
		return fmt.Errorf("cannot read state %s: %w", p, errtext.Cause(err))
	}
	if !fi.Mode().IsRegular() {
		return &UntrustedError{"state file", p, "is not a regular file (" + kind(fi.Mode()) + ")"}
	}
	return checkOwnerMode("state file", p, fi)
}

// checkDir refuses a state directory that is a symlink, not a directory,
// owned by another user than the running one or root, or writable by group
// or others. With create, a missing directory (and its parents) is created
// 0700 first; the checks apply to the final directory.
func checkDir(dir string, create bool) error {
	fi, err := os.Lstat(dir)
	if errors.Is(err, os.ErrNotExist) && create {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return fmt.Errorf("cannot create state dir %s: %w", dir, errtext.Cause(err))
		}
		fi, err = os.Lstat(dir)
	}
	if errors.Is(err, os.ErrNotExist) {
		return err
	}
	if err != nil {
		return fmt.Errorf("state dir %s: %w", dir, errtext.Cause(err))
	}
	switch {
	case fi.Mode()&os.ModeSymlink != 0:
		return &UntrustedError{"state dir", dir, "is a symlink" + linkTarget(dir) + ": give the real directory with --state-dir"}
	case !fi.IsDir():
		return fmt.Errorf("state dir %s is not a directory (%s)", dir, kind(fi.Mode()))
	}
	return checkOwnerMode("state dir", dir, fi)
}

// checkOwnerMode applies the ownership rule shared by directory and files.
func checkOwnerMode(what, p string, fi os.FileInfo) error {
	uid := ownerOf(fi)
	if uid != os.Geteuid() && uid != 0 {
		return &UntrustedError{what, p, fmt.Sprintf("is owned by uid %d (mode %04o), not by %s: another user could have written it", uid, fi.Mode().Perm(), trustedOwners())}
	}
	if fi.Mode().Perm()&0o022 != 0 {
		return &UntrustedError{what, p, fmt.Sprintf("is writable by other users (owner uid %d, mode %04o): make it chmod 0700", uid, fi.Mode().Perm())}
	}
	return nil
}

func trustedOwners() string {
	if os.Geteuid() == 0 {
		return "root"
	}
	return fmt.Sprintf("uid %d or root", os.Geteuid())
}

func ownerOf(fi os.FileInfo) int {
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		return int(st.Uid)
	}
	return -1
}

func linkTarget(p string) string {
	if t, err := os.Readlink(p); err == nil {
		return " (to " + t + ")"
	}
	return ""
}

func kind(m os.FileMode) string {
	switch {
	case m.IsDir():
		return "a directory"
	case m&os.ModeNamedPipe != 0:
		return "a FIFO"
	case m&os.ModeSocket != 0:
		return "a socket"
	case m&os.ModeDevice != 0:
		return "a device"
	case m&os.ModeSymlink != 0:
		return "a symlink"
	case m.IsRegular():
		return "a regular file"
	}
	return "a special file"
}

// Save writes v as JSON to dir/name atomically: a crash leaves either the
// old file or the new one, never half of one. dir is created 0700 and
// checked as Load does.
func Save(dir, name string, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	if err := checkDir(dir, true); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(dir, "."+name+".*.tmp")
	if err != nil {
		return fmt.Errorf("cannot write state in %s: %w", dir, errtext.Cause(err))
	}
	defer os.Remove(tmp.Name()) // no-op after a successful rename
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return fmt.Errorf("cannot write state in %s: %w", dir, errtext.Cause(err))
	}
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		return fmt.Errorf("cannot write state in %s: %w", dir, errtext.Cause(err))
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("cannot write state in %s: %w", dir, errtext.Cause(err))
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("cannot write state in %s: %w", dir, errtext.Cause(err))
	}
	// rename replaces a symlink or a file planted at the final name by the
	// new file itself: nothing outside dir is ever written.
	if err := os.Rename(tmp.Name(), filepath.Join(dir, name)); err != nil {
		return fmt.Errorf("cannot write state in %s: %w", dir, errtext.Cause(err))
	}
	removeStaleTemps(dir, name)
	return nil
}

// Exists reports whether dir/name is there (whatever it is: Load says
// whether it can be used).
func Exists(dir, name string) bool {
	_, err := os.Lstat(filepath.Join(dir, name))
	return err == nil
}

// staleTempAge is how old a temporary file of a Save must be before it is
// taken for the leftover of a run that was killed mid-write.
const staleTempAge = 10 * time.Minute

// removeStaleTemps deletes temporary files that runs killed between
// CreateTemp and Rename left behind; a concurrent run's fresh one is kept.
func removeStaleTemps(dir, name string) {
	matches, _ := filepath.Glob(filepath.Join(dir, "."+name+".*.tmp"))
	for _, m := range matches {
		if fi, err := os.Lstat(m); err == nil && fi.Mode().IsRegular() && time.Since(fi.ModTime()) > staleTempAge {
			os.Remove(m)
		}
	}
}

// CheckWritable reports a clear error when dir cannot hold state or cannot
// be trusted, so that a plugin can say so before doing its work. A missing
// dir is created 0700.
func CheckWritable(dir string) error {
	if err := checkDir(dir, true); err != nil {
		return err
	}
	f, err := os.CreateTemp(dir, ".probe.*")
	if err != nil {
		return fmt.Errorf("state dir %s is not writable%s: %w", dir, ownerHint(dir), errtext.Cause(err))
	}
	name := f.Name()
	f.Close()
	os.Remove(name)
	return nil
}

// ownerHint says whose a state dir is when that explains why it is not
// writable: typically a directory created by a manual run as root.
func ownerHint(dir string) string {
	fi, err := os.Lstat(dir)
	if err != nil {
		return ""
	}
	if uid := ownerOf(fi); uid != os.Geteuid() {
		return fmt.Sprintf(" by uid %d (it belongs to uid %d: created by a run as another user? give --state-dir or fix its owner)", os.Geteuid(), uid)
	}
	return ""
}
