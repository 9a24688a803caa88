package seqtasks

import (
	"fmt"
	"os"
	"path/filepath"
)

// FashionMNISTDir is where Debian's dataset-fashion-mnist package installs the idx files
// (apt-get install dataset-fashion-mnist).
var FashionMNISTDir = "/usr/share/datasets/fashion-mnist"

// FashionMNISTClasses names the ten Fashion-MNIST classes by label.
var FashionMNISTClasses = []string{"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
	"Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"}

// Split selects the training or the test part of a data set.
type Split int

const (
	// Train is the training split (60000 Fashion-MNIST images).
	Train Split = iota
	// Test is the test split (10000 Fashion-MNIST images).
	Test
)

// String returns "train" or "test".
func (s Split) String() string {
	if s == Test {
		return "test"
	}
	return "train"
}

// LoadFashionMNIST reads one split of Fashion-MNIST (28×28 images, 10 classes) from dir,
// which holds {train,t10k}-{images-idx3,labels-idx1}-ubyte, gzipped (".gz") or not.
// An empty dir means FashionMNISTDir. Image and label files must agree in count; labels must
// lie in 0..9.
func LoadFashionMNIST(dir string, split Split) (*Images, error) {
	if dir == "" {
		dir = FashionMNISTDir
	}
	prefix := "train"
	if split == Test {
		prefix = "t10k"
	}
	imgPath, err := findIDX(dir, prefix+"-images-idx3-ubyte")
	if err != nil {
		return nil, err
	}
	lblPath, err := findIDX(dir, prefix+"-labels-idx1-ubyte")
	if err != nil {
		return nil, err
	}
	img, err := ReadIDXFile(imgPath, 3)
	if err != nil {
		return nil, err
	}
	lbl, err := ReadIDXFile(lblPath, 1)
	if err != nil {
		return nil, err
	}
	if img.Dims[1] != 28 || img.Dims[2] != 28 {
		return nil, fmt.Errorf("seqtasks: %s: images are %d×%d, want 28×28", imgPath, img.Dims[1],
			img.Dims[2])
	}
	if img.Dims[0] != lbl.Dims[0] {
		return nil, fmt.Errorf("seqtasks: %s holds %d images but %s holds %d labels",
			imgPath, img.Dims[0], lblPath, lbl.Dims[0])
	}
	labels := make([]int32, len(lbl.Values))
	for i, v := range lbl.Values {
		if v > 9 {
			return nil, fmt.Errorf("seqtasks: %s: label %d of example %d outside 0..9", lblPath, v,
				i)
		}
		labels[i] = int32(v)
	}
	return &Images{Height: 28, Width: 28, Pixels: img.Values, Labels: labels, Classes: 10}, nil
}

// findIDX returns dir/name.gz or dir/name, whichever exists (gzipped first).
func findIDX(dir, name string) (string, error) {
	for _, p := range []string{filepath.Join(dir, name+".gz"), filepath.Join(dir, name)} {
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
	}
	return "", fmt.Errorf("seqtasks: neither %s nor %s.gz in %s "+
		"(apt-get install dataset-fashion-mnist)",
		name, name, dir)
}

// FashionMNIST loads a split and encodes it as sequences, e.g. pixel by pixel with 16 grey
// bins: Steps 784, Channels 16.
func FashionMNIST(dir string, split Split, enc ImageEncoding) (*Set, error) {
	im, err := LoadFashionMNIST(dir, split)
	if err != nil {
		return nil, err
	}
	return im.Sequences("fashion-mnist/"+split.String(), enc)
}
