package seqtasks

import "testing"

func TestTaskConfigsMatchTheSets(t *testing.T) {
	cfgs := TaskConfigs()
	check := func(key string, s *Set) {
		t.Helper()
		c, ok := cfgs[key]
		if !ok {
			t.Fatalf("no config %q", key)
		}
		if c.Steps != s.Steps || c.Channels != s.Channels || c.Classes != s.Classes {
			t.Errorf("%s: config %d×%d/%d classes, set %d×%d/%d", key, c.Steps, c.Channels,
				c.Classes,
				s.Steps, s.Channels, s.Classes)
		}
	}
	im := &Images{Height: 28, Width: 28, Classes: 10, Pixels: make([]uint8, 784),
		Labels: []int32{0}}
	s, _ := im.Sequences("f", ImageEncoding{Bins: 16})
	check("fashion-mnist-pixel", s)
	s, _ = im.Sequences("f", ImageEncoding{Bins: 16, Rows: true})
	check("fashion-mnist-row", s)
	for _, tc := range []struct {
		key  string
		size int
	}{{"pathfinder32", 32}, {"pathfinder64", 64}, {"pathx", 128}} {
		s, err := Pathfinder(DefaultPathfinder(tc.size, 6), 1, 2, ImageEncoding{Bins: 8})
		if err != nil {
			t.Fatal(err)
		}
		check(tc.key, s)
	}
	lo := DefaultListOps()
	lo.MinLength = 20 // keeps the test fast; the padded length stays MaxLength
	s, _, _ = ListOps(lo, 1, 2, ListOpsEncoding{OneHot: true})
	check("listops", s)
	d := &SHD{Channels: 700, Labels: []int32{1}, Times: [][]float32{{}}, Units: [][]uint16{{}}}
	s, _ = d.Sequences("shd", DefaultSHDBinning())
	check("shd", s)
	s, _, _ = d.Adding("add", DefaultSHDBinning(), 1, 1)
	check("shd-adding", s)

	// SHD values from REFERENCE-NOTES §7.
	shd := cfgs["shd"]
	if shd.DtMS != 10 || shd.MemoryTauMin != 1 || shd.MemoryTauMax != 500 ||
		shd.NumMemory != 100 ||
		shd.Lambda != 5 || shd.InputDrop != 0.5 || shd.Batch != 8 || shd.LR != 5e-3 {
		t.Errorf("SHD config differs from the reference notebook: %+v", shd)
	}
	for k, c := range cfgs {
		if c.Task != k || !(c.MemoryTauMin > 0 && c.MemoryTauMin < c.MemoryTauMax) || c.DtMS <= 0 {
			t.Errorf("%s: inconsistent config %v", k, c)
		}
	}
	if cfgs["pathx"].SynapseTau <= cfgs["pathfinder32"].SynapseTau {
		t.Error("Path-X should use a larger τ_s than Pathfinder-32")
	}
}
