package neuronio

import (
	"encoding/binary"
	"fmt"
	"math"
	"strings"
)

// dtype is a numpy dtype restored from a pickle: numpy.dtype(spec, align, copy) followed by
// BUILD with the state (version, byteorder, subarray, names, fields, elsize, alignment,
// flags[, metadata]).
type dtype struct {
	spec  string // e.g. "f2", "i8", "u1", "b1"
	order byte   // '<', '>', '|' or '='
	kind  byte   // 'f', 'i', 'u' or 'b'
	size  int    // bytes per element
}

func (d *dtype) setState(state any) error {
	t, ok := state.(pyTuple)
	if !ok || len(t) < 2 {
		return fmt.Errorf("numpy dtype %s: state is %T, want a tuple", d.spec, state)
	}
	o, ok := t[1].(string)
	if !ok || len(o) != 1 || !strings.Contains("<>|=", o) {
		return fmt.Errorf("numpy dtype %s: byte order %v", d.spec, t[1])
	}
	if len(t) > 3 && t[3] != nil {
		return fmt.Errorf("numpy dtype %s: structured dtypes are not supported", d.spec)
	}
	d.order = o[0]
	return nil
}

// parse splits the spec, e.g. "f2" -> kind 'f', size 2. Unsupported specs (e.g. "O8",
// "S10", "V8") are kept with kind 0 and fail only if their values are used.
func (d *dtype) parse() error {
	if len(d.spec) < 2 {
		return nil
	}
	k, n := d.spec[0], int(d.spec[1]-'0')
	if len(d.spec) != 2 {
		n = 0
	}
	ok := (k == 'f' && (n == 2 || n == 4 || n == 8)) ||
		((k == 'i' || k == 'u') && (n == 1 || n == 2 || n == 4 || n == 8)) ||
		(k == 'b' && n == 1)
	if ok {
		d.kind, d.size = k, n
	}
	return nil
}

// kindSize returns the element kind and size, or an error for unsupported dtypes.
func (d *dtype) kindSize() (byte, int, error) {
	if d.kind == 0 {
		return 0, 0, fmt.Errorf("numpy dtype %q is not supported", d.spec)
	}
	return d.kind, d.size, nil
}

func (d *dtype) byteOrder() binary.ByteOrder {
	if d.order == '>' {
		return binary.BigEndian
	}
	return binary.LittleEndian // '<', '|', and '=' on every platform we run on
}

// decode returns element i of raw as float64 (exact for every supported type except int64
// and uint64 values beyond 2^53, which NeuronIO never holds).
func (d *dtype) decode(raw []byte, i int) (float64, error) {
	k, n, err := d.kindSize()
	if err != nil {
		return 0, err
	}
	b := raw[i*n : (i+1)*n]
	bo := d.byteOrder()
	switch {
	case k == 'f' && n == 2:
		return float64(halfToFloat32(bo.Uint16(b))), nil
	case k == 'f' && n == 4:
		return float64(math.Float32frombits(bo.Uint32(b))), nil
	case k == 'f' && n == 8:
		return math.Float64frombits(bo.Uint64(b)), nil
	case k == 'b':
		if b[0] != 0 {
			return 1, nil
		}
		return 0, nil
	}
	var u uint64
	switch n {
	case 1:
		u = uint64(b[0])
	case 2:
		u = uint64(bo.Uint16(b))
	case 4:
		u = uint64(bo.Uint32(b))
	case 8:
		u = bo.Uint64(b)
	}
	if k == 'u' {
		return float64(u), nil
	}
	shift := uint(64 - 8*n)
	return float64(int64(u<<shift) >> shift), nil
}

// halfToFloat32 converts an IEEE 754 binary16 value exactly.
func halfToFloat32(h uint16) float32 {
	sign := uint32(h>>15) << 31
	exp := uint32(h>>10) & 0x1f
	frac := uint32(h) & 0x3ff
	switch {
	case exp == 0x1f: // Inf, NaN
		return math.Float32frombits(sign | 0xff<<23 | frac<<13)
	case exp != 0: // normal
		return math.Float32frombits(sign | (exp+112)<<23 | frac<<13)
	case frac == 0: // ±0
		return math.Float32frombits(sign)
	}
	// Subnormal: frac · 2^-24.
	v := float32(frac) * float32(1.0/(1<<24))
	if sign != 0 {
		v = -v
	}
	return v
}

// ndarray is a numpy array restored from numpy.core.multiarray._reconstruct and its state
// (version, shape, dtype, is_fortran, raw bytes). The raw bytes may still be in the file.
type ndarray struct {
	shape   []int
	dt      *dtype
	fortran bool
	data    any // string or lazyBytes
}

func (a *ndarray) setState(state any) error {
	t, ok := state.(pyTuple)
	if !ok {
		return fmt.Errorf("numpy array state is %T, want a tuple", state)
	}
	if len(t) == 5 { // (version, shape, dtype, fortran, data); version 0/1 has no 5th field
		t = t[1:]
	}
	if len(t) != 4 {
		return fmt.Errorf("numpy array state has %d fields, want 4 or 5", len(t))
	}
	shape, ok := t[0].(pyTuple)
	if !ok {
		return fmt.Errorf("numpy array shape is %T", t[0])
	}
	for _, d := range shape {
		n, ok := d.(int64)
		if !ok || n < 0 {
			return fmt.Errorf("numpy array dimension %v", d)
		}
		a.shape = append(a.shape, int(n))
	}
	if a.dt, ok = t[1].(*dtype); !ok {
		return fmt.Errorf("numpy array dtype is %T", t[1])
	}
	a.fortran, _ = t[2].(bool)
	switch t[3].(type) {
	case string, lazyBytes:
		a.data = t[3]
	default:
		return fmt.Errorf("numpy array of dtype %s holds %T (object arrays are not supported)",
			a.dt.spec, t[3])
	}
	return nil
}

func (a *ndarray) size() int {
	n := 1
	for _, d := range a.shape {
		n *= d
	}
	return n
}

// values returns the elements as float64 in storage order (row-major unless fortran).
func (a *ndarray) values(in *fileReader) ([]float64, error) {
	_, n, err := a.dt.kindSize()
	if err != nil {
		return nil, err
	}
	var raw []byte
	switch d := a.data.(type) {
	case string:
		raw = []byte(d)
	case lazyBytes:
		if raw, err = in.load(d); err != nil {
			return nil, err
		}
	}
	if len(raw) != a.size()*n {
		return nil, fmt.Errorf("numpy array %v of %s holds %d bytes, want %d", a.shape,
			a.dt.spec, len(raw), a.size()*n)
	}
	out := make([]float64, a.size())
	for i := range out {
		if out[i], err = a.dt.decode(raw, i); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// numpyScalar is numpy.core.multiarray.scalar(dtype, raw bytes): an int64, float64 or bool.
func numpyScalar(in *fileReader, args []any) (any, error) {
	if len(args) != 2 {
		return nil, fmt.Errorf("numpy scalar with %d arguments", len(args))
	}
	dt, ok := args[0].(*dtype)
	if !ok {
		return nil, fmt.Errorf("numpy scalar dtype is %T", args[0])
	}
	raw, ok := args[1].(string)
	if !ok {
		return nil, fmt.Errorf("numpy scalar data is %T", args[1])
	}
	k, n, err := dt.kindSize()
	if err != nil {
		return nil, err
	}
	if len(raw) != n {
		return nil, fmt.Errorf("numpy scalar of %s holds %d bytes", dt.spec, len(raw))
	}
	if k == 'i' || k == 'u' {
		var u uint64
		bo := dt.byteOrder()
		switch n {
		case 1:
			u = uint64(raw[0])
		case 2:
			u = uint64(bo.Uint16([]byte(raw)))
		case 4:
			u = uint64(bo.Uint32([]byte(raw)))
		case 8:
			u = bo.Uint64([]byte(raw))
		}
		if k == 'u' {
			return int64(u), nil
		}
		shift := uint(64 - 8*n)
		return int64(u<<shift) >> shift, nil
	}
	v, err := dt.decode([]byte(raw), 0)
	if err != nil {
		return nil, err
	}
	if k == 'b' {
		return v != 0, nil
	}
	return v, nil
}
