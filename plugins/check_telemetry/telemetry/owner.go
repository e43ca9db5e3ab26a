package telemetry

import (
	"fmt"
	"io/fs"
	"os"
	"os/user"
	"strconv"
	"syscall"
)

// account is the user the Messaging Server runs as: a capture directory
// must be owned or writable by it (Administration Guide 20.14.1.3), or the
// server records nothing.
type account struct {
	name   string // login name, or "uid N" when /etc/passwd does not know it
	uid    uint32
	groups map[uint32]bool // primary and supplementary groups
	source string          // where the account came from, for messages
}

// resolveServerUser looks up --server-user (a name or a numeric uid).
func resolveServerUser(spec string) (*account, error) {
	u, err := user.Lookup(spec)
	if err != nil {
		if _, nerr := strconv.ParseUint(spec, 10, 32); nerr != nil {
			return nil, fmt.Errorf("--server-user %q: no such user", spec)
		}
		u, err = user.LookupId(spec)
		if err != nil {
			// A numeric uid that /etc/passwd does not know is still a uid.
			id, _ := strconv.ParseUint(spec, 10, 32)
			return &account{name: "uid " + spec, uid: uint32(id), groups: map[uint32]bool{}, source: "--server-user"}, nil
		}
	}
	return fromUser(u, "--server-user"), nil
}

// ownerOf takes the server user to be the owner of path (BASE/config),
// with that file's group among its groups.
func ownerOf(path string) (*account, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	uid, gid, ok := owner(fi)
	if !ok {
		return nil, fmt.Errorf("%s: no owner information on this platform", path)
	}
	source := "owner of " + path
	a := &account{name: "uid " + strconv.FormatUint(uint64(uid), 10), uid: uid, groups: map[uint32]bool{}, source: source}
	if u, err := user.LookupId(strconv.FormatUint(uint64(uid), 10)); err == nil {
		a = fromUser(u, source)
	}
	a.groups[gid] = true
	return a, nil
}

func fromUser(u *user.User, source string) *account {
	uid, _ := strconv.ParseUint(u.Uid, 10, 32)
	a := &account{name: u.Username, uid: uint32(uid), groups: map[uint32]bool{}, source: source}
	if gid, err := strconv.ParseUint(u.Gid, 10, 32); err == nil {
		a.groups[uint32(gid)] = true
	}
	if ids, err := u.GroupIds(); err == nil {
		for _, id := range ids {
			if gid, err := strconv.ParseUint(id, 10, 32); err == nil {
				a.groups[uint32(gid)] = true
			}
		}
	}
	return a
}

// canCreateIn reports whether a can create files in a directory with this
// owner and mode, by the classic permission bits: write and search on the
// class (owner, group, other) that applies. Root can always. ACLs are not
// read.
func (a *account) canCreateIn(uid, gid uint32, mode fs.FileMode) bool {
	if a.uid == 0 {
		return true
	}
	perm := mode.Perm()
	switch {
	case uid == a.uid:
		return perm&0o300 == 0o300
	case a.groups[gid]:
		return perm&0o030 == 0o030
	default:
		return perm&0o003 == 0o003
	}
}

// owner returns the uid and gid of a file.
func owner(fi fs.FileInfo) (uid, gid uint32, ok bool) {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return 0, 0, false
	}
	return st.Uid, st.Gid, true
}

// userName is the login name of uid, else "uid N".
func userName(uid uint32) string {
	id := strconv.FormatUint(uint64(uid), 10)
	if u, err := user.LookupId(id); err == nil {
		return u.Username
	}
	return "uid " + id
}

// groupName is the name of gid, else "gid N".
func groupName(gid uint32) string {
	id := strconv.FormatUint(uint64(gid), 10)
	if g, err := user.LookupGroupId(id); err == nil {
		return g.Name
	}
	return "gid " + id
}
