package procinfo

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"time"
)

// This file is built on every platform so that the Solaris parser is
// tested where the tests run.

// psinfo_t of <sys/procfs.h> as a 64-bit process reads it (Go builds
// Solaris and illumos binaries for amd64 only, little-endian):
//
//	int pr_flag, pr_nlwp; pid_t pr_pid, pr_ppid, pr_pgid, pr_sid;    0..24
//	uid_t pr_uid, pr_euid; gid_t pr_gid, pr_egid;                    24..40
//	uintptr_t pr_addr; size_t pr_size, pr_rssize, pr_pad1;           40..72
//	dev_t pr_ttydev;                                                 72..80
//	ushort_t pr_pctcpu, pr_pctmem; (pad to 8)                        80..88
//	timestruc_t pr_start, pr_time, pr_ctime;                         88..136
//	char pr_fname[PRFNSZ=16];                                        136..152
//	char pr_psargs[PRARGSZ=80];                                      152..232
const (
	offNlwp   = 4
	offPid    = 8
	offPPid   = 12
	offStart  = 88
	offFname  = 136
	lenFname  = 16
	offPsargs = 152
	lenPsargs = 80
	psinfoMin = offPsargs + lenPsargs
)

func parsePsinfo(b []byte, pid int, path string) (Info, error) {
	if len(b) < psinfoMin {
		return Info{}, fmt.Errorf("%s: %d bytes, too short for psinfo_t", path, len(b))
	}
	le := binary.LittleEndian
	if got := int(int32(le.Uint32(b[offPid:]))); got != pid {
		return Info{}, fmt.Errorf("%s: pr_pid is %d, not %d (unexpected psinfo_t layout)", path, got, pid)
	}
	info := Info{
		Pid:    pid,
		PPid:   int(int32(le.Uint32(b[offPPid:]))),
		Name:   cString(b[offFname : offFname+lenFname]),
		Zombie: le.Uint32(b[offNlwp:]) == 0,
	}
	if sec, nsec := int64(le.Uint64(b[offStart:])), int64(le.Uint64(b[offStart+8:])); sec > 0 && nsec >= 0 && nsec < 1e9 {
		info.Start = time.Unix(sec, nsec)
		info.StartKey = fmt.Sprintf("%d.%09d", sec, nsec)
	}
	args := cString(b[offPsargs : offPsargs+lenPsargs])
	if f := bytes.Fields([]byte(args)); len(f) > 0 {
		info.Argv0 = string(f[0])
	}
	return info, nil
}

func cString(b []byte) string {
	if i := bytes.IndexByte(b, 0); i >= 0 {
		b = b[:i]
	}
	return string(b)
}
