package seqtasks

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"fmt"
	"io"
	"os"
)

// IDX is the content of one idx file (the MNIST family's format): a big-endian header with
// magic bytes 0, 0, type, number of dimensions, then one uint32 size per dimension, then the
// values row-major. Only unsigned-byte values (type 0x08) are supported.
type IDX struct {
	Dims   []int
	Values []uint8
}

// maxIDXValues bounds the size a header may announce (1 GiB), so a corrupt header fails
// cleanly instead of allocating without limit.
const maxIDXValues = 1 << 30

// ReadIDXFile reads an idx file, gzipped (recognised by its magic bytes) or plain. The
// header must announce unsigned bytes and wantDims dimensions, and the file must hold exactly
// the announced number of values: truncated or oversized files are rejected with an error
// naming the file.
func ReadIDXFile(path string, wantDims int) (*IDX, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("seqtasks: reading idx file: %w", err)
	}
	var r io.Reader = bytes.NewReader(raw)
	if len(raw) >= 2 && raw[0] == 0x1f && raw[1] == 0x8b {
		zr, err := gzip.NewReader(r)
		if err != nil {
			return nil, fmt.Errorf("seqtasks: idx file %s: bad gzip header: %w", path, err)
		}
		r = zr
	}
	idx, err := readIDX(bufio.NewReader(r), wantDims)
	if err != nil {
		return nil, fmt.Errorf("seqtasks: idx file %s: %w", path, err)
	}
	return idx, nil
}

func readIDX(r io.Reader, wantDims int) (*IDX, error) {
	var magic [4]byte
	if _, err := io.ReadFull(r, magic[:]); err != nil {
		return nil, fmt.Errorf("too short for the 4 magic bytes: %w", err)
	}
	if magic[0] != 0 || magic[1] != 0 {
		return nil, fmt.Errorf("magic bytes % x do not start with 00 00: not an idx file", magic)
	}
	if magic[2] != 0x08 {
		return nil, fmt.Errorf("value type 0x%02x is not unsigned byte (0x08)", magic[2])
	}
	if int(magic[3]) != wantDims {
		return nil, fmt.Errorf("magic announces %d dimensions, want %d", magic[3], wantDims)
	}
	dims := make([]int, wantDims)
	total := 1
	for d := range dims {
		var v uint32
		if err := binary.Read(r, binary.BigEndian, &v); err != nil {
			return nil, fmt.Errorf("header truncated in dimension %d: %w", d, err)
		}
		dims[d] = int(v)
		total *= int(v)
		if v == 0 || total > maxIDXValues {
			return nil, fmt.Errorf("dimension %d has implausible size %d", d, v)
		}
	}
	values := make([]uint8, total)
	if n, err := io.ReadFull(r, values); err != nil {
		return nil, fmt.Errorf("truncated: header announces %v = %d values, file holds %d (%v)",
			dims, total, n, err)
	}
	if n, _ := io.Copy(io.Discard, r); n > 0 {
		return nil, fmt.Errorf("%d bytes after the %d values announced by the header %v", n, total,
			dims)
	}
	return &IDX{Dims: dims, Values: values}, nil
}
