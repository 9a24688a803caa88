package baseline

import (
	"os"
	"testing"

	"github.com/elmneuron/elm/data/seqtasks"
)

// TestFashionMNISTRows trains briefly on the real row-by-row Fashion-MNIST (28 steps of 28
// grey values) and checks test accuracy far above the 10 % of chance.
func TestFashionMNISTRows(t *testing.T) {
	if testing.Short() {
		t.Skip("trains for a few seconds")
	}
	if _, err := os.Stat(seqtasks.FashionMNISTDir); err != nil {
		t.Skipf("Fashion-MNIST not installed (apt-get install dataset-fashion-mnist): %v", err)
	}
	enc := seqtasks.ImageEncoding{Rows: true}
	train, err := seqtasks.FashionMNIST("", seqtasks.Train, enc)
	if err != nil {
		t.Fatal(err)
	}
	test, err := seqtasks.FashionMNIST("", seqtasks.Test, enc)
	if err != nil {
		t.Fatal(err)
	}
	test, _, _ = test.Split(512)
	m, err := NewClassifier(Config{Inputs: 28, Hidden: 32, Classes: 10}, 5e-3, 1)
	if err != nil {
		t.Fatal(err)
	}
	src, _ := train.Shuffled(32, 1)
	stats, err := m.Train(src, 120, nil)
	if err != nil {
		t.Fatal(err)
	}
	ev, _ := test.InOrder(128)
	res, err := m.Evaluate(ev, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("120 steps of 32 in %v: test accuracy %.3f, loss %.3f on %d images",
		stats.Elapsed, res.Accuracy, res.Loss, res.Examples)
	if res.Examples != 512 || res.Accuracy < 0.5 {
		t.Errorf("test accuracy %.3f on %d images, want ≥ 0.5 (chance 0.1)", res.Accuracy,
			res.Examples)
	}
}
