package elfcore

import (
	"errors"
	"path"
	"strings"
)

// Note types. Linux and Solaris share NT_PRSTATUS (1) and NT_PRPSINFO (3)
// but not their layouts; the others belong to one system.
const (
	ntPRSTATUS  = 1          // Linux elf_prstatus, Solaris old prstatus_t
	ntPRPSINFO  = 3          // Linux elf_prpsinfo, Solaris old prpsinfo_t
	ntPLATFORM  = 5          // Solaris: platform name
	ntPSINFO    = 13         // Solaris psinfo_t
	ntUTSNAME   = 15         // Solaris struct utsname
	ntLWPSTATUS = 16         // Solaris lwpstatus_t, one per lwp
	ntZONENAME  = 21         // Solaris zone name
	ntSIGINFO   = 0x53494749 // Linux siginfo_t of the fatal signal
	ntFILE      = 0x46494c45 // Linux mapped files
	maxDesc     = 8192       // descriptions larger than this are skipped, not read
)

// noteLayout is where a process-naming note keeps its fields.
type noteLayout struct {
	os                OS
	note              string
	pid, fname, args  int
	wstat             int // Solaris psinfo_t pr_wstat; 0 when the layout has none
	fnameLen, argsLen int
}

// linuxPrpsinfo is struct elf_prpsinfo, told apart by its size: the flag
// word is 4 or 8 bytes and uid/gid are 16-bit (i386, ARM) or 32-bit.
var linuxPrpsinfo = map[int]noteLayout{
	124: {os: Linux, note: "NT_PRPSINFO", pid: 12, fname: 28, args: 44, fnameLen: 16, argsLen: 80}, // 32-bit, 16-bit uids (i386)
	128: {os: Linux, note: "NT_PRPSINFO", pid: 16, fname: 32, args: 48, fnameLen: 16, argsLen: 80}, // 32-bit, 32-bit uids
	132: {os: Linux, note: "NT_PRPSINFO", pid: 20, fname: 36, args: 52, fnameLen: 16, argsLen: 80}, // 64-bit, 16-bit uids
	136: {os: Linux, note: "NT_PRPSINFO", pid: 24, fname: 40, args: 56, fnameLen: 16, argsLen: 80}, // 64-bit (x86-64, AArch64)
}

// Solaris psinfo_t (sys/procfs.h): pr_pid follows two ints; pr_fname comes
// after the address, sizes, tty and three timestrucs, whose widths follow
// the data model. sizeof is 336 (ILP32) and 416 (LP64).
var (
	solarisPsinfo32 = noteLayout{os: Solaris, note: "NT_PSINFO", pid: 8, fname: 88, args: 104, wstat: 184, fnameLen: 16, argsLen: 80}
	solarisPsinfo64 = noteLayout{os: Solaris, note: "NT_PSINFO", pid: 8, fname: 136, args: 152, wstat: 232, fnameLen: 16, argsLen: 80}
)

// Solaris old prpsinfo_t (sys/old_procfs.h), still written to the first
// note segment of every core. sizeof is 260 (ILP32) and 328 (LP64).
var (
	solarisPrpsinfo32 = noteLayout{os: Solaris, note: "NT_PRPSINFO", pid: 16, fname: 84, args: 100, fnameLen: 16, argsLen: 80}
	solarisPrpsinfo64 = noteLayout{os: Solaris, note: "NT_PRPSINFO", pid: 16, fname: 120, args: 136, fnameLen: 16, argsLen: 80}
)

// found collects the notes of interest.
type found struct {
	prpsinfo  []byte
	psinfo    []byte
	prstatus  []byte
	siginfo   []byte
	lwpSignal int
	linux     bool // a note only Linux writes
	solaris   bool // a note only Solaris writes
	count     int
}

// readNotes reads the start of each PT_NOTE segment and interprets the
// notes that name the process.
func (h *header) readNotes(rd reader, info *Info) error {
	f := &found{}
	for _, s := range h.segments {
		if s.off > 1<<62 {
			info.Truncated = true
			continue
		}
		n := s.size
		if n > MaxNoteBytes {
			n = MaxNoteBytes
		}
		b, err := rd.read(int64(s.off), int(n))
		if err != nil && !errors.Is(err, errShort) {
			return err
		}
		if err != nil {
			info.Truncated = true
		}
		h.parseNotes(b, f)
		if f.count >= MaxNotes {
			break
		}
	}
	h.interpret(f, info)
	return nil
}

// parseNotes walks the notes in b. Notes are 4-byte aligned on Linux and
// Solaris in both classes (Solaris rounds to sizeof(Word)). A note that runs
// past the end of b ends the walk.
func (h *header) parseNotes(b []byte, f *found) {
	o := h.order
	for len(b) >= 12 && f.count < MaxNotes {
		f.count++
		namesz, descsz, typ := uint64(o.Uint32(b[0:4])), uint64(o.Uint32(b[4:8])), o.Uint32(b[8:12])
		b = b[12:]
		nameEnd := align4(namesz)
		if nameEnd > uint64(len(b)) {
			return
		}
		name := strings.TrimRight(string(b[:namesz]), "\x00")
		b = b[nameEnd:]
		descEnd := align4(descsz)
		if descEnd > uint64(len(b)) {
			// The description is cut: take what there is of it for the
			// note that names the process, then stop.
			descEnd = uint64(len(b))
			descsz = descEnd
		}
		desc := b[:descsz]
		b = b[descEnd:]
		h.noteSeen(name, typ, desc, f)
	}
}

func align4(n uint64) uint64 { return (n + 3) &^ 3 }

// noteSeen keeps the first note of each interesting kind.
func (h *header) noteSeen(name string, typ uint32, desc []byte, f *found) {
	if name == "LINUX" || name == "GNU" {
		f.linux = true
		return
	}
	if name != "CORE" || len(desc) > maxDesc {
		return
	}
	switch typ {
	case ntPRPSINFO:
		if f.prpsinfo == nil {
			f.prpsinfo = desc
		}
	case ntPSINFO:
		if f.psinfo == nil {
			f.psinfo = desc
		}
		f.solaris = true
	case ntPRSTATUS:
		if f.prstatus == nil {
			f.prstatus = desc
		}
	case ntSIGINFO:
		if f.siginfo == nil {
			f.siginfo = desc
		}
		f.linux = true
	case ntFILE:
		f.linux = true
	case ntPLATFORM, ntUTSNAME, ntZONENAME:
		f.solaris = true
	case ntLWPSTATUS:
		// lwpstatus_t: pr_flags, pr_lwpid, pr_why, pr_what, pr_cursig.
		if f.lwpSignal == 0 && len(desc) >= 14 {
			f.lwpSignal = int(int16(h.order.Uint16(desc[12:14])))
		}
		f.solaris = true
	}
}

// interpret picks the layout of the process-naming note and reads it.
func (h *header) interpret(f *found, info *Info) {
	var l noteLayout
	var desc []byte
	switch {
	case f.psinfo != nil:
		l, desc = h.pick(f.psinfo, 336, 416, solarisPsinfo32, solarisPsinfo64), f.psinfo
	case f.prpsinfo != nil:
		desc = f.prpsinfo
		if ll, ok := linuxPrpsinfo[len(desc)]; ok && !f.solaris {
			l = ll
		} else {
			l = h.pick(desc, 260, 328, solarisPrpsinfo32, solarisPrpsinfo64)
		}
	}
	if l.os != "" && len(desc) >= l.args+l.argsLen {
		info.OS, info.Note = l.os, l.note
		if pid := int32(h.order.Uint32(desc[l.pid:])); pid > 0 {
			info.PID = int(pid)
		}
		info.Program = cString(desc[l.fname : l.fname+l.fnameLen])
		info.Args = cString(desc[l.args : l.args+l.argsLen])
		info.Program = fullProgram(info.Program, info.Args)
		if l.wstat > 0 && len(desc) >= l.wstat+4 {
			if w := h.order.Uint32(desc[l.wstat:]); w&0x7f != 0 && w&0x7f != 0x7f {
				info.Signal = int(w & 0x7f)
			}
		}
	}
	if info.OS == "" {
		switch {
		case f.solaris && !f.linux:
			info.OS = Solaris
		case f.linux && !f.solaris:
			info.OS = Linux
		}
	}
	h.signal(f, info)
}

// pick chooses the ILP32 or LP64 layout by the note's size, else by the
// core's class.
func (h *header) pick(desc []byte, size32, size64 int, l32, l64 noteLayout) noteLayout {
	switch len(desc) {
	case size32:
		return l32
	case size64:
		return l64
	}
	if h.class == 64 {
		return l64
	}
	return l32
}

// signal fills in the fatal signal when the naming note did not.
func (h *header) signal(f *found, info *Info) {
	if info.Signal != 0 {
		return
	}
	switch info.OS {
	case Linux:
		// elf_prstatus starts with elf_siginfo (three ints), then
		// short pr_cursig; NT_SIGINFO starts with si_signo.
		if len(f.prstatus) >= 14 {
			info.Signal = int(int16(h.order.Uint16(f.prstatus[12:14])))
		}
		if info.Signal <= 0 && len(f.siginfo) >= 4 {
			info.Signal = int(int32(h.order.Uint32(f.siginfo[0:4])))
		}
	case Solaris:
		info.Signal = f.lwpSignal
	}
	if info.Signal < 0 || info.Signal > 128 {
		info.Signal = 0
	}
}

// cString is the NUL-terminated string at the start of b, with control
// and non-ASCII bytes replaced: it ends up in a monitoring message.
func cString(b []byte) string {
	var s strings.Builder
	for _, c := range b {
		if c == 0 {
			break
		}
		if c < 0x20 || c >= 0x7f {
			c = '?'
		}
		s.WriteByte(c)
	}
	return strings.TrimSpace(s.String())
}

// fullProgram recovers a name that pr_fname cut at 15 characters
// ("tcp_smtp_server" fits, "job_controller_x" would not) from the first
// word of the arguments, when that word's base name extends it.
func fullProgram(fname, args string) string {
	if len(fname) < 15 {
		return fname
	}
	first, _, _ := strings.Cut(args, " ")
	if base := path.Base(first); len(base) > len(fname) && strings.HasPrefix(base, fname) {
		return base
	}
	return fname
}
