// Package elfcore identifies ELF core dumps and reads what crashed from
// their notes: the program name, its arguments, its pid and the signal.
//
// It knows the layouts that a Messaging Server host produces: Linux cores
// (NT_PRPSINFO, NT_PRSTATUS, NT_SIGINFO; ELF32 and ELF64) and Solaris cores
// (NT_PSINFO psinfo_t, the old NT_PRPSINFO prpsinfo_t, NT_LWPSTATUS; SPARC
// big-endian and x86 little-endian, ELF32 and ELF64).
//
// A core can be many gigabytes and comes from a process that just crashed,
// so it is outside data: Identify reads only the ELF header, the program
// headers and the first bytes of each note segment, every read bounded by a
// constant cap, and never panics on a malformed file.
package elfcore

import (
	"debug/elf"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"strings"
)

// Caps on what Identify reads. A real core has at most a few tens of
// thousands of program headers (one per mapping, vm.max_map_count is 65530
// on Linux) and the notes that name the process come first in their segment.
const (
	MaxProgramHeaders = 1 << 17   // program headers examined (7 MiB of ELF64 headers at most)
	MaxNoteSegments   = 16        // PT_NOTE segments read
	MaxNoteBytes      = 256 << 10 // bytes read from the start of each PT_NOTE segment
	MaxNotes          = 8192      // notes parsed in all
	phdrChunk         = 64 << 10  // program headers are read in chunks of this size
)

// Kind says what a file is.
type Kind int

// The kinds of file Identify tells apart.
const (
	NotELF  Kind = iota // no ELF magic: not a core whatever its name
	Empty               // zero bytes: a dump that failed before writing anything
	CutELF              // ELF magic, but cut before e_type: a dump that failed at once
	NotCore             // a valid ELF header whose e_type is not ET_CORE
	Core                // ET_CORE
)

func (k Kind) String() string {
	switch k {
	case NotELF:
		return "not an ELF file"
	case Empty:
		return "empty"
	case CutELF:
		return "ELF header cut short"
	case NotCore:
		return "ELF file, not a core"
	case Core:
		return "ELF core"
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// OS is the system that wrote a core, as told by its notes.
type OS string

// The systems whose note layouts are known.
const (
	Linux   OS = "Linux"
	Solaris OS = "Solaris"
)

// Info is what Identify found.
type Info struct {
	Kind      Kind
	Size      int64       // the file's size as given to Identify
	Class     int         // 32 or 64; 0 when unknown
	BigEndian bool        // ELFDATA2MSB (SPARC)
	Type      elf.Type    // e_type (ET_CORE for a core)
	Machine   elf.Machine // e_machine
	OS        OS          // Linux, Solaris or "" when the notes do not say

	Program string // pr_fname: the executable's name (Linux: at most 15 characters)
	Args    string // pr_psargs: the start of the command line
	PID     int    // 0 when unknown
	Signal  int    // the signal that killed the process (numbering of OS); 0 when unknown
	Note    string // the note that named the process: "NT_PRPSINFO" or "NT_PSINFO"

	// Truncated is set when the file ends before what its headers
	// describe: the dump failed midway (disk full, core size limit).
	Truncated bool
	Expected  int64 // the size the headers describe (0 when unknown)
	// Partial is set by IdentifyPrefix when only the start of the core
	// was read: Truncated then says nothing, and Size is the prefix's.
	Partial bool
	Problem string // a malformation found on the way, e.g. "bad program header size 12"
}

// Describe is a short description such as "Solaris SPARC ELF32 core" or
// "ELF executable, not a core".
func (i *Info) Describe() string {
	switch i.Kind {
	case NotCore:
		return fmt.Sprintf("ELF %s, not a core", typeName(i.Type))
	case Core:
		parts := []string{}
		if i.OS != "" {
			parts = append(parts, string(i.OS))
		}
		if m := MachineName(i.Machine); m != "" {
			parts = append(parts, m)
		}
		parts = append(parts, fmt.Sprintf("ELF%d core", i.Class))
		return strings.Join(parts, " ")
	}
	return i.Kind.String()
}

// SignalName is the signal's name in the numbering of the core's system,
// e.g. "SIGSEGV", or "" when the signal is unknown.
func (i *Info) SignalName() string { return SignalName(i.OS, i.Signal) }

func typeName(t elf.Type) string {
	switch t {
	case elf.ET_EXEC:
		return "executable"
	case elf.ET_DYN:
		return "shared object or PIE executable"
	case elf.ET_REL:
		return "relocatable object"
	case elf.ET_NONE:
		return "file of type none"
	}
	return fmt.Sprintf("file of type %#x", uint16(t))
}

// MachineName is a short name for e_machine ("x86-64", "SPARCv9"), or ""
// for EM_NONE.
func MachineName(m elf.Machine) string {
	switch m {
	case elf.EM_NONE:
		return ""
	case elf.EM_X86_64:
		return "x86-64"
	case elf.EM_386:
		return "i386"
	case elf.EM_SPARC:
		return "SPARC"
	case elf.EM_SPARC32PLUS:
		return "SPARC32+"
	case elf.EM_SPARCV9:
		return "SPARCv9"
	case elf.EM_AARCH64:
		return "AArch64"
	case elf.EM_ARM:
		return "ARM"
	case elf.EM_PPC:
		return "PowerPC"
	case elf.EM_PPC64:
		return "PowerPC64"
	case elf.EM_S390:
		return "s390"
	case elf.EM_MIPS:
		return "MIPS"
	case elf.EM_RISCV:
		return "RISC-V"
	}
	return strings.TrimPrefix(m.String(), "EM_")
}

// errShort marks a read that hit the end of the file.
var errShort = errors.New("short read")

// reader reads at offsets with bounds checked against the size.
type reader struct {
	r    io.ReaderAt
	size int64
}

// read returns n bytes at off. A read past the end returns the bytes there
// are and errShort; other errors are returned as they are.
func (rd reader) read(off int64, n int) ([]byte, error) {
	if off < 0 || off >= rd.size || n <= 0 {
		return nil, errShort
	}
	short := false
	if int64(n) > rd.size-off {
		n = int(rd.size - off)
		short = true
	}
	buf := make([]byte, n)
	got, err := rd.r.ReadAt(buf, off)
	if got < n {
		if err == nil || errors.Is(err, io.EOF) {
			return buf[:got], errShort
		}
		return buf[:got], err
	}
	if short {
		return buf, errShort
	}
	return buf, nil
}

// Identify reads the header and notes of the file r of the given size. The
// error is an I/O error only: whatever the bytes are, they are described by
// Info.
func Identify(r io.ReaderAt, size int64) (*Info, error) {
	info := &Info{Size: size}
	if size <= 0 {
		info.Kind = Empty
		info.Truncated = true
		return info, nil
	}
	rd := reader{r: r, size: size}
	ident, err := rd.read(0, 64)
	if err != nil && !errors.Is(err, errShort) {
		return nil, err
	}
	if len(ident) == 0 {
		// The file shrank under us: as good as empty.
		info.Kind = Empty
		info.Truncated = true
		return info, nil
	}
	if !hasMagicPrefix(ident) {
		info.Kind = NotELF
		return info, nil
	}
	if len(ident) < 18 {
		info.Kind = CutELF
		info.Truncated = true
		return info, nil
	}
	h, ok := parseIdent(ident, info)
	if !ok {
		info.Kind = NotELF
		return info, nil
	}
	info.Type = elf.Type(h.order.Uint16(ident[16:18]))
	if info.Type != elf.ET_CORE {
		info.Kind = NotCore
		if len(ident) >= 20 {
			info.Machine = elf.Machine(h.order.Uint16(ident[18:20]))
		}
		return info, nil
	}
	info.Kind = Core
	if len(ident) < h.ehsize {
		info.Truncated = true
		info.Problem = fmt.Sprintf("ELF header cut at %d bytes", len(ident))
		if len(ident) >= 20 {
			info.Machine = elf.Machine(h.order.Uint16(ident[18:20]))
		}
		return info, nil
	}
	h.parseHeader(ident, info)
	if err := h.readProgramHeaders(rd, info); err != nil {
		return nil, err
	}
	if err := h.readNotes(rd, info); err != nil {
		return nil, err
	}
	if info.Expected > size {
		info.Truncated = true
	}
	return info, nil
}

func hasMagicPrefix(b []byte) bool {
	n := len(b)
	if n > len(elf.ELFMAG) {
		n = len(elf.ELFMAG)
	}
	return string(b[:n]) == elf.ELFMAG[:n]
}

// header is the part of the ELF header that the rest of the reading needs.
type header struct {
	class     int
	order     binary.ByteOrder
	ehsize    int
	phoff     uint64
	phentsize int
	phnum     uint64
	shoff     uint64
	shentsize int
	shnum     uint64
	segments  []segment // PT_NOTE segments
}

type segment struct{ off, size uint64 }

// parseIdent checks e_ident: class and data encoding must be valid.
func parseIdent(ident []byte, info *Info) (*header, bool) {
	h := &header{}
	switch elf.Class(ident[elf.EI_CLASS]) {
	case elf.ELFCLASS32:
		h.class, h.ehsize = 32, 52
	case elf.ELFCLASS64:
		h.class, h.ehsize = 64, 64
	default:
		return nil, false
	}
	switch elf.Data(ident[elf.EI_DATA]) {
	case elf.ELFDATA2LSB:
		h.order = binary.LittleEndian
	case elf.ELFDATA2MSB:
		h.order = binary.BigEndian
		info.BigEndian = true
	default:
		return nil, false
	}
	info.Class = h.class
	return h, true
}

// parseHeader reads the fields of a complete ELF header.
func (h *header) parseHeader(b []byte, info *Info) {
	o := h.order
	info.Machine = elf.Machine(o.Uint16(b[18:20]))
	if h.class == 32 {
		h.phoff = uint64(o.Uint32(b[28:32]))
		h.shoff = uint64(o.Uint32(b[32:36]))
		h.phentsize = int(o.Uint16(b[42:44]))
		h.phnum = uint64(o.Uint16(b[44:46]))
		h.shentsize = int(o.Uint16(b[46:48]))
		h.shnum = uint64(o.Uint16(b[48:50]))
		return
	}
	h.phoff = o.Uint64(b[32:40])
	h.shoff = o.Uint64(b[40:48])
	h.phentsize = int(o.Uint16(b[54:56]))
	h.phnum = uint64(o.Uint16(b[56:58]))
	h.shentsize = int(o.Uint16(b[58:60]))
	h.shnum = uint64(o.Uint16(b[60:62]))
}

// expect raises the size the headers describe to off+n.
func expect(info *Info, off, n uint64) {
	end := off + n
	if end < off || end > 1<<62 {
		info.Problem = "header describes data beyond any file size"
		return
	}
	if int64(end) > info.Expected {
		info.Expected = int64(end)
	}
}

// sectionZero reads the first section header, which holds the real program
// header count when e_phnum is PN_XNUM (0xffff).
func (h *header) sectionZero(rd reader, info *Info) (shInfo uint64, ok bool) {
	want := 40
	if h.class == 64 {
		want = 64
	}
	if h.shoff == 0 || h.shentsize < want {
		return 0, false
	}
	b, err := rd.read(int64(h.shoff), want)
	if err != nil || int64(h.shoff) < 0 {
		info.Truncated = true
		return 0, false
	}
	if h.class == 32 {
		return uint64(h.order.Uint32(b[28:32])), true
	}
	return uint64(h.order.Uint32(b[44:48])), true
}

// readProgramHeaders walks the program headers in bounded chunks, records
// the PT_NOTE segments and the size the file should have.
func (h *header) readProgramHeaders(rd reader, info *Info) error {
	want := 32
	if h.class == 64 {
		want = 56
	}
	if h.shoff != 0 && h.shentsize > 0 {
		n := h.shnum
		if n == 0 {
			n = 1 // the real count is in section 0; at least that one exists
		}
		expect(info, h.shoff, n*uint64(h.shentsize))
	}
	if h.phnum == 0xffff {
		if n, ok := h.sectionZero(rd, info); ok {
			h.phnum = n
		}
	}
	if h.phnum == 0 {
		return nil
	}
	if h.phentsize < want {
		info.Problem = fmt.Sprintf("bad program header size %d", h.phentsize)
		return nil
	}
	n := h.phnum
	if n > MaxProgramHeaders {
		info.Problem = fmt.Sprintf("%d program headers, only the first %d examined", n, MaxProgramHeaders)
		n = MaxProgramHeaders
	}
	expect(info, h.phoff, h.phnum*uint64(h.phentsize))
	if h.phoff > 1<<62 {
		return nil
	}
	perChunk := uint64(phdrChunk / h.phentsize)
	for done := uint64(0); done < n; {
		k := n - done
		if k > perChunk {
			k = perChunk
		}
		off := int64(h.phoff + done*uint64(h.phentsize))
		b, err := rd.read(off, int(k)*h.phentsize)
		if err != nil && !errors.Is(err, errShort) {
			return err
		}
		for i := 0; (i+1)*h.phentsize <= len(b); i++ {
			h.programHeader(b[i*h.phentsize:], info)
		}
		if err != nil { // short: the table runs past the end of the file
			info.Truncated = true
			return nil
		}
		done += k
	}
	return nil
}

// programHeader handles one program header.
func (h *header) programHeader(b []byte, info *Info) {
	o := h.order
	var typ uint32
	var off, filesz uint64
	if h.class == 32 {
		typ = o.Uint32(b[0:4])
		off = uint64(o.Uint32(b[4:8]))
		filesz = uint64(o.Uint32(b[16:20]))
	} else {
		typ = o.Uint32(b[0:4])
		off = o.Uint64(b[8:16])
		filesz = o.Uint64(b[32:40])
	}
	if filesz > 0 {
		expect(info, off, filesz)
	}
	if elf.ProgType(typ) == elf.PT_NOTE && filesz > 0 && len(h.segments) < MaxNoteSegments {
		h.segments = append(h.segments, segment{off: off, size: filesz})
	}
}
