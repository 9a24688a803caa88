package gomlxfix

import (
	"io"
	"os"
	"testing"

	"github.com/gomlx/gomlx/backends"
)

func TestNewBackendDefaultsToSequential(t *testing.T) {
	t.Setenv(backends.ConfigEnvVar, "")
	if err := os.Unsetenv(backends.ConfigEnvVar); err != nil {
		t.Fatal(err)
	}
	if _, err := NewBackend(); err != nil {
		t.Fatal(err)
	}
	if got := os.Getenv(backends.ConfigEnvVar); got != DefaultBackendConfig {
		t.Errorf("%s = %q after NewBackend, want %q",
			backends.ConfigEnvVar, got, DefaultBackendConfig)
	}
}

func TestNewBackendUnknownNameIsError(t *testing.T) {
	t.Setenv(backends.ConfigEnvVar, "no_such_backend")
	if _, err := NewBackend(); err == nil {
		t.Fatal("NewBackend with an unknown backend name returned no error")
	}
}

func TestNewBackendPrintsNothing(t *testing.T) {
	t.Setenv(backends.ConfigEnvVar, DefaultBackendConfig)
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	saved := os.Stdout
	os.Stdout = w
	_, err = NewBackend()
	os.Stdout = saved
	w.Close()
	if err != nil {
		t.Fatal(err)
	}
	out, _ := io.ReadAll(r)
	if len(out) != 0 {
		t.Errorf("creating the backend printed %q to stdout", out)
	}
}
