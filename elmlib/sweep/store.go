package sweep

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/elmneuron/elm/elmlib/internal/atomicfile"
)

// StoreVersion is the format version of stores and store files this package reads and
// writes. A store or file with another version is refused with a *VersionError.
const StoreVersion = 1

const (
	storeFormat  = "elm-sweep-store"
	resultFormat = "elm-sweep-result"
	runFormat    = "elm-sweep-run"
	planFormat   = "elm-sweep-plan"
)

// Store is a results store directory (see the package doc for its layout). Methods are safe
// for use by several goroutines and several processes at once.
type Store struct {
	// Dir is the store's directory.
	Dir string
}

// VersionError reports a store or store file written with another format version.
type VersionError struct {
	// Path is the file, Format and Version what it says it is.
	Path    string
	Format  string
	Version int
}

// Error implements error.
func (e *VersionError) Error() string {
	return fmt.Sprintf("sweep: %s has format %q version %d; this library reads %q version %d"+
		" (use a store directory of its own for this version)",
		e.Path, e.Format, e.Version, formatFor(e.Path), StoreVersion)
}

// CorruptError reports a store file that is truncated, not JSON, or fails its checksum.
type CorruptError struct {
	// Path is the file; Reason says what is wrong with it.
	Path   string
	Reason string
}

// Error implements error.
func (e *CorruptError) Error() string {
	return fmt.Sprintf("sweep: %s is corrupt: %s", e.Path, e.Reason)
}

// Problem is a damaged result found in a store; the file was moved to MovedTo and its run
// is pending again.
type Problem struct {
	// RunID is the run whose result was damaged, Path its result file.
	RunID string
	Path  string
	// MovedTo is where the damaged file now is ("" if another process moved it first).
	MovedTo string
	// Err says what was wrong (a *CorruptError).
	Err error
}

// String describes the problem in one line.
func (p Problem) String() string {
	return fmt.Sprintf("run %s: %v; moved to %s, run will be repeated", p.RunID, p.Err, p.MovedTo)
}

// header is the part every store file shares.
type header struct {
	Format  string `json:"format"`
	Version int    `json:"version"`
}

// envelope is a checksummed store file.
type envelope struct {
	header
	SHA256  string          `json:"sha256"`
	Payload json.RawMessage `json:"payload"`
}

// OpenStore opens the store in dir, creating it (and dir) if dir is missing or empty. A
// non-empty directory without store.json, or a store of another version, is an error.
func OpenStore(dir string) (*Store, error) {
	s := &Store{Dir: dir}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("sweep: creating store: %w", err)
	}
	meta := filepath.Join(dir, "store.json")
	data, err := os.ReadFile(meta)
	switch {
	case err == nil:
		var h header
		if jerr := json.Unmarshal(data, &h); jerr != nil {
			return nil, &CorruptError{meta, jerr.Error()}
		}
		if h.Format != storeFormat || h.Version != StoreVersion {
			return nil, &VersionError{meta, h.Format, h.Version}
		}
	case errors.Is(err, fs.ErrNotExist):
		entries, rerr := os.ReadDir(dir)
		if rerr != nil {
			return nil, fmt.Errorf("sweep: %w", rerr)
		}
		if len(entries) > 0 {
			return nil, fmt.Errorf("sweep: %s is not empty and has no store.json: not a sweep"+
				" store (use a new directory)", dir)
		}
		h, _ := json.Marshal(header{storeFormat, StoreVersion})
		if _, err := writeAtomic(dir, "store.json", h, true); err != nil {
			return nil, err
		}
	default:
		return nil, fmt.Errorf("sweep: %w", err)
	}
	for _, sub := range []string{"runs", "results", "slurm"} {
		if err := os.MkdirAll(filepath.Join(dir, sub), 0o755); err != nil {
			return nil, fmt.Errorf("sweep: %w", err)
		}
	}
	return s, nil
}

// ResultPath returns the path of a run's result file.
func (s *Store) ResultPath(id string) string {
	return filepath.Join(s.Dir, "results", id+".json")
}

// Put stores a finished run's result. A successful result already in the store is kept
// (Put then returns nil and writes nothing); a failed or corrupt one is replaced.
func (s *Store) Put(res *Result) error {
	if res.RunID == "" {
		return fmt.Errorf("sweep: Put: result has no RunID")
	}
	payload, err := json.Marshal(toWire(res))
	if err != nil {
		return fmt.Errorf("sweep: encoding result of run %s (%s): %w", res.RunID, res.Name, err)
	}
	data := seal(resultFormat, payload)
	dir, name := filepath.Join(s.Dir, "results"), res.RunID+".json"

	for attempt := 0; attempt < 3; attempt++ {
		written, err := writeAtomic(dir, name, data, false)
		if err != nil || written {
			return err
		}
		old, gerr := s.Get(res.RunID)
		var corrupt *CorruptError
		switch {
		case errors.As(gerr, &corrupt):
			if _, err := quarantine(s.ResultPath(res.RunID)); err != nil {
				return err
			}
		case errors.Is(gerr, fs.ErrNotExist):
			// Removed in between: try again.
		case gerr != nil:
			return gerr
		case !old.Failed():
			return nil
		default:
			_, err := writeAtomic(dir, name, data, true)
			return err
		}
	}
	return fmt.Errorf("sweep: could not store result of run %s: %s keeps changing",
		res.RunID, s.ResultPath(res.RunID))
}

// Get reads a run's result. A missing result gives an error satisfying
// errors.Is(err, fs.ErrNotExist); a damaged one a *CorruptError; another version a
// *VersionError.
func (s *Store) Get(id string) (*Result, error) {
	path := s.ResultPath(id)
	payload, err := open(path, resultFormat)
	if err != nil {
		return nil, err
	}
	var w wireResult
	if err := json.Unmarshal(payload, &w); err != nil {
		return nil, &CorruptError{path, "result payload: " + err.Error()}
	}
	if w.RunID != id {
		return nil, &CorruptError{path, fmt.Sprintf("holds run %q", w.RunID)}
	}
	return fromWire(w), nil
}

// seal wraps a payload in a checksummed envelope.
func seal(format string, payload []byte) []byte {
	sum := sha256.Sum256(payload)
	data, _ := json.Marshal(envelope{header{format, StoreVersion},
		hex.EncodeToString(sum[:]), payload})
	return append(data, '\n')
}

// open reads a checksummed store file and returns its payload.
func open(path, format string) ([]byte, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("sweep: %w", err)
	}
	var env envelope
	if err := json.Unmarshal(data, &env); err != nil {
		return nil, &CorruptError{path, fmt.Sprintf("not a complete JSON file (%d bytes): %v",
			len(data), err)}
	}
	if env.Format != format || env.Version != StoreVersion {
		return nil, &VersionError{path, env.Format, env.Version}
	}
	sum := sha256.Sum256(env.Payload)
	if got := hex.EncodeToString(sum[:]); got != env.SHA256 {
		return nil, &CorruptError{path, fmt.Sprintf("checksum %s does not match payload (%s)",
			env.SHA256, got)}
	}
	return env.Payload, nil
}

// writeAtomic writes data to dir/name atomically (package atomicfile). With replace it
// renames over an existing file; without, it links and reports written=false if the file
// exists already.
func writeAtomic(dir, name string, data []byte, replace bool) (written bool, err error) {
	path := filepath.Join(dir, name)
	if replace {
		err = atomicfile.Write(path, data)
		written = err == nil
	} else {
		written, err = atomicfile.Create(path, data)
	}
	if err != nil {
		return false, fmt.Errorf("sweep: %w", err)
	}
	return written, nil
}

// syncDir fsyncs a directory so that a rename or link in it is durable.
func syncDir(dir string) error {
	if err := atomicfile.SyncDir(dir); err != nil {
		return fmt.Errorf("sweep: %w", err)
	}
	return nil
}

// quarantine moves a damaged file to path.corrupt-<n> without overwriting an earlier one.
func quarantine(path string) (string, error) {
	for n := 1; n < 1000; n++ {
		to := fmt.Sprintf("%s.corrupt-%d", path, n)
		err := os.Link(path, to)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		if errors.Is(err, fs.ErrNotExist) {
			return "", nil // someone else moved it
		}
		if err != nil {
			return "", fmt.Errorf("sweep: moving aside %s: %w", path, err)
		}
		if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return "", fmt.Errorf("sweep: moving aside %s: %w", path, err)
		}
		return to, syncDir(filepath.Dir(path))
	}
	return "", fmt.Errorf("sweep: too many corrupt copies of %s", path)
}

// formatFor names the format expected at a store path.
func formatFor(path string) string {
	switch {
	case strings.HasSuffix(path, "store.json"):
		return storeFormat
	case strings.HasSuffix(path, "plan.json"):
		return planFormat
	case strings.Contains(path, string(filepath.Separator)+"runs"+string(filepath.Separator)):
		return runFormat
	}
	return resultFormat
}
