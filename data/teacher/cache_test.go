package teacher

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func smallConfig() Config {
	cfg := DefaultConfig()
	cfg.NumSims, cfg.DurationMS, cfg.Seed = 3, 500, 5
	return cfg
}

func TestCacheRoundTrip(t *testing.T) {
	dir := t.TempDir()
	cfg := smallConfig()
	want := mustGenerate(t, cfg)
	got, err := Cached(dir, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatal("Cached (first call, generating) differs from Generate")
	}
	path := filepath.Join(dir, CacheFileName(cfg))
	again, err := LoadCache(path, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(again, want) {
		t.Fatal("data read back from the cache differ from the generated data")
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("cache dir holds %d files, want 1 (no temporary files left)", len(entries))
	}

	// The second call must read the file: make the file's content recognisable by
	// writing another data set under this config's name (valid checksum, same key).
	other := smallConfig()
	other.Seed = 6
	if err := SaveCache(path, cfg, mustGenerate(t, other)); err != nil {
		t.Fatal(err)
	}
	fromFile, err := Cached(dir, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if reflect.DeepEqual(fromFile, want) {
		t.Error("Cached regenerated instead of reading a valid cache file")
	}
}

// TestCacheFileNameDependsOnSettings: every data-changing field changes the name; Workers
// does not.
func TestCacheFileNameDependsOnSettings(t *testing.T) {
	base := DefaultConfig()
	edits := []func(*Config){
		func(c *Config) { c.NumSims++ }, func(c *Config) { c.DurationMS++ },
		func(c *Config) { c.Seed++ }, func(c *Config) { c.DtMS = 0.05 },
		func(c *Config) { c.DriveMin = 0.2 }, func(c *Config) { c.DriveMax = 0.9 },
		func(c *Config) { c.AMPAnS = 0.3 }, func(c *Config) { c.NMDAnS = 0 },
		func(c *Config) { c.GABAnS = 1 }, func(c *Config) { c.MgSlope = 0.062 },
		func(c *Config) { c.MgMM = 2 },
	}
	for i, e := range edits {
		c := base
		e(&c)
		if CacheFileName(c) == CacheFileName(base) {
			t.Errorf("edit %d (%+v) keeps the cache name %s", i, c, CacheFileName(c))
		}
	}
	c := base
	c.Workers = 7
	if CacheFileName(c) != CacheFileName(base) {
		t.Error("Workers changes the cache name")
	}
}

// TestCorruptCacheRegenerates damages a valid cache file in several ways; LoadCache must
// reject each with an error naming the file and the problem, and Cached must regenerate
// the right data and repair the file.
func TestCorruptCacheRegenerates(t *testing.T) {
	cfg := smallConfig()
	want := mustGenerate(t, cfg)
	dir := t.TempDir()
	path := filepath.Join(dir, CacheFileName(cfg))
	if err := SaveCache(path, cfg, want); err != nil {
		t.Fatal(err)
	}
	good, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	otherKey := smallConfig()
	otherKey.Seed = 99
	cases := []struct {
		name    string
		damage  func([]byte) []byte
		wantErr string
	}{
		{"truncated", func(b []byte) []byte { return b[:len(b)*2/3] }, "checksum mismatch"},
		{"flipped bit", func(b []byte) []byte { b[len(b)/2] ^= 4; return b }, "checksum mismatch"},
		{"empty", func(b []byte) []byte { return nil }, "not a teacher cache"},
		{"bad magic", func(b []byte) []byte { b[0] = 'X'; return b }, "bad magic"},
	}
	for _, tc := range cases {
		bad := tc.damage(append([]byte(nil), good...))
		if err := os.WriteFile(path, bad, 0o644); err != nil {
			t.Fatal(err)
		}
		_, err := LoadCache(path, cfg)
		if err == nil || !strings.Contains(err.Error(), tc.wantErr) ||
			!strings.Contains(err.Error(), path) {
			t.Errorf("%s: LoadCache error %v, want %q and the file name", tc.name, err,
				tc.wantErr)
		}
		got, err := Cached(dir, cfg)
		if err != nil {
			t.Fatalf("%s: Cached: %v", tc.name, err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: Cached returned other data than Generate", tc.name)
		}
		if _, err := LoadCache(path, cfg); err != nil {
			t.Errorf("%s: cache not repaired: %v", tc.name, err)
		}
	}

	// A well-formed file written for other settings is rejected too.
	if err := SaveCache(path, otherKey, want); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadCache(path, cfg); err == nil || !strings.Contains(err.Error(), "seed=99") {
		t.Errorf("file for other settings: error %v, want one naming seed=99", err)
	}
	if _, err := LoadCache(filepath.Join(dir, "missing.bin"), cfg); err == nil ||
		!strings.Contains(err.Error(), "missing.bin") {
		t.Errorf("missing file: error %v, want one naming the file", err)
	}
}

// TestCachedUnwritableDir: when the cache cannot be written, Cached still returns the
// generated data, together with an error naming the problem.
func TestCachedUnwritableDir(t *testing.T) {
	file := filepath.Join(t.TempDir(), "plain-file")
	if err := os.WriteFile(file, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg := smallConfig()
	sims, err := Cached(filepath.Join(file, "sub"), cfg)
	if err == nil || !strings.Contains(err.Error(), "cache directory") {
		t.Errorf("error %v, want a cache directory error", err)
	}
	if !reflect.DeepEqual(sims, mustGenerate(t, cfg)) {
		t.Error("Cached did not return the generated data with the write error")
	}
	bad := cfg
	bad.NumSims = 0
	if _, err := Cached(t.TempDir(), bad); err == nil || !strings.Contains(err.Error(), "NumSims") {
		t.Errorf("invalid config: error %v, want one naming NumSims", err)
	}
}
