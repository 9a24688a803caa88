package teacher

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"

	"github.com/elmneuron/elm/data"
)

// Cache file format. Bump cacheFormat when the layout changes and generatorVersion when a
// change of the model or input code changes the data for the same Config; either makes old
// cache files unreachable (their names change).
const (
	cacheMagic       = "ELMTEACH"
	cacheFormat      = 1
	generatorVersion = 1
	checksumLen      = sha256.Size
)

// cacheKey is the canonical description of the data a Config generates.
func cacheKey(cfg Config) string {
	f := func(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }
	return fmt.Sprintf("teacher format=%d generator=%d sims=%d duration_ms=%d seed=%d "+
		"dt_ms=%s drive=%s..%s ampa_ns=%s nmda_ns=%s gaba_ns=%s mg_slope=%s mg_mm=%s",
		cacheFormat, generatorVersion, cfg.NumSims, cfg.DurationMS, cfg.Seed, f(cfg.DtMS),
		f(cfg.DriveMin), f(cfg.DriveMax), f(cfg.AMPAnS), f(cfg.NMDAnS), f(cfg.GABAnS),
		f(cfg.MgSlope), f(cfg.MgMM))
}

// CacheFileName is the name of cfg's cache file: "teacher-" followed by 16 hex digits of a
// hash of every setting that changes the data (not Workers), the format and generator
// versions, and ".bin".
func CacheFileName(cfg Config) string {
	h := sha256.Sum256([]byte(cacheKey(cfg)))
	return "teacher-" + hex.EncodeToString(h[:8]) + ".bin"
}

// Cached returns cfg's data set from dir, generating it and writing dir/CacheFileName(cfg)
// if the file is missing, truncated, corrupt (checksum mismatch) or made for other
// settings. The file is written atomically (temporary file, then rename), so concurrent
// callers and interrupted runs never leave a half-written cache under the final name.
//
// If the data were generated but could not be written, Cached returns the data together
// with the write error.
func Cached(dir string, cfg Config) ([]*data.Simulation, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	path := filepath.Join(dir, CacheFileName(cfg))
	if sims, err := LoadCache(path, cfg); err == nil {
		return sims, nil
	}
	sims, err := Generate(cfg)
	if err != nil {
		return nil, err
	}
	if err := SaveCache(path, cfg, sims); err != nil {
		return sims, err
	}
	return sims, nil
}

// SaveCache writes sims, generated from cfg, to path atomically.
func SaveCache(path string, cfg Config, sims []*data.Simulation) (err error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("teacher: cache directory: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("teacher: cache %s: %w", path, err)
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	bw := bufio.NewWriterSize(tmp, 1<<20)
	if err = encodeCache(bw, cfg, sims); err != nil {
		return fmt.Errorf("teacher: writing cache %s: %w", path, err)
	}
	if err = bw.Flush(); err != nil {
		return fmt.Errorf("teacher: writing cache %s: %w", path, err)
	}
	if err = tmp.Sync(); err != nil {
		return fmt.Errorf("teacher: writing cache %s: %w", path, err)
	}
	if err = tmp.Close(); err != nil {
		return fmt.Errorf("teacher: writing cache %s: %w", path, err)
	}
	if err = os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("teacher: cache %s: %w", path, err)
	}
	return nil
}

// encodeCache writes the header, the simulations and a SHA-256 checksum of everything
// before it. Integers are little-endian; spike bins are delta-coded unsigned varints; the
// soma voltage is float32.
func encodeCache(w io.Writer, cfg Config, sims []*data.Simulation) error {
	for i, s := range sims {
		if err := s.Validate(); err != nil {
			return fmt.Errorf("simulation %d: %w", i, err)
		}
		for j, sp := range s.InputSpikes {
			if !slices.IsSorted(sp) {
				return fmt.Errorf("simulation %d: spikes of input %d are not sorted", i, j)
			}
		}
		if !slices.IsSorted(s.OutputSpikes) {
			return fmt.Errorf("simulation %d: output spikes are not sorted", i)
		}
	}
	h := sha256.New()
	bw := bufio.NewWriterSize(io.MultiWriter(w, h), 1<<16)
	var buf [binary.MaxVarintLen64]byte
	u32 := func(x int) { binary.LittleEndian.PutUint32(buf[:4], uint32(x)); bw.Write(buf[:4]) }
	uv := func(x uint64) { bw.Write(buf[:binary.PutUvarint(buf[:], x)]) }
	bins := func(b []int32) {
		uv(uint64(len(b)))
		prev := int32(0)
		for _, t := range b {
			uv(uint64(t - prev))
			prev = t
		}
	}
	key := cacheKey(cfg)
	bw.WriteString(cacheMagic)
	u32(cacheFormat)
	u32(len(key))
	bw.WriteString(key)
	u32(len(sims))
	for _, s := range sims {
		u32(s.Duration)
		u32(len(s.InputSpikes))
		u32(s.NumExcitatory)
		for _, sp := range s.InputSpikes {
			bins(sp)
		}
		for _, v := range s.SomaMV {
			binary.LittleEndian.PutUint32(buf[:4], math.Float32bits(v))
			bw.Write(buf[:4])
		}
		bins(s.OutputSpikes)
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	_, err := w.Write(h.Sum(nil))
	return err
}

// LoadCache reads a cache file written by SaveCache for cfg. It returns an error naming the
// file if the file is missing, truncated, fails its checksum, or was written for other
// settings.
func LoadCache(path string, cfg Config) ([]*data.Simulation, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("teacher: cache: %w", err)
	}
	sims, err := decodeCache(raw, cacheKey(cfg))
	if err != nil {
		return nil, fmt.Errorf("teacher: cache %s: %w", path, err)
	}
	return sims, nil
}

// errTruncated reports a file that ends inside a record.
var errTruncated = errors.New("file is truncated")

// decodeCache parses and verifies a cache file's bytes.
func decodeCache(raw []byte, key string) ([]*data.Simulation, error) {
	if len(raw) < len(cacheMagic)+checksumLen || string(raw[:len(cacheMagic)]) != cacheMagic {
		return nil, errors.New("not a teacher cache file (bad magic or too short)")
	}
	body, sum := raw[:len(raw)-checksumLen], raw[len(raw)-checksumLen:]
	if got := sha256.Sum256(body); !bytes.Equal(got[:], sum) {
		return nil, errors.New("checksum mismatch: the file is truncated or corrupt")
	}
	r := &reader{b: body[len(cacheMagic):]}
	if v := r.u32(); v != cacheFormat {
		return nil, fmt.Errorf("cache format %d, want %d", v, cacheFormat)
	}
	if k := string(r.bytes(r.u32())); r.err == nil && k != key {
		return nil, fmt.Errorf("written for %q, want %q", k, key)
	}
	n := r.u32()
	if r.err == nil && n > len(r.b) {
		return nil, fmt.Errorf("header claims %d simulations in %d bytes", n, len(r.b))
	}
	sims := make([]*data.Simulation, 0, n)
	for i := 0; i < n && r.err == nil; i++ {
		s := &data.Simulation{Duration: r.u32()}
		nIn := r.u32()
		s.NumExcitatory = r.u32()
		if r.err == nil && (nIn > len(r.b) || s.Duration > len(r.b)/4) {
			return nil, fmt.Errorf("simulation %d: %d inputs and %d ms do not fit the file",
				i, nIn, s.Duration)
		}
		s.InputSpikes = make([][]int32, nIn)
		for j := range s.InputSpikes {
			s.InputSpikes[j] = r.bins()
		}
		s.SomaMV = make([]float32, s.Duration)
		for t := range s.SomaMV {
			s.SomaMV[t] = math.Float32frombits(uint32(r.u32()))
		}
		s.OutputSpikes = r.bins()
		if r.err == nil {
			if err := s.Validate(); err != nil {
				return nil, fmt.Errorf("simulation %d: %w", i, err)
			}
		}
		sims = append(sims, s)
	}
	if r.err != nil {
		return nil, r.err
	}
	if len(r.b) != 0 {
		return nil, fmt.Errorf("%d unexpected bytes after the last simulation", len(r.b))
	}
	return sims, nil
}

// reader decodes a byte slice; the first error sticks and later reads return zeros.
type reader struct {
	b   []byte
	err error
}

func (r *reader) u32() int {
	if r.err != nil || len(r.b) < 4 {
		r.err = cmpErr(r.err, errTruncated)
		return 0
	}
	x := binary.LittleEndian.Uint32(r.b)
	r.b = r.b[4:]
	return int(x)
}

func (r *reader) uvarint() uint64 {
	if r.err != nil {
		return 0
	}
	x, k := binary.Uvarint(r.b)
	if k <= 0 {
		r.err = errTruncated
		return 0
	}
	r.b = r.b[k:]
	return x
}

func (r *reader) bytes(n int) []byte {
	if r.err != nil || n > len(r.b) {
		r.err = cmpErr(r.err, errTruncated)
		return nil
	}
	out := r.b[:n]
	r.b = r.b[n:]
	return out
}

// bins reads a delta-coded list of spike bins.
func (r *reader) bins() []int32 {
	n := r.uvarint()
	if r.err != nil || n == 0 {
		return nil // an empty list reads back as nil, as the generator makes it
	}
	if n > uint64(len(r.b)) { // every delta takes at least one byte
		r.err = fmt.Errorf("spike list of %d entries in %d bytes", n, len(r.b))
		return nil
	}
	out := make([]int32, n)
	t := uint64(0)
	for k := range out {
		t += r.uvarint()
		if t > math.MaxInt32 {
			r.err = fmt.Errorf("spike bin %d out of range", t)
			return nil
		}
		out[k] = int32(t)
	}
	return out
}

// cmpErr keeps the first error.
func cmpErr(prev, next error) error {
	if prev != nil {
		return prev
	}
	return next
}
