package elfcore

import (
	"bytes"
	"errors"
	"io"
)

// IdentifyPrefix identifies a core that can only be read from the start,
// such as one systemd-coredump compressed: it reads at most limit bytes of
// r and identifies them. The headers and the notes that name the process
// come first in a core, so a prefix of a few hundred KiB names it.
//
// When r ends within limit, the whole core was read and Info is what
// Identify says of it. Otherwise Info.Partial is set and Truncated is not:
// what lies beyond the prefix is unknown, not missing. The error is the
// reader's (a corrupt compressed stream, for instance), returned only when
// not even an ELF header could be read; after that the bytes read so far
// are identified and the error is dropped with the rest of the stream.
func IdentifyPrefix(r io.Reader, limit int) (*Info, error) {
	if limit <= 0 {
		limit = 1
	}
	buf := make([]byte, 0, min(limit, 64<<10))
	var rerr error
	empty := 0 // reads in a row that returned nothing
	for len(buf) < limit {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		end := min(cap(buf), limit)
		n, err := r.Read(buf[len(buf):end])
		buf = buf[:len(buf)+n]
		if n == 0 && err == nil {
			if empty++; empty >= 100 {
				rerr = io.ErrNoProgress
				break
			}
			continue
		}
		empty = 0
		if err != nil {
			if !errors.Is(err, io.EOF) {
				rerr = err
			}
			break
		}
	}
	complete := len(buf) < limit && rerr == nil
	if rerr != nil && len(buf) < 64 {
		return nil, rerr
	}
	info, err := Identify(bytes.NewReader(buf), int64(len(buf)))
	if err != nil {
		return nil, err
	}
	if !complete {
		info.Partial = true
		info.Truncated = false
	}
	return info, nil
}
