package seqtasks

import (
	"fmt"
	"testing"
)

// BenchmarkPathfinderImage times the generation of one image per size (contour length 14).
func BenchmarkPathfinderImage(b *testing.B) {
	for _, size := range []int{32, 64, 128} {
		b.Run(fmt.Sprintf("size=%d", size), func(b *testing.B) {
			cfg := DefaultPathfinder(size, 14)
			for i := range b.N {
				if _, err := NewPathfinderImage(cfg, 1, i); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkFashionBatch times assembling a shuffled batch of 16 pixel-by-pixel sequences
// with 16 grey bins (the data side of one training step).
func BenchmarkFashionBatch(b *testing.B) {
	im := &Images{Height: 28, Width: 28, Classes: 10, Pixels: make([]uint8, 1000*784),
		Labels: make([]int32, 1000)}
	s, _ := im.Sequences("bench", ImageEncoding{Bins: 16})
	src, _ := s.Shuffled(16, 1)
	for range b.N {
		if _, err := src.Next(); err != nil {
			b.Fatal(err)
		}
	}
}
