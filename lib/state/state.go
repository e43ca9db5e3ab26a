// Package state keeps what a plugin remembers between runs (log offsets,
// cached results, history) in small JSON files under --state-dir, never
// under msg-svr-base. Writes are atomic (temp file, fsync, rename), files
// are created 0600, and a corrupt file is reported as such so that the
// caller can recover instead of failing.
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
	"strings"
	"syscall"
	"time"
)

// DefaultDir is where state lives unless --state-dir says otherwise; like
// check_logfiles' /var/tmp/check_logfiles it survives reboots and needs no
// package to create it.
const DefaultDir = "/var/tmp/msgstore-plugins"

// MaxBytes bounds a state file: anything larger is corrupt.
const MaxBytes = 4 << 20

// ErrCorrupt wraps failures to decode an existing state file.
var ErrCorrupt = errors.New("corrupt state file")

// Option is the --state-dir option, to embed in a plugin's options.
type Option struct {
	StateDir string `long:"state-dir" value-name:"DIR" default:"/var/tmp/msgstore-plugins" description:"directory for what the plugin remembers between runs (created 0700 if missing)"`
}

// Key builds a file name from a plugin name and the values that change what
// the state means (options, paths), so that two check definitions never
// share a state: "check_msglogs.imap.3f2a9c1b7d5e.json".
func Key(plugin, item string, parts ...string) string {
	h := sha256.New()
	for _, p := range parts {
		io.WriteString(h, p)
		h.Write([]byte{0})
	}
	return fmt.Sprintf("%s.%s.%s.json", plugin, safeName(item), hex.EncodeToString(h.Sum(nil))[:12])
}

func safeName(s string) string {
	s = strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' {
			return r
		}
		return '_'
	}, s)
	if len(s) > 40 {
		s = s[:40]
	}
	return s
}

// Load decodes the state file dir/name into v. It returns (false, nil) when
// there is no state yet, and an error wrapping ErrCorrupt when the file
// exists but cannot be decoded.
func Load(dir, name string, v any) (bool, error) {
	p := filepath.Join(dir, name)
	f, err := os.Open(p)
	if errors.Is(err, os.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("cannot read state %s: %w", p, unwrapPath(err))
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, MaxBytes+1))
	if err != nil {
		return false, fmt.Errorf("cannot read state %s: %w", p, unwrapPath(err))
	}
	if len(b) > MaxBytes {
		return false, fmt.Errorf("%w %s: larger than %d bytes", ErrCorrupt, p, MaxBytes)
	}
	if err := json.Unmarshal(b, v); err != nil {
		return false, fmt.Errorf("%w %s: %v", ErrCorrupt, p, err)
	}
	return true, nil
}

// Save writes v as JSON to dir/name atomically: a crash leaves either the
// old file or the new one, never half of one. dir is created 0700.
func Save(dir, name string, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("cannot create state dir %s: %w", dir, unwrapPath(err))
	}
	tmp, err := os.CreateTemp(dir, "."+name+".*.tmp")
	if err != nil {
		return fmt.Errorf("cannot write state in %s: %w", dir, unwrapPath(err))
	}
	defer os.Remove(tmp.Name()) // no-op after a successful rename
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return fmt.Errorf("cannot write state in %s: %w", dir, unwrapPath(err))
	}
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		return fmt.Errorf("cannot write state in %s: %w", dir, unwrapPath(err))
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("cannot write state in %s: %w", dir, unwrapPath(err))
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("cannot write state in %s: %w", dir, unwrapPath(err))
	}
	if err := os.Rename(tmp.Name(), filepath.Join(dir, name)); err != nil {
		return fmt.Errorf("cannot write state in %s: %w", dir, unwrapPath(err))
	}
	removeStaleTemps(dir, name)
	return nil
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

// CheckWritable reports a clear error when dir cannot hold state, so that a
// plugin can say so before doing its work.
func CheckWritable(dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("state dir %s: %w", dir, unwrapPath(err))
	}
	f, err := os.CreateTemp(dir, ".probe.*")
	if err != nil {
		return fmt.Errorf("state dir %s is not writable%s: %w", dir, ownerHint(dir), unwrapPath(err))
	}
	name := f.Name()
	f.Close()
	os.Remove(name)
	return nil
}

// ownerHint says whose a state dir is when that explains why it is not
// writable: typically the shared default created by a manual run as root.
func ownerHint(dir string) string {
	fi, err := os.Stat(dir)
	if err != nil {
		return ""
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok || int(st.Uid) == os.Geteuid() {
		return ""
	}
	return fmt.Sprintf(" by uid %d (it belongs to uid %d: created by a run as another user? give --state-dir or fix its owner)", os.Geteuid(), st.Uid)
}

func unwrapPath(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
