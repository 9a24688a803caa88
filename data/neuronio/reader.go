package neuronio

import (
	"fmt"
	"io"
	"os"
)

// fileReader is a buffered reader over a file that tracks its offset and can skip ahead by
// seeking, so that large payloads the loader never looks at are not read at all.
type fileReader struct {
	f    *os.File
	size int64
	buf  []byte
	r, w int   // unread bytes are buf[r:w]
	base int64 // file offset of buf[0]
}

func newFileReader(f *os.File, size int64) *fileReader {
	return &fileReader{f: f, size: size, buf: make([]byte, 1<<16)}
}

// offset is the file position of the next unread byte.
func (fr *fileReader) offset() int64 { return fr.base + int64(fr.r) }

func (fr *fileReader) fill() error {
	if fr.r < fr.w {
		return nil
	}
	fr.base += int64(fr.w)
	fr.r, fr.w = 0, 0
	n, err := fr.f.ReadAt(fr.buf, fr.base)
	fr.w = n
	if n > 0 {
		return nil
	}
	if err == nil || err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}

func (fr *fileReader) ReadByte() (byte, error) {
	if err := fr.fill(); err != nil {
		return 0, err
	}
	b := fr.buf[fr.r]
	fr.r++
	return b, nil
}

// read returns the next n bytes (a fresh slice).
func (fr *fileReader) read(n int) ([]byte, error) {
	if n < 0 || fr.offset()+int64(n) > fr.size {
		return nil, io.ErrUnexpectedEOF
	}
	out := make([]byte, n)
	for k := 0; k < n; {
		if err := fr.fill(); err != nil {
			return nil, err
		}
		c := copy(out[k:], fr.buf[fr.r:fr.w])
		fr.r += c
		k += c
	}
	return out, nil
}

// readString returns the next n bytes as a string.
func (fr *fileReader) readString(n int) (string, error) {
	if n <= fr.w-fr.r {
		s := string(fr.buf[fr.r : fr.r+n])
		fr.r += n
		return s, nil
	}
	b, err := fr.read(n)
	return string(b), err
}

// skip moves past n bytes without reading them.
func (fr *fileReader) skip(n int64) error {
	if n < 0 || fr.offset()+n > fr.size {
		return io.ErrUnexpectedEOF
	}
	if n <= int64(fr.w-fr.r) {
		fr.r += int(n)
		return nil
	}
	fr.base = fr.offset() + n
	fr.r, fr.w = 0, 0
	return nil
}

// readLine returns the bytes up to (not including) the next newline.
func (fr *fileReader) readLine() ([]byte, error) {
	var line []byte
	for {
		b, err := fr.ReadByte()
		if err != nil {
			return nil, err
		}
		if b == '\n' {
			return line, nil
		}
		line = append(line, b)
		if len(line) > 1<<16 {
			return nil, fmt.Errorf("text line longer than 64 KiB")
		}
	}
}

// lazyBytes is a byte string left in the file: length n at offset off.
type lazyBytes struct {
	off, n int64
}

func (fr *fileReader) load(l lazyBytes) ([]byte, error) {
	out := make([]byte, l.n)
	if _, err := fr.f.ReadAt(out, l.off); err != nil {
		return nil, err
	}
	return out, nil
}
