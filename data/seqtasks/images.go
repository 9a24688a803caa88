package seqtasks

import (
	"fmt"
	"math/rand/v2"
)

// Images is a stack of grey-level images, Height×Width bytes each (0 black … 255 white),
// with one class label per image.
type Images struct {
	Height, Width int
	// Pixels holds the images one after another, each row-major: [n, Height, Width].
	Pixels []uint8
	// Labels holds one class per image.
	Labels []int32
	// Classes is the number of classes.
	Classes int
}

// Len is the number of images.
func (im *Images) Len() int { return len(im.Labels) }

// Image returns image i's pixels, [Height, Width] row-major, sharing the storage.
func (im *Images) Image(i int) []uint8 {
	n := im.Height * im.Width
	return im.Pixels[i*n : (i+1)*n]
}

// Grey returns image i's grey levels scaled to [0, 1], [Height, Width] row-major, e.g. for
// plots.GreyImage.
func (im *Images) Grey(i int) []float64 {
	return greyValues(im.Image(i))
}

func greyValues(px []uint8) []float64 {
	out := make([]float64, len(px))
	for k, p := range px {
		out[k] = float64(p) / 255
	}
	return out
}

// ImageEncoding says how an image becomes a sequence.
type ImageEncoding struct {
	// Rows reads the image row by row (Height steps of Width pixels) instead of pixel by pixel
	// (Height·Width steps of one pixel).
	Rows bool
	// Bins is 0 for the grey level as one value in [0, 1] per pixel, or the number of
	// quantisation levels for a one-hot code per pixel (the paper uses 16 for images and
	// 8 or 16 for Pathfinder). Level k covers grey values [256k/Bins, 256(k+1)/Bins).
	Bins int
	// BinValue, with Bins > 0, gives the quantised level as one value level/(Bins-1) in
	// [0, 1] per pixel instead of the one-hot code.
	BinValue bool
	// Permute reorders the pixels with a fixed random permutation drawn from PermSeed
	// (permuted sequential images); with Rows the permuted pixel stream is cut into rows.
	Permute  bool
	PermSeed uint64
}

// Validate checks the encoding.
func (e ImageEncoding) Validate() error {
	if e.Bins < 0 || e.Bins == 1 || e.Bins > 256 {
		return fmt.Errorf("seqtasks: image encoding bins %d must be 0 (value) or 2..256", e.Bins)
	}
	return nil
}

// String names the encoding, e.g. "pixel/bins16/perm7".
func (e ImageEncoding) String() string {
	s := "pixel"
	if e.Rows {
		s = "row"
	}
	switch {
	case e.Bins == 0:
		s += "/value"
	case e.BinValue:
		s += fmt.Sprintf("/level%d", e.Bins)
	default:
		s += fmt.Sprintf("/bins%d", e.Bins)
	}
	if e.Permute {
		s += fmt.Sprintf("/perm%d", e.PermSeed)
	}
	return s
}

// PixelPermutation returns the fixed permutation of n pixels drawn from seed: step t of a
// permuted sequence shows pixel perm[t].
func PixelPermutation(n int, seed uint64) []int {
	return rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15)).Perm(n)
}

// Sequences turns the images into a Set under the encoding. With c values per pixel (Bins for
// one-hot, else 1), pixel by pixel gives Steps = Height·Width and Channels = c; row by row
// gives Steps = Height and Channels = Width·c.
func (im *Images) Sequences(name string, enc ImageEncoding) (*Set, error) {
	if err := enc.Validate(); err != nil {
		return nil, err
	}
	if im.Height <= 0 || im.Width <= 0 || len(im.Pixels) != im.Len()*im.Height*im.Width {
		return nil, fmt.Errorf("seqtasks: %s: %d pixels do not hold %d images of %d×%d",
			name, len(im.Pixels), im.Len(), im.Height, im.Width)
	}
	n := im.Height * im.Width
	var perm []int
	if enc.Permute {
		perm = PixelPermutation(n, enc.PermSeed)
	}
	per := max(1, enc.Bins)
	if enc.BinValue {
		per = 1
	}
	s := &Set{Name: name + "/" + enc.String(), Steps: n, Channels: per,
		Classes: im.Classes, Labels: im.Labels}
	if enc.Rows {
		s.Steps, s.Channels = im.Height, im.Width*per
	}
	s.fill = func(i int, dst []float32) {
		img := im.Image(i)
		for t := 0; t < n; t++ {
			p := t
			if perm != nil {
				p = perm[t]
			}
			g := img[p]
			switch {
			case enc.Bins == 0:
				dst[t] = float32(g) / 255
			case enc.BinValue:
				dst[t] = float32(int(g)*enc.Bins/256) / float32(enc.Bins-1)
			default:
				dst[t*per+int(g)*enc.Bins/256] = 1
			}
		}
	}
	return s, nil
}
