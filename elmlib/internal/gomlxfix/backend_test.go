package gomlxfix

import (
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
