package seqtasks_test

import (
	"fmt"

	"github.com/elmneuron/elm/data/seqtasks"
)

// A ListOps expression, its token ids and the tokens as one-hot-ready ids.
func ExampleTokenizeListOps() {
	ids, err := seqtasks.TokenizeListOps("[MAX 2 9 [MIN 4 7 ] 0 ]")
	if err != nil {
		panic(err)
	}
	fmt.Println(ids)
	fmt.Println(seqtasks.DetokenizeListOps(ids))
	// Output:
	// [12 3 10 11 5 8 15 1 15]
	// [MAX 2 9 [MIN 4 7 ] 0 ]
}

// Sequential images: a 28×28 image read pixel by pixel with 16 grey bins.
func ExampleImages_Sequences() {
	im := &seqtasks.Images{Height: 28, Width: 28, Classes: 10, Pixels: make([]uint8, 784),
		Labels: []int32{3}}
	im.Pixels[0] = 255
	set, err := im.Sequences("demo", seqtasks.ImageEncoding{Bins: 16})
	if err != nil {
		panic(err)
	}
	b, _ := set.Batch([]int{0})
	fmt.Println(set.Name, b.Size, b.Steps, b.Channels, b.Labels)
	fmt.Println(b.Dense[:16]) // step 0: grey 255 is level 15
	// Output:
	// demo/pixel/bins16 1 784 16 [3]
	// [0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 1]
}
