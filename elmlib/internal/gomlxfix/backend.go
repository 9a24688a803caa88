// Package gomlxfix holds the workarounds elmlib needs around GoMLX v0.26.0 on the pure-Go
// backend: the choice of backend (this file) and replacements for gradients the stock
// library builds badly or cannot run (other files).
//
// Limitations: only the simplego backend is linked in; XLA is never imported, so no
// plugin is downloaded.
package gomlxfix

import (
	"fmt"
	"os"
	"sync"

	"github.com/gomlx/gomlx/backends"
	_ "github.com/gomlx/gomlx/backends/simplego" // registers the pure-Go backend "go"
)

// DefaultBackendConfig is the GoMLX backend configuration used when GOMLX_BACKEND is
// unset: the pure-Go backend with the sequential executor (the default parallel executor
// of GoMLX v0.26.0 deadlocks on machines with two cores) and no worker goroutines inside
// kernels (parallelism=0: simplego otherwise starts one per small matmul; measured on the
// NeuronIO training step, 45.8 instead of 58.5 ms CPU, and 13.8 instead of 19.1 ms for
// the forward pass).
const DefaultBackendConfig = "go:ops_sequential,parallelism=0"

var shared struct {
	once    sync.Once
	backend backends.Backend
	err     error
}

// NewBackend returns a new backend configured by $GOMLX_BACKEND, or by
// DefaultBackendConfig when that variable is unset (it then sets it, so that other
// GoMLX code in the process agrees).
func NewBackend() (backend backends.Backend, err error) {
	if _, found := os.LookupEnv(backends.ConfigEnvVar); !found {
		if err := os.Setenv(backends.ConfigEnvVar, DefaultBackendConfig); err != nil {
			return nil, fmt.Errorf("gomlxfix: setting %s: %w", backends.ConfigEnvVar, err)
		}
	}
	defer func() {
		if r := recover(); r != nil {
			backend, err = nil, fmt.Errorf("gomlxfix: creating backend %q: %v",
				os.Getenv(backends.ConfigEnvVar), r)
		}
	}()
	quietStdout(func() { backend, err = backends.New() })
	return backend, err
}

// quietStdout runs f with os.Stdout pointing at the null device: simplego prints a line
// to stdout when it reads a "parallelism" setting, which would land in notebook outputs.
func quietStdout(f func()) {
	null, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		f()
		return
	}
	saved := os.Stdout
	os.Stdout = null
	defer func() {
		os.Stdout = saved
		null.Close()
	}()
	f()
}

// Backend returns one backend shared by the whole process, created with NewBackend on
// first use.
func Backend() (backends.Backend, error) {
	shared.once.Do(func() { shared.backend, shared.err = NewBackend() })
	return shared.backend, shared.err
}
