// Command browsercheck loads HTML pages (WriteHTML pages or nbconvert exports of notebooks)
// in headless Chromium and fails if any chart did not render, any asset would be loaded over
// the network, or the console shows an uncaught error.
//
// Usage:
//
//	browsercheck [-screenshot dir] page.html...
//
// It prints one line per page with the number of charts drawn and exits 1 on any problem,
// 2 if Chromium is missing.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/elmneuron/elm/plots/browsercheck"
)

func main() {
	shots := flag.String("screenshot", "", "directory for a PNG screenshot of each page")
	timeout := flag.Duration("timeout", 2*time.Minute, "time limit per page")
	flag.Parse()
	if flag.NArg() == 0 {
		fmt.Fprintln(os.Stderr, "usage: browsercheck [-screenshot dir] page.html...")
		os.Exit(2)
	}
	failed := false
	for _, page := range flag.Args() {
		ctx, cancel := context.WithTimeout(context.Background(), *timeout)
		r, err := browsercheck.Check(ctx, page)
		if errors.Is(err, browsercheck.ErrNoChromium) {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		if err == nil && *shots != "" {
			png := filepath.Join(*shots, strings.TrimSuffix(filepath.Base(page), ".html")+".png")
			err = browsercheck.Screenshot(ctx, page, png, 1200, 2400)
		}
		cancel()
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			failed = true
			continue
		}
		ok := 0
		for _, c := range r.Charts {
			if c.OK() {
				ok++
			}
		}
		fmt.Printf("%s: %d of %d charts drawn\n", page, ok, len(r.Charts))
		if err := r.Err(); err != nil {
			fmt.Fprintln(os.Stderr, err)
			failed = true
		}
	}
	if failed {
		os.Exit(1)
	}
}
