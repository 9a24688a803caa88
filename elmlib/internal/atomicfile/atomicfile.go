// Package atomicfile writes whole files so that a reader, or a run that resumes after a
// crash, sees either the old content or the new one, never half a file.
//
// The data goes to a temporary file in the same directory (named with TempPrefix, so that
// stray ones left by killed writers can be found), is fsynced, and is then renamed or
// hard-linked into place; the directory is fsynced too, so that the new name is durable.
// Limitation: the directory must be on one file system that supports rename, and Create
// also needs hard links.
package atomicfile

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
)

// TempPrefix starts the name of every temporary file this package writes.
const TempPrefix = ".tmp-"

// Mode is the permission of the files written (as os.WriteFile gives with umask 022;
// CreateTemp alone would leave 0600).
const Mode = 0o644

// Write replaces path (or creates it) with data. Errors name the file.
func Write(path string, data []byte) error {
	_, err := write(path, data, true)
	return err
}

// Create writes data to path only if path does not exist yet: it reports written=false,
// and no error, when it exists already, leaving it untouched. Errors name the file.
func Create(path string, data []byte) (written bool, err error) {
	return write(path, data, false)
}

func write(path string, data []byte, replace bool) (bool, error) {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, TempPrefix+filepath.Base(path)+"-*")
	if err != nil {
		return false, fmt.Errorf("writing %s: %w", path, err)
	}
	tmp := f.Name()
	defer os.Remove(tmp) // after a rename this fails harmlessly; after a link it is needed
	if err := f.Chmod(Mode); err != nil {
		f.Close()
		return false, fmt.Errorf("writing %s: %w", tmp, err)
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return false, fmt.Errorf("writing %s: %w", tmp, err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return false, fmt.Errorf("syncing %s: %w", tmp, err)
	}
	if err := f.Close(); err != nil {
		return false, fmt.Errorf("closing %s: %w", tmp, err)
	}

	if replace {
		err = os.Rename(tmp, path)
	} else {
		err = os.Link(tmp, path)
		if errors.Is(err, fs.ErrExist) {
			return false, nil
		}
		if errors.Is(err, syscall.EPERM) || errors.Is(err, syscall.ENOTSUP) {
			return false, fmt.Errorf("%s does not support hard links, which creating %s "+
				"without overwriting needs: %w", dir, filepath.Base(path), err)
		}
	}
	if err != nil {
		return false, fmt.Errorf("writing %s: %w", path, err)
	}
	return true, SyncDir(dir)
}

// SyncDir fsyncs a directory so that a rename or link in it is durable. File systems that
// cannot sync a directory (EINVAL) are accepted silently.
func SyncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("syncing directory: %w", err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil && !errors.Is(err, syscall.EINVAL) {
		return fmt.Errorf("syncing %s: %w", dir, err)
	}
	return nil
}
