// Package elfcoretest writes small ELF core files byte by byte, in the
// layouts of the systems a Messaging Server runs on, for tests and the demo.
//
// Solaris cores cannot be produced on a Linux test host, and Linux i386
// cores need a 32-bit program; this writer lays them out as the kernels do:
// an ELF header, the program headers, the note segments (Solaris: the old
// notes with prpsinfo_t first, then the new notes with psinfo_t, utsname
// and one lwpstatus_t), then page-aligned PT_LOAD memory images. The fields
// a reader needs (pid, pr_fname, pr_psargs, the signal) sit at their real
// offsets; the rest of each structure is zero, with its real size.
package elfcoretest

import (
	"bytes"
	"debug/elf"
	"encoding/binary"
	"fmt"
	"os"
	"time"
)

// Layout is the system and data model of a core.
type Layout int

// The layouts the writer knows.
const (
	LinuxAMD64     Layout = iota // ELF64 LSB, EM_X86_64
	Linux386                     // ELF32 LSB, EM_386, 16-bit uids in elf_prpsinfo
	SolarisSPARC32               // ELF32 MSB, EM_SPARC
	SolarisSPARC64               // ELF64 MSB, EM_SPARCV9
	SolarisX86                   // ELF32 LSB, EM_386
	SolarisAMD64                 // ELF64 LSB, EM_X86_64
)

// Layouts lists every layout, for table-driven tests.
var Layouts = []Layout{LinuxAMD64, Linux386, SolarisSPARC32, SolarisSPARC64, SolarisX86, SolarisAMD64}

func (l Layout) String() string {
	return [...]string{"linux-amd64", "linux-386", "solaris-sparc32", "solaris-sparc64", "solaris-x86", "solaris-amd64"}[l]
}

// Solaris reports whether the layout is a Solaris one.
func (l Layout) Solaris() bool { return l >= SolarisSPARC32 }

// Is64 reports whether the layout is ELF64.
func (l Layout) Is64() bool { return l == LinuxAMD64 || l == SolarisSPARC64 || l == SolarisAMD64 }

// BigEndian reports whether the layout is big-endian (SPARC).
func (l Layout) BigEndian() bool { return l == SolarisSPARC32 || l == SolarisSPARC64 }

// Machine is the layout's e_machine.
func (l Layout) Machine() elf.Machine {
	switch l {
	case LinuxAMD64, SolarisAMD64:
		return elf.EM_X86_64
	case Linux386, SolarisX86:
		return elf.EM_386
	case SolarisSPARC32:
		return elf.EM_SPARC
	}
	return elf.EM_SPARCV9
}

// Core describes the core file to write.
type Core struct {
	Layout  Layout
	Program string // pr_fname (cut to 15 characters as the kernels do)
	Args    string // pr_psargs (cut to 79 characters)
	PID     int
	Signal  int    // in the numbering of the layout's system, e.g. 11 for SIGSEGV
	Node    string // Solaris utsname nodename; default "mailhost"
	Data    int    // bytes of memory image in PT_LOAD segments; default 8192
}

// Bytes returns the core file's contents.
func (c Core) Bytes() []byte {
	if c.Data <= 0 {
		c.Data = 8192
	}
	w := &writer{c: c, is64: c.Layout.Is64(), order: binary.ByteOrder(binary.LittleEndian)}
	if c.Layout.BigEndian() {
		w.order = binary.BigEndian
	}
	var segs [][]byte
	if c.Layout.Solaris() {
		segs = [][]byte{w.solarisOldNotes(), w.solarisNewNotes()}
	} else {
		segs = [][]byte{w.linuxNotes()}
	}
	return w.assemble(segs)
}

// WriteFile writes the core to path with the given modification time.
func (c Core) WriteFile(path string, mtime time.Time) error {
	if err := os.WriteFile(path, c.Bytes(), 0o600); err != nil {
		return err
	}
	return os.Chtimes(path, mtime, mtime)
}

type writer struct {
	c     Core
	is64  bool
	order binary.ByteOrder
}

// pick returns a for ELF32 and b for ELF64.
func (w *writer) pick(a, b int) int {
	if w.is64 {
		return b
	}
	return a
}

// struct is a zeroed C structure of size n with fields put at offsets.
type cstruct struct {
	b     []byte
	order binary.ByteOrder
}

func (w *writer) newStruct(n int) *cstruct { return &cstruct{b: make([]byte, n), order: w.order} }

func (s *cstruct) u16(off int, v int) { s.order.PutUint16(s.b[off:], uint16(v)) }
func (s *cstruct) u32(off int, v int) { s.order.PutUint32(s.b[off:], uint32(v)) }
func (s *cstruct) str(off, n int, v string) {
	if len(v) > n-1 {
		v = v[:n-1]
	}
	copy(s.b[off:off+n], v)
}

// note encodes one ELF note: name and description padded to 4 bytes.
func (w *writer) note(buf *bytes.Buffer, name string, typ uint32, desc []byte) {
	var h [12]byte
	w.order.PutUint32(h[0:], uint32(len(name)+1))
	w.order.PutUint32(h[4:], uint32(len(desc)))
	w.order.PutUint32(h[8:], typ)
	buf.Write(h[:])
	buf.WriteString(name)
	buf.Write(make([]byte, pad4(len(name)+1)-len(name)))
	buf.Write(desc)
	buf.Write(make([]byte, pad4(len(desc))-len(desc)))
}

func pad4(n int) int { return (n + 3) &^ 3 }

// linuxNotes follows fs/binfmt_elf.c: NT_PRSTATUS of the dumping thread,
// NT_PRPSINFO, NT_SIGINFO, NT_AUXV, NT_FILE, NT_FPREGSET.
func (w *writer) linuxNotes() []byte {
	var buf bytes.Buffer
	c := w.c
	// elf_prstatus: elf_siginfo{si_signo, si_code, si_errno}, short
	// pr_cursig, then the pending and held masks (longs), then pr_pid.
	st := w.newStruct(w.pick(144, 336))
	st.u32(0, c.Signal)
	st.u16(12, c.Signal)
	st.u32(w.pick(24, 32), c.PID)
	w.note(&buf, "CORE", 1, st.b)

	// elf_prpsinfo: 124 bytes on i386 (16-bit uids), 136 on x86-64.
	ps := w.newStruct(w.pick(124, 136))
	ps.b[1] = 'R'
	pid, fname, args := w.pick(12, 24), w.pick(28, 40), w.pick(44, 56)
	ps.u32(pid, c.PID)
	ps.u32(pid+4, 1) // pr_ppid
	ps.u32(pid+8, c.PID)
	ps.u32(pid+12, c.PID)
	ps.str(fname, 16, c.Program)
	ps.str(args, 80, c.Args)
	w.note(&buf, "CORE", 3, ps.b)

	si := w.newStruct(128)
	si.u32(0, c.Signal)
	w.note(&buf, "CORE", 0x53494749, si.b)
	w.note(&buf, "CORE", 6, make([]byte, w.pick(8, 16)*4)) // NT_AUXV, ending in AT_NULL
	file := w.newStruct(w.pick(8, 16))                     // NT_FILE: count 0, page size
	file.u32(w.pick(4, 8), 4096)
	w.note(&buf, "CORE", 0x46494c45, file.b)
	w.note(&buf, "CORE", 2, make([]byte, w.pick(108, 512))) // NT_FPREGSET
	return buf.Bytes()
}

// solarisOldNotes is the first note segment (old_notes.c): the old
// prpsinfo_t, platform, auxv, and a prstatus_t per lwp.
func (w *writer) solarisOldNotes() []byte {
	var buf bytes.Buffer
	c := w.c
	ps := w.newStruct(w.pick(260, 328))
	ps.b[1] = 'O'
	ps.u32(16, c.PID)
	ps.u32(20, 1)
	ps.u32(24, c.PID)
	ps.u32(28, c.PID)
	ps.str(w.pick(84, 120), 16, c.Program)
	ps.str(w.pick(100, 136), 80, c.Args)
	w.note(&buf, "CORE", 3, ps.b)
	w.note(&buf, "CORE", 5, w.platform())
	w.note(&buf, "CORE", 6, make([]byte, w.pick(8, 16)*4))
	// prstatus_t: pr_flags, pr_why, pr_what, pr_info (siginfo_t), pr_cursig.
	st := w.newStruct(w.pick(1024, 1536))
	st.u32(8, c.Signal)
	st.u16(w.pick(136, 264), c.Signal)
	w.note(&buf, "CORE", 1, st.b)
	w.note(&buf, "CORE", 2, make([]byte, w.pick(380, 528))) // NT_PRFPREG
	return buf.Bytes()
}

// solarisNewNotes is the second note segment (elf_notes.c write_elfnotes):
// psinfo_t first, then pstatus_t, platform, auxv, utsname, credentials,
// content, zone name, and lwpsinfo_t + lwpstatus_t per lwp.
func (w *writer) solarisNewNotes() []byte {
	var buf bytes.Buffer
	c := w.c
	ps := w.newStruct(w.pick(336, 416))
	ps.u32(4, 1) // pr_nlwp
	ps.u32(8, c.PID)
	ps.u32(12, 1)
	ps.u32(16, c.PID)
	ps.u32(20, c.PID)
	ps.str(w.pick(88, 136), 16, c.Program)
	ps.str(w.pick(104, 152), 80, c.Args)
	ps.u32(w.pick(184, 232), c.Signal&0x7f|0x80) // pr_wstat = wstat(CLD_DUMPED, sig)
	ps.b[w.pick(200, 256)] = byte(w.pick(1, 2))  // pr_dmodel: PR_MODEL_ILP32 or _LP64
	w.note(&buf, "CORE", 13, ps.b)
	w.note(&buf, "CORE", 10, make([]byte, w.pick(1488, 1904))) // NT_PSTATUS
	w.note(&buf, "CORE", 5, w.platform())
	w.note(&buf, "CORE", 6, make([]byte, w.pick(8, 16)*38))
	node := c.Node
	if node == "" {
		node = "mailhost"
	}
	const nmln = 257
	uts := w.newStruct(5 * nmln)
	uts.str(0, nmln, "SunOS")
	uts.str(nmln, nmln, node)
	uts.str(2*nmln, nmln, "5.10")
	uts.str(3*nmln, nmln, "Generic_147440-01")
	uts.str(4*nmln, nmln, map[bool]string{true: "sun4u", false: "i86pc"}[w.c.Layout.BigEndian()])
	w.note(&buf, "CORE", 15, uts.b)
	w.note(&buf, "CORE", 14, make([]byte, 36))     // NT_PRCRED
	w.note(&buf, "CORE", 20, make([]byte, 8))      // NT_CONTENT
	w.note(&buf, "CORE", 21, []byte("global\x00")) // NT_ZONENAME
	w.note(&buf, "CORE", 17, make([]byte, w.pick(104, 128)))
	ls := w.newStruct(w.pick(800, 1296))
	ls.u32(4, 1) // pr_lwpid
	ls.u16(12, c.Signal)
	w.note(&buf, "CORE", 16, ls.b)
	return buf.Bytes()
}

func (w *writer) platform() []byte {
	if w.c.Layout.BigEndian() {
		return []byte("SUNW,Sun-Fire-V490\x00")
	}
	return []byte("i86pc\x00")
}

// assemble lays out header, program headers, note segments and two PT_LOAD
// segments holding the memory image, page aligned.
func (w *writer) assemble(notes [][]byte) []byte {
	ehsize, phsize := w.pick(52, 64), w.pick(32, 56)
	const nload = 2
	phnum := len(notes) + nload
	off := ehsize + phnum*phsize
	type seg struct {
		typ       elf.ProgType
		off, size int
		vaddr     uint64
	}
	var segs []seg
	for _, n := range notes {
		segs = append(segs, seg{typ: elf.PT_NOTE, off: off, size: len(n)})
		off += len(n)
	}
	half := w.c.Data / 2
	off = (off + 4095) &^ 4095
	segs = append(segs, seg{typ: elf.PT_LOAD, off: off, size: half, vaddr: 0x10000})
	off += (half + 4095) &^ 4095
	segs = append(segs, seg{typ: elf.PT_LOAD, off: off, size: w.c.Data - half, vaddr: 0x20000})
	total := off + w.c.Data - half

	out := make([]byte, total)
	w.header(out, phnum)
	for i, s := range segs {
		w.programHeader(out[ehsize+i*phsize:], s.typ, s.off, s.size, s.vaddr)
		if s.typ == elf.PT_NOTE {
			copy(out[s.off:], notes[i])
		} else {
			for j := 0; j < s.size; j++ {
				out[s.off+j] = byte(j * 7)
			}
		}
	}
	return out
}

func (w *writer) header(b []byte, phnum int) {
	copy(b, elf.ELFMAG)
	b[elf.EI_CLASS] = byte(elf.ELFCLASS32)
	if w.is64 {
		b[elf.EI_CLASS] = byte(elf.ELFCLASS64)
	}
	b[elf.EI_DATA] = byte(elf.ELFDATA2LSB)
	if w.c.Layout.BigEndian() {
		b[elf.EI_DATA] = byte(elf.ELFDATA2MSB)
	}
	b[elf.EI_VERSION] = byte(elf.EV_CURRENT)
	o := w.order
	o.PutUint16(b[16:], uint16(elf.ET_CORE))
	o.PutUint16(b[18:], uint16(w.c.Layout.Machine()))
	o.PutUint32(b[20:], uint32(elf.EV_CURRENT))
	if w.is64 {
		o.PutUint64(b[32:], 64) // e_phoff
		o.PutUint16(b[52:], 64) // e_ehsize
		o.PutUint16(b[54:], 56) // e_phentsize
		o.PutUint16(b[56:], uint16(phnum))
		o.PutUint16(b[58:], 64) // e_shentsize
		return
	}
	o.PutUint32(b[28:], 52)
	o.PutUint16(b[40:], 52)
	o.PutUint16(b[42:], 32)
	o.PutUint16(b[44:], uint16(phnum))
	o.PutUint16(b[46:], 40)
}

func (w *writer) programHeader(b []byte, typ elf.ProgType, off, size int, vaddr uint64) {
	o := w.order
	flags := uint32(elf.PF_R)
	if typ == elf.PT_LOAD {
		flags |= uint32(elf.PF_W)
	}
	if w.is64 {
		o.PutUint32(b[0:], uint32(typ))
		o.PutUint32(b[4:], flags)
		o.PutUint64(b[8:], uint64(off))
		o.PutUint64(b[16:], vaddr)
		o.PutUint64(b[32:], uint64(size)) // p_filesz
		o.PutUint64(b[40:], uint64(size)) // p_memsz
		if typ == elf.PT_LOAD {
			o.PutUint64(b[48:], 4096)
		} else {
			o.PutUint64(b[48:], 4)
		}
		return
	}
	o.PutUint32(b[0:], uint32(typ))
	o.PutUint32(b[4:], uint32(off))
	o.PutUint32(b[8:], uint32(vaddr))
	o.PutUint32(b[16:], uint32(size))
	o.PutUint32(b[20:], uint32(size))
	o.PutUint32(b[24:], flags)
	if typ == elf.PT_LOAD {
		o.PutUint32(b[28:], 4096)
	} else {
		o.PutUint32(b[28:], 4)
	}
}

// Executable returns a minimal ELF executable header (ET_EXEC, x86-64),
// for "a file named core that is an ELF program" cases.
func Executable() []byte {
	b := make([]byte, 64)
	copy(b, elf.ELFMAG)
	b[elf.EI_CLASS], b[elf.EI_DATA], b[elf.EI_VERSION] = byte(elf.ELFCLASS64), byte(elf.ELFDATA2LSB), 1
	binary.LittleEndian.PutUint16(b[16:], uint16(elf.ET_EXEC))
	binary.LittleEndian.PutUint16(b[18:], uint16(elf.EM_X86_64))
	binary.LittleEndian.PutUint32(b[20:], 1)
	binary.LittleEndian.PutUint16(b[52:], 64)
	return b
}

// Name is the coreadm file name %f.%n.%p.%t.core that Sun's debugging
// guide configures, e.g. "imapd.mailhost.12345.1196035200.core".
func Name(program, node string, pid int, t time.Time) string {
	return fmt.Sprintf("%s.%s.%d.%d.core", program, node, pid, t.Unix())
}
