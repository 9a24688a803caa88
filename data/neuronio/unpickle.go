package neuronio

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"math/big"
	"strconv"
	"unicode/utf8"
)

// Python values as the unpickler builds them:
//
//	None -> nil, bool, int -> int64 (big ints -> *big.Int), float -> float64,
//	str/bytes/unicode -> string (or lazyBytes when large), tuple -> pyTuple,
//	list/set -> *pyList, dict -> *pyDict, numpy array -> *ndarray, numpy scalar -> int64,
//	float64 or bool, numpy dtype -> *dtype, other objects -> *pyObject.
type (
	pyTuple  []any
	pyList   struct{ items []any }
	pyGlobal struct{ module, name string }
	pyObject struct {
		class pyGlobal
		args  []any
		state any
	}
	// pyDict keeps insertion order; keys are compared by value.
	pyDict struct {
		keys, vals []any
	}
)

func (d *pyDict) set(k, v any) {
	for i, key := range d.keys {
		if keyEqual(key, k) {
			d.vals[i] = v
			return
		}
	}
	d.keys = append(d.keys, k)
	d.vals = append(d.vals, v)
}

// setFast appends without looking for an existing key: pickles of dicts never repeat one.
func (d *pyDict) setFast(k, v any) {
	d.keys = append(d.keys, k)
	d.vals = append(d.vals, v)
}

func (d *pyDict) get(k string) (any, bool) {
	for i, key := range d.keys {
		if s, ok := key.(string); ok && s == k {
			return d.vals[i], true
		}
	}
	return nil, false
}

func keyEqual(a, b any) bool {
	switch x := a.(type) {
	case string, int64, float64, bool, nil:
		return a == b
	case *big.Int:
		y, ok := b.(*big.Int)
		return ok && x.Cmp(y) == 0
	}
	return false
}

// lazyThreshold is the size above which a byte string is left in the file and read only if
// used. Tests lower it to exercise the lazy path on small files.
var lazyThreshold = 1 << 16

var errTruncated = errors.New("file ends early (truncated?)")

type unpickler struct {
	in        *fileReader
	stack     []any
	metaStack [][]any
	// memo is indexed by memo key: picklers number memo entries 0, 1, 2, ...
	memo []any
}

type markObj struct{}

// unpickle reads one pickle (protocols 0 to 4; no persistent ids or extension registry).
func unpickle(in *fileReader) (any, error) {
	u := &unpickler{in: in}
	for {
		op, err := in.ReadByte()
		if err != nil {
			return nil, u.wrap(err)
		}
		done, err := u.step(op)
		if err != nil {
			return nil, u.wrap(err)
		}
		if done {
			if len(u.stack) != 1 {
				return nil, fmt.Errorf("malformed pickle: %d values left at STOP", len(u.stack))
			}
			return u.stack[0], nil
		}
	}
}

func (u *unpickler) wrap(err error) error {
	if err == io.ErrUnexpectedEOF || err == io.EOF {
		err = errTruncated
	}
	return fmt.Errorf("pickle at byte %d: %w", u.in.offset(), err)
}

func (u *unpickler) push(v any) { u.stack = append(u.stack, v) }

func (u *unpickler) pop() (any, error) {
	n := len(u.stack)
	if n == 0 {
		return nil, errors.New("malformed pickle: stack underflow")
	}
	v := u.stack[n-1]
	u.stack = u.stack[:n-1]
	if _, ok := v.(markObj); ok {
		return nil, errors.New("malformed pickle: unexpected mark")
	}
	return v, nil
}

func (u *unpickler) top() (any, error) {
	if len(u.stack) == 0 {
		return nil, errors.New("malformed pickle: empty stack")
	}
	return u.stack[len(u.stack)-1], nil
}

// popMark returns the values pushed since the last MARK.
func (u *unpickler) popMark() ([]any, error) {
	n := len(u.metaStack)
	if n == 0 {
		return nil, errors.New("malformed pickle: no mark")
	}
	items := u.stack
	u.stack = u.metaStack[n-1]
	u.metaStack = u.metaStack[:n-1]
	return items, nil
}

func (u *unpickler) readUint(n int) (uint64, error) {
	b, err := u.in.read(n)
	if err != nil {
		return 0, err
	}
	var v uint64
	for i := n - 1; i >= 0; i-- {
		v = v<<8 | uint64(b[i])
	}
	return v, nil
}

// readString reads a counted byte string, leaving large ones in the file.
func (u *unpickler) readString(n int64) (any, error) {
	if n < 0 || u.in.offset()+n > u.in.size {
		return nil, io.ErrUnexpectedEOF
	}
	if n > int64(lazyThreshold) {
		l := lazyBytes{off: u.in.offset(), n: n}
		return l, u.in.skip(n)
	}
	return u.in.readString(int(n))
}

func (u *unpickler) memoKey(n int, text bool) (int64, error) {
	if text {
		line, err := u.in.readLine()
		if err != nil {
			return 0, err
		}
		return strconv.ParseInt(string(line), 10, 64)
	}
	v, err := u.readUint(n)
	return int64(v), err
}

func (u *unpickler) step(op byte) (stop bool, err error) {
	switch op {
	case 0x80: // PROTO
		p, err := u.in.ReadByte()
		if err == nil && p > 5 {
			err = fmt.Errorf("unsupported pickle protocol %d", p)
		}
		return false, err
	case 0x95: // FRAME: a length hint only; the opcodes follow in sequence
		_, err := u.readUint(8)
		return false, err
	case '.': // STOP
		return true, nil
	case '(': // MARK
		u.metaStack = append(u.metaStack, u.stack)
		u.stack = nil
	case '0': // POP
		if len(u.stack) == 0 {
			_, err = u.popMark()
		} else {
			_, err = u.pop()
		}
	case '1': // POP_MARK
		_, err = u.popMark()
	case '2': // DUP
		var v any
		if v, err = u.top(); err == nil {
			u.push(v)
		}
	case 'N':
		u.push(nil)
	case 0x88:
		u.push(true)
	case 0x89:
		u.push(false)
	case 'I', 'L', 'F', 'S', 'V', 'c', 'i', 'g', 'p':
		err = u.textOp(op)
	case 'J': // BININT
		var v uint64
		if v, err = u.readUint(4); err == nil {
			u.push(int64(int32(uint32(v))))
		}
	case 'K': // BININT1
		var v uint64
		if v, err = u.readUint(1); err == nil {
			u.push(int64(v))
		}
	case 'M': // BININT2
		var v uint64
		if v, err = u.readUint(2); err == nil {
			u.push(int64(v))
		}
	case 0x8a, 0x8b: // LONG1, LONG4
		err = u.long(op)
	case 'G': // BINFLOAT, big-endian
		var b []byte
		if b, err = u.in.read(8); err == nil {
			u.push(math.Float64frombits(binary.BigEndian.Uint64(b)))
		}
	case 'T', 'B': // BINSTRING, BINBYTES: 4-byte length
		err = u.countedString(4, op == 'T')
	case 'U', 'C': // SHORT_BINSTRING, SHORT_BINBYTES
		err = u.countedString(1, false)
	case 0x8e: // BINBYTES8
		err = u.countedString(8, false)
	case 'X', 0x8c, 0x8d: // BINUNICODE, SHORT_BINUNICODE, BINUNICODE8
		n := 4
		switch op {
		case 0x8c:
			n = 1
		case 0x8d:
			n = 8
		}
		var l uint64
		if l, err = u.readUint(n); err == nil {
			if l > 1<<30 || int64(l) > u.in.size {
				return false, io.ErrUnexpectedEOF
			}
			var b []byte
			if b, err = u.in.read(int(l)); err == nil {
				u.push(string(b))
			}
		}
	case ')':
		u.push(pyTuple{})
	case 't':
		var items []any
		if items, err = u.popMark(); err == nil {
			u.push(pyTuple(items))
		}
	case 0x85, 0x86, 0x87: // TUPLE1..3
		n := int(op - 0x84)
		if len(u.stack) < n {
			return false, errors.New("malformed pickle: short stack for tuple")
		}
		t := append(pyTuple{}, u.stack[len(u.stack)-n:]...)
		u.stack = u.stack[:len(u.stack)-n]
		u.push(t)
	case ']':
		u.push(&pyList{})
	case 'l':
		var items []any
		if items, err = u.popMark(); err == nil {
			u.push(&pyList{items: items})
		}
	case '}':
		u.push(&pyDict{})
	case 'd':
		var items []any
		if items, err = u.popMark(); err == nil {
			d := &pyDict{}
			err = setItems(d, items)
			u.push(d)
		}
	case 0x8f: // EMPTY_SET
		u.push(&pyList{})
	case 0x91: // FROZENSET
		var items []any
		if items, err = u.popMark(); err == nil {
			u.push(&pyList{items: items})
		}
	case 'a', 'e', 0x90: // APPEND, APPENDS, ADDITEMS
		err = u.appendOp(op)
	case 's', 'u': // SETITEM, SETITEMS
		err = u.setItemOp(op)
	case 'h', 'j': // BINGET, LONG_BINGET
		var k int64
		if k, err = u.memoKey(keyWidth(op), false); err == nil {
			err = u.get(k)
		}
	case 'q', 'r': // BINPUT, LONG_BINPUT
		var k int64
		if k, err = u.memoKey(keyWidth(op), false); err == nil {
			err = u.put(k)
		}
	case 0x94: // MEMOIZE
		err = u.put(int64(len(u.memo)))
	case 0x93: // STACK_GLOBAL
		var name, module any
		if name, err = u.pop(); err == nil {
			if module, err = u.pop(); err == nil {
				m, ok1 := module.(string)
				n, ok2 := name.(string)
				if !ok1 || !ok2 {
					return false, errors.New("malformed pickle: STACK_GLOBAL needs two strings")
				}
				u.push(pyGlobal{m, n})
			}
		}
	case 'R': // REDUCE
		err = u.reduce()
	case 'b': // BUILD
		err = u.build()
	case 0x81: // NEWOBJ
		var args, cls any
		if args, err = u.pop(); err == nil {
			if cls, err = u.pop(); err == nil {
				err = u.newObject(cls, args)
			}
		}
	case 0x92: // NEWOBJ_EX
		var args, cls any
		if _, err = u.pop(); err == nil { // kwargs
			if args, err = u.pop(); err == nil {
				if cls, err = u.pop(); err == nil {
					err = u.newObject(cls, args)
				}
			}
		}
	case 'o': // OBJ
		var items []any
		if items, err = u.popMark(); err == nil {
			if len(items) == 0 {
				return false, errors.New("malformed pickle: OBJ without class")
			}
			err = u.call(items[0], items[1:])
		}
	case 'P', 'Q':
		return false, errors.New("persistent ids are not supported")
	case 0x82, 0x83, 0x84:
		return false, errors.New("pickle extension codes are not supported")
	default:
		return false, fmt.Errorf("unknown pickle opcode 0x%02x (corrupt file?)", op)
	}
	return false, err
}

// keyWidth is the width of a memo key: 1 byte for BINGET/BINPUT, 4 for the LONG_ forms.
func keyWidth(op byte) int {
	if op == 'h' || op == 'q' {
		return 1
	}
	return 4
}

func (u *unpickler) countedString(n int, signed bool) error {
	l, err := u.readUint(n)
	if err != nil {
		return err
	}
	if signed && int32(uint32(l)) < 0 {
		return errors.New("malformed pickle: negative string length")
	}
	if l > math.MaxInt64/2 {
		return io.ErrUnexpectedEOF
	}
	v, err := u.readString(int64(l))
	if err == nil {
		u.push(v)
	}
	return err
}

func (u *unpickler) long(op byte) error {
	n := 1
	if op == 0x8b {
		n = 4
	}
	l, err := u.readUint(n)
	if err != nil {
		return err
	}
	if l > 1<<20 {
		return errors.New("malformed pickle: integer of more than 1 MiB")
	}
	b, err := u.in.read(int(l))
	if err != nil {
		return err
	}
	u.push(decodeLong(b))
	return nil
}

// decodeLong decodes a little-endian two's-complement integer.
func decodeLong(b []byte) any {
	if len(b) == 0 {
		return int64(0)
	}
	if len(b) <= 8 {
		var v uint64
		for i := len(b) - 1; i >= 0; i-- {
			v = v<<8 | uint64(b[i])
		}
		shift := uint(64 - 8*len(b))
		return int64(v<<shift) >> shift
	}
	be := make([]byte, len(b))
	for i := range b {
		be[len(b)-1-i] = b[i]
	}
	x := new(big.Int).SetBytes(be)
	if b[len(b)-1]&0x80 != 0 {
		x.Sub(x, new(big.Int).Lsh(big.NewInt(1), uint(8*len(b))))
	}
	return x
}

// textOp handles the protocol-0 opcodes whose argument is a text line.
func (u *unpickler) textOp(op byte) error {
	line, err := u.in.readLine()
	if err != nil {
		return err
	}
	s := string(line)
	switch op {
	case 'I':
		switch s {
		case "00":
			u.push(false)
		case "01":
			u.push(true)
		default:
			v, err := strconv.ParseInt(s, 10, 64)
			if err != nil {
				return fmt.Errorf("malformed INT %q", s)
			}
			u.push(v)
		}
	case 'L':
		x, ok := new(big.Int).SetString(trimSuffix(s, "L"), 10)
		if !ok {
			return fmt.Errorf("malformed LONG %q", s)
		}
		if x.IsInt64() {
			u.push(x.Int64())
		} else {
			u.push(x)
		}
	case 'F':
		v, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return fmt.Errorf("malformed FLOAT %q", s)
		}
		u.push(v)
	case 'S':
		v, err := strconv.Unquote(pyQuoted(s))
		if err != nil {
			return fmt.Errorf("malformed STRING %q", s)
		}
		u.push(v)
	case 'V':
		u.push(s) // raw-unicode-escape; ASCII is all NeuronIO files use
	case 'c', 'i':
		name, err := u.in.readLine()
		if err != nil {
			return err
		}
		g := pyGlobal{s, string(name)}
		if op == 'c' {
			u.push(g)
			return nil
		}
		items, err := u.popMark()
		if err != nil {
			return err
		}
		return u.call(g, items)
	case 'g':
		k, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return fmt.Errorf("malformed GET %q", s)
		}
		return u.get(k)
	case 'p':
		k, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return fmt.Errorf("malformed PUT %q", s)
		}
		return u.put(k)
	}
	return nil
}

func trimSuffix(s, suf string) string {
	if len(s) > 0 && s[len(s)-1:] == suf {
		return s[:len(s)-1]
	}
	return s
}

// pyQuoted turns a Python repr string ('abc' or "abc") into a Go-quoted one.
func pyQuoted(s string) string {
	if len(s) >= 2 && s[0] == '\'' && s[len(s)-1] == '\'' {
		inner := s[1 : len(s)-1]
		out := []byte{'"'}
		for i := 0; i < len(inner); i++ {
			c := inner[i]
			switch {
			case c == '"':
				out = append(out, '\\', '"')
			case c == '\\' && i+1 < len(inner) && inner[i+1] == '\'':
				out = append(out, '\'')
				i++
			default:
				out = append(out, c)
			}
		}
		return string(append(out, '"'))
	}
	return s
}

type memoHole struct{}

func (u *unpickler) get(k int64) error {
	if k < 0 || k >= int64(len(u.memo)) {
		return fmt.Errorf("malformed pickle: memo key %d not found", k)
	}
	if _, hole := u.memo[k].(memoHole); hole {
		return fmt.Errorf("malformed pickle: memo key %d not found", k)
	}
	u.push(u.memo[k])
	return nil
}

func (u *unpickler) put(k int64) error {
	v, err := u.top()
	if err != nil {
		return err
	}
	if k < 0 || k > int64(len(u.memo))+1<<20 {
		return fmt.Errorf("malformed pickle: memo key %d far beyond the %d entries so far",
			k, len(u.memo))
	}
	for int64(len(u.memo)) <= k {
		u.memo = append(u.memo, memoHole{})
	}
	u.memo[k] = v
	return nil
}

// popItems pops the operands of an append or setitem opcode: n values for the single form
// (op == single), else everything down to the mark. They are returned in stack order.
func (u *unpickler) popItems(op, single byte, n int) ([]any, error) {
	if op != single {
		return u.popMark()
	}
	items := make([]any, n)
	for i := n - 1; i >= 0; i-- {
		v, err := u.pop()
		if err != nil {
			return nil, err
		}
		items[i] = v
	}
	return items, nil
}

func (u *unpickler) appendOp(op byte) error {
	items, err := u.popItems(op, 'a', 1)
	if err != nil {
		return err
	}
	t, err := u.top()
	if err != nil {
		return err
	}
	l, ok := t.(*pyList)
	if !ok {
		return fmt.Errorf("malformed pickle: append to %T", t)
	}
	l.items = append(l.items, items...)
	return nil
}

func (u *unpickler) setItemOp(op byte) error {
	items, err := u.popItems(op, 's', 2)
	if err != nil {
		return err
	}
	t, err := u.top()
	if err != nil {
		return err
	}
	d, ok := t.(*pyDict)
	if !ok {
		return fmt.Errorf("malformed pickle: set item on %T", t)
	}
	return setItems(d, items)
}

func setItems(d *pyDict, items []any) error {
	if len(items)%2 != 0 {
		return errors.New("malformed pickle: odd number of dict items")
	}
	for i := 0; i < len(items); i += 2 {
		if len(d.keys) < 64 {
			d.set(items[i], items[i+1])
		} else {
			d.setFast(items[i], items[i+1])
		}
	}
	return nil
}

func (u *unpickler) reduce() error {
	args, err := u.pop()
	if err != nil {
		return err
	}
	fn, err := u.pop()
	if err != nil {
		return err
	}
	t, ok := args.(pyTuple)
	if !ok {
		return fmt.Errorf("malformed pickle: REDUCE arguments are %T", args)
	}
	return u.call(fn, t)
}

func (u *unpickler) newObject(cls, args any) error {
	g, ok := cls.(pyGlobal)
	if !ok {
		return fmt.Errorf("malformed pickle: NEWOBJ class is %T", cls)
	}
	t, _ := args.(pyTuple)
	if g.name == "OrderedDict" || g.name == "dict" {
		u.push(&pyDict{})
		return nil
	}
	u.push(&pyObject{class: g, args: t})
	return nil
}

// call applies a pickled callable: the numpy reconstructors, codecs.encode and a few
// builtins are understood; anything else becomes an opaque *pyObject.
func (u *unpickler) call(fn any, args []any) error {
	g, ok := fn.(pyGlobal)
	if !ok {
		if obj, ok := fn.(*pyObject); ok { // calling an instance: keep it opaque
			u.push(&pyObject{class: obj.class, args: args})
			return nil
		}
		return fmt.Errorf("malformed pickle: calling %T", fn)
	}
	switch g.module + "." + g.name {
	case "numpy.core.multiarray._reconstruct", "numpy._core.multiarray._reconstruct":
		u.push(&ndarray{})
	case "numpy.dtype":
		if len(args) < 1 {
			return errors.New("numpy.dtype without arguments")
		}
		spec, ok := args[0].(string)
		if !ok {
			return fmt.Errorf("numpy.dtype argument is %T", args[0])
		}
		d := &dtype{spec: spec, order: '='}
		if err := d.parse(); err != nil {
			return err
		}
		u.push(d)
	case "numpy.core.multiarray.scalar", "numpy._core.multiarray.scalar":
		v, err := numpyScalar(u.in, args)
		if err != nil {
			return err
		}
		u.push(v)
	case "_codecs.encode":
		v, err := codecsEncode(args)
		if err != nil {
			return err
		}
		u.push(v)
	case "collections.OrderedDict", "__builtin__.dict", "builtins.dict":
		d := &pyDict{}
		if len(args) == 1 {
			if l, ok := args[0].(*pyList); ok { // OrderedDict([(k, v), ...])
				for _, it := range l.items {
					if kv, ok := it.(pyTuple); ok && len(kv) == 2 {
						d.set(kv[0], kv[1])
					}
				}
			}
		}
		u.push(d)
	case "__builtin__.set", "builtins.set", "__builtin__.frozenset", "builtins.frozenset",
		"__builtin__.list", "builtins.list":
		l := &pyList{}
		if len(args) == 1 {
			if src, ok := args[0].(*pyList); ok {
				l.items = append(l.items, src.items...)
			}
		}
		u.push(l)
	default:
		u.push(&pyObject{class: g, args: args})
	}
	return nil
}

func (u *unpickler) build() error {
	state, err := u.pop()
	if err != nil {
		return err
	}
	obj, err := u.top()
	if err != nil {
		return err
	}
	switch o := obj.(type) {
	case *ndarray:
		return o.setState(state)
	case *dtype:
		return o.setState(state)
	case *pyObject:
		o.state = state
	}
	return nil
}

// codecsEncode is _codecs.encode(text, "latin1"), which Python 3 uses to pickle bytes in
// protocol 2: every rune of the text is one byte.
func codecsEncode(args []any) (any, error) {
	if len(args) != 2 {
		return nil, fmt.Errorf("_codecs.encode with %d arguments", len(args))
	}
	s, ok1 := args[0].(string)
	enc, ok2 := args[1].(string)
	if !ok1 || !ok2 || (enc != "latin1" && enc != "latin-1") {
		return nil, fmt.Errorf("unsupported _codecs.encode(%T, %v)", args[0], args[1])
	}
	out := make([]byte, 0, len(s))
	for len(s) > 0 {
		r, n := utf8.DecodeRuneInString(s)
		if r > 255 {
			return nil, fmt.Errorf("_codecs.encode: rune %U is not latin1", r)
		}
		out = append(out, byte(r))
		s = s[n:]
	}
	return string(out), nil
}
