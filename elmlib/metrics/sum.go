package metrics

import "math"

// pairwiseSum adds x in the order numpy's add.reduce uses for a contiguous 1-D float64 array:
// blocks of at most 128 values summed with 8 interleaved accumulators, larger arrays split in
// two halves (rounded down to a multiple of 8). Matching the order makes our means agree with
// numpy's bit for bit.
func pairwiseSum(x []float64) float64 {
	n := len(x)
	switch {
	case n < 8:
		s := 0.0
		for _, v := range x {
			s += v
		}
		return s
	case n <= 128:
		var r [8]float64
		copy(r[:], x[:8])
		i := 8
		for ; i < n-n%8; i += 8 {
			for j := range r {
				r[j] += x[i+j]
			}
		}
		s := ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]))
		for ; i < n; i++ {
			s += x[i]
		}
		return s
	default:
		h := n / 2
		h -= h % 8
		return pairwiseSum(x[:h]) + pairwiseSum(x[h:])
	}
}

// mean is numpy's mean of a 1-D array.
func mean(x []float64) float64 { return pairwiseSum(x) / float64(len(x)) }

// meanStd returns the mean and the population standard deviation (numpy's std, ddof 0).
func meanStd(x []float64) (m, s float64) {
	m = mean(x)
	d := make([]float64, len(x))
	for i, v := range x {
		d[i] = (v - m) * (v - m)
	}
	return m, math.Sqrt(mean(d))
}
