package cores

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"

	"github.com/klauspost/compress/zstd"
	"github.com/pierrec/lz4/v4"
	"github.com/ulikunitz/xz/lzma"

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
		r, err := xzFirstBlock(br)
		if err != nil {
			return nil, nil, decodeError(compression, err)
		}
		return r, func() {}, nil
	}
	return nil, nil, fmt.Errorf("unknown compression %q", compression)
}

// xzFirstBlock returns a reader of the first block of an xz stream (xz
// file format 1.0.4): systemd writes one block, with the LZMA2 filter
// alone. The headers are read here rather than by the xz package, whose
// reader allocates whatever dictionary each block asks for: here the one
// block read may ask for maxXzDict at most, and no later block is read.
func xzFirstBlock(br *bufio.Reader) (io.Reader, error) {
	var stream [12]byte
	if _, err := io.ReadFull(br, stream[:]); err != nil {
		return nil, fmt.Errorf("stream header: %w", err)
	}
	if string(stream[:6]) != "\xfd7zXZ\x00" {
		return nil, errors.New("not an xz stream")
	}
	if crc32.ChecksumIEEE(stream[6:8]) != binary.LittleEndian.Uint32(stream[8:12]) {
		return nil, errors.New("stream header checksum mismatch")
	}
	first, err := br.ReadByte()
	if err != nil {
		return nil, fmt.Errorf("block header: %w", err)
	}
	if first == 0 {
		return bytes.NewReader(nil), nil // the index at once: no data
	}
	head := make([]byte, (int(first)+1)*4)
	head[0] = first
	if _, err := io.ReadFull(br, head[1:]); err != nil {
		return nil, fmt.Errorf("block header: %w", err)
	}
	dict, err := xzBlockDict(head)
	if err != nil {
		return nil, err
	}
	return lzma.Reader2Config{DictCap: max(dict, lzma.MinDictCap)}.NewReader2(br)
}

// xzBlockDict checks a whole block header (size byte to CRC32) and returns
// the dictionary size of its single LZMA2 filter.
func xzBlockDict(head []byte) (int, error) {
	n := len(head)
	if crc32.ChecksumIEEE(head[:n-4]) != binary.LittleEndian.Uint32(head[n-4:]) {
		return 0, errors.New("block header checksum mismatch")
	}
	flags := head[1]
	if flags&0x3c != 0 {
		return 0, errors.New("block header with reserved flags")
	}
	if flags&3 != 0 {
		return 0, errors.New("filters before LZMA2 (systemd uses none): not read")
	}
	p := 2
	varint := func() (uint64, bool) {
		var v uint64
		for i := 0; i < 9 && p < n-4; i++ {
			c := head[p]
			p++
			v |= uint64(c&0x7f) << (7 * i)
			if c&0x80 == 0 {
				return v, true
			}
		}
		return 0, false
	}
	for _, bit := range []byte{0x40, 0x80} { // compressed size, uncompressed size
		if flags&bit == 0 {
			continue
		}
		if _, ok := varint(); !ok {
			return 0, errors.New("bad block header")
		}
	}
	id, ok1 := varint()
	props, ok2 := varint()
	if !ok1 || !ok2 || id != 0x21 || props != 1 || p >= n-4 {
		return 0, fmt.Errorf("filter %#x: only LZMA2 is read", id)
	}
	code := head[p]
	if code > 40 {
		return 0, errors.New("bad LZMA2 dictionary size")
	}
	dict := uint64(0xffffffff)
	if code < 40 {
		dict = uint64(2|code&1) << (code/2 + 11)
	}
	if dict > maxXzDict {
		return 0, fmt.Errorf("dictionary of %d MiB, more than the %d MiB allowed", dict>>20, maxXzDict>>20)
	}
	return int(dict), nil
}
