package neuronio

import "testing"

// BenchmarkLoad measures loading the 3-simulation fixture (about 5300 input spikes as
// numpy scalars, 340 kB).
func BenchmarkLoad(b *testing.B) {
	for b.Loop() {
		if _, err := Load("testdata/small.p"); err != nil {
			b.Fatal(err)
		}
	}
}
