package cores

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/klauspost/compress/zstd"
	"github.com/pierrec/lz4/v4"
	"github.com/ulikunitz/xz"

	"github.com/msgstore-plugins/msgstore/lib/elfcore"
)

// Bounds on reading a compressed core. The headers and the notes that
// name the process are at its start, so a prefix is enough; the window
// and dictionary caps keep a hostile file (a core directory may be
// writable by others) from making the decoder allocate gigabytes.
const (
	maxDecompressed = 1 << 20  // bytes of a compressed core decompressed
	maxZstdWindow   = 32 << 20 // systemd's zstd level uses a few MiB
	maxXzDict       = 64 << 20 // xz -9's dictionary; systemd's default preset uses 8 MiB
)

// errDecode marks a compressed stream that could not be decoded, as
// opposed to a file that could not be opened or read.
var errDecode = errors.New("cannot be decoded")

// decodeError wraps err from the decoder of compression.
func decodeError(compression string, err error) error {
	return fmt.Errorf("%w as %s: %v", errDecode, compressionName(compression), err)
}

// identifyCompressed identifies the decompressed start of a core that
// systemd-coredump compressed with compression ("zst", "lz4", "xz").
// An error wrapping errDecode means the file was read but not decoded.
func identifyCompressed(path, compression string) (*elfcore.Info, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r, closeDecoder, err := decoder(bufio.NewReaderSize(f, 64<<10), compression)
	if err != nil {
		return nil, err
	}
	defer closeDecoder()
	info, err := elfcore.IdentifyPrefix(r, maxDecompressed)
	if err != nil {
		var pe *os.PathError
		if errors.As(err, &pe) {
			return nil, err
		}
		return nil, decodeError(compression, err)
	}
	return info, nil
}

// decoder returns a reader of the decompressed stream and its closer.
func decoder(br *bufio.Reader, compression string) (io.Reader, func(), error) {
	switch compression {
	case "zst":
		// One goroutine, little memory: only a prefix is read.
		d, err := zstd.NewReader(br, zstd.WithDecoderConcurrency(1), zstd.WithDecoderLowmem(true),
			zstd.WithDecoderMaxWindow(maxZstdWindow), zstd.WithDecoderMaxMemory(maxZstdWindow))
		if err != nil {
			return nil, nil, decodeError(compression, err)
		}
		return d, d.Close, nil
	case "lz4":
		r := lz4.NewReader(br)
		if err := r.Apply(lz4.ConcurrencyOption(1)); err != nil {
			return nil, nil, decodeError(compression, err)
		}
		return r, func() {}, nil
	case "xz":
		head, err := br.Peek(64)
		if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
			return nil, nil, err
		}
		if err := checkXzDict(head); err != nil {
			return nil, nil, decodeError(compression, err)
		}
		r, err := xz.ReaderConfig{SingleStream: true}.NewReader(br)
		if err != nil {
			return nil, nil, decodeError(compression, err)
		}
		return r, func() {}, nil
	}
	return nil, nil, fmt.Errorf("unknown compression %q", compression)
}

// checkXzDict reads the dictionary size of the first block's LZMA2 filter
// and refuses one over maxXzDict: the xz reader allocates whatever the
// stream asks for. head is the start of the file: the 12-byte stream
// header, then the block header (xz file format 1.0.4, 3.1).
func checkXzDict(head []byte) error {
	const streamHeader = 12
	if len(head) < streamHeader+2 {
		return nil // too short for a block: the reader says what is wrong
	}
	b := head[streamHeader:]
	if b[0] == 0 {
		return nil // the index: an empty stream
	}
	size := (int(b[0]) + 1) * 4
	if size > len(b) {
		size = len(b)
	}
	flags := b[1]
	p := 2
	skipVarint := func() bool {
		for i := 0; i < 9 && p < size; i++ {
			p++
			if b[p-1]&0x80 == 0 {
				return true
			}
		}
		return false
	}
	readVarint := func() (uint64, bool) {
		var v uint64
		for i := 0; i < 9 && p < size; i++ {
			c := b[p]
			p++
			v |= uint64(c&0x7f) << (7 * i)
			if c&0x80 == 0 {
				return v, true
			}
		}
		return 0, false
	}
	if flags&0x40 != 0 && !skipVarint() {
		return nil
	}
	if flags&0x80 != 0 && !skipVarint() {
		return nil
	}
	for n := int(flags&3) + 1; n > 0; n-- {
		id, ok1 := readVarint()
		propSize, ok2 := readVarint()
		if !ok1 || !ok2 || propSize > uint64(size-p) {
			return nil
		}
		if id == 0x21 && propSize == 1 {
			code := b[p]
			if code > 40 {
				return nil // invalid: the reader rejects it
			}
			dict := uint64(0xffffffff)
			if code < 40 {
				dict = uint64(2|code&1) << (code/2 + 11)
			}
			if dict > maxXzDict {
				return fmt.Errorf("dictionary of %d MiB, more than the %d MiB allowed", dict>>20, maxXzDict>>20)
			}
		}
		p += int(propSize)
	}
	return nil
}
