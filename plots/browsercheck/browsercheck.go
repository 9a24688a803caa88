// Package browsercheck loads an HTML page (a WriteHTML page, or a notebook's nbconvert HTML
// export) in headless Chromium and reports whether every chart actually rendered: each
// container with class "elm-chart" must hold an <svg> (or <canvas>) and carry
// data-rendered="true", the page must reference no asset over the network, and the console
// must show no uncaught error.
//
// Chromium runs with networking disabled as far as flags allow (no background networking,
// no component updates, host names resolve to nothing) and a fresh profile per run.
//
// Limitations: the DOM is read with a small scanner, not a full HTML parser; it relies on
// the chart containers being <div> elements, as plots writes them. A canvas-rendered chart
// passes the check without its pixels being inspected.
package browsercheck

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
)

// ChartClass and RenderedAttr mirror the markers written by package plots.
const (
	ChartClass   = "elm-chart"
	RenderedAttr = "data-rendered"
)

// ErrNoChromium is returned by [Find] when no Chromium binary is installed.
var ErrNoChromium = errors.New("browsercheck: no chromium binary found " +
	"(apt-get install -y --no-install-recommends chromium)")

// Find returns the path of the Chromium binary: $CHROMIUM if set, else chromium or
// chromium-browser on PATH, else /usr/bin/chromium.
func Find() (string, error) {
	if p := os.Getenv("CHROMIUM"); p != "" {
		return p, nil
	}
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p, nil
		}
	}
	if _, err := os.Stat("/usr/bin/chromium"); err == nil {
		return "/usr/bin/chromium", nil
	}
	return "", ErrNoChromium
}

// Chart is the state of one chart container after the page loaded.
type Chart struct {
	// ID is the container's id attribute.
	ID string
	// Rendered is true when the container has data-rendered="true".
	Rendered bool
	// SVGs, Paths and Canvases count the <svg>, <path> and <canvas> elements inside.
	SVGs, Paths, Canvases int
}

// OK reports whether the chart was drawn: marked rendered with an SVG holding paths, or a
// canvas.
func (c Chart) OK() bool {
	return c.Rendered && (c.SVGs > 0 && c.Paths > 0 || c.Canvases > 0)
}

// Report is the result of loading one page.
type Report struct {
	// Page is the file that was loaded.
	Page string
	// Charts lists every chart container found, in page order.
	Charts []Chart
	// NetworkRefs lists src/href/url() references in the page source that point at the
	// network (http:, https: or protocol-relative //).
	NetworkRefs []string
	// ConsoleErrors lists console lines reporting an uncaught error.
	ConsoleErrors []string
	// DOM is the serialised DOM after scripts ran.
	DOM string
}

// Problems lists everything wrong with the page; empty means the page passed.
func (r *Report) Problems() []string {
	var out []string
	for _, c := range r.Charts {
		if !c.OK() {
			out = append(out, fmt.Sprintf("chart %s not drawn: %s=%v, %d svg, %d path, "+
				"%d canvas", c.ID, RenderedAttr, c.Rendered, c.SVGs, c.Paths, c.Canvases))
		}
	}
	for _, u := range r.NetworkRefs {
		out = append(out, "network asset referenced: "+u)
	}
	for _, e := range r.ConsoleErrors {
		out = append(out, "console: "+e)
	}
	return out
}

// Err returns nil if the page passed, else an error listing the problems.
func (r *Report) Err() error {
	p := r.Problems()
	if len(p) == 0 {
		return nil
	}
	return fmt.Errorf("browsercheck: %s: %d problem(s):\n  %s", r.Page, len(p),
		strings.Join(p, "\n  "))
}

// baseFlags are the headless flags verified on this machine, plus host resolution
// switched off so that nothing can be fetched.
func baseFlags(profile string) []string {
	return []string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
		"--no-first-run", "--disable-background-networking", "--disable-component-update",
		"--disable-sync", "--host-resolver-rules=MAP * ~NOTFOUND",
		"--user-data-dir=" + profile}
}

// run runs chromium with the flags plus the page URL and returns stdout and stderr.
func run(ctx context.Context, chromium, page string, flags ...string) ([]byte, []byte, error) {
	abs, err := filepath.Abs(page)
	if err != nil {
		return nil, nil, fmt.Errorf("browsercheck: %w", err)
	}
	if _, err := os.Stat(abs); err != nil {
		return nil, nil, fmt.Errorf("browsercheck: page: %w", err)
	}
	profile, err := os.MkdirTemp("", "browsercheck-profile-")
	if err != nil {
		return nil, nil, fmt.Errorf("browsercheck: %w", err)
	}
	defer os.RemoveAll(profile)
	args := append(baseFlags(profile), flags...)
	args = append(args, "file://"+abs)
	cmd := exec.CommandContext(ctx, chromium, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return stdout.Bytes(), stderr.Bytes(), fmt.Errorf("browsercheck: chromium on %s: %w\n%s",
			page, err, tail(stderr.String(), 2000))
	}
	return stdout.Bytes(), stderr.Bytes(), nil
}

// Check loads the page at path in headless Chromium (found with [Find]) and reports the
// state of every chart, network references in the source and console errors.
func Check(ctx context.Context, path string) (*Report, error) {
	chromium, err := Find()
	if err != nil {
		return nil, err
	}
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("browsercheck: %w", err)
	}
	// A virtual time budget lets timers settle before the DOM is dumped.
	dom, stderr, err := run(ctx, chromium, path, "--dump-dom", "--virtual-time-budget=5000",
		"--enable-logging=stderr", "--v=0")
	if err != nil {
		return nil, err
	}
	r := &Report{Page: path, DOM: string(dom), NetworkRefs: NetworkRefs(string(src)),
		ConsoleErrors: ConsoleErrors(string(stderr)), Charts: Charts(string(dom))}
	return r, nil
}

// Screenshot loads the page and writes a PNG screenshot of width x height px to png.
func Screenshot(ctx context.Context, page, png string, width, height int) error {
	chromium, err := Find()
	if err != nil {
		return err
	}
	abs, err := filepath.Abs(png)
	if err != nil {
		return fmt.Errorf("browsercheck: %w", err)
	}
	_, _, err = run(ctx, chromium, page, "--screenshot="+abs, "--hide-scrollbars",
		fmt.Sprintf("--window-size=%d,%d", width, height), "--virtual-time-budget=5000")
	if err != nil {
		return err
	}
	if _, err := os.Stat(abs); err != nil {
		return fmt.Errorf("browsercheck: chromium wrote no screenshot: %w", err)
	}
	return nil
}

var (
	openChart = regexp.MustCompile(`<div\b[^>]*\bclass="[^"]*\b` + ChartClass + `\b[^"]*"[^>]*>`)
	idAttr    = regexp.MustCompile(`\bid="([^"]*)"`)
	divTag    = regexp.MustCompile(`(?i)<(/?)div\b`)
	// An asset is loaded by a src attribute, a <link href>, CSS url() or @import; an <a href>
	// is only a link and is not counted.
	netSrc     = regexp.MustCompile(`(?i)\b(?:src|srcset|data)\s*=\s*["']?((?:https?:)?//[^"'\s>]+)`)
	netLink    = regexp.MustCompile(`(?i)<link\b[^>]*\bhref\s*=\s*["']?((?:https?:)?//[^"'\s>]+)`)
	netCSS     = regexp.MustCompile(`(?i)(?:url\(\s*["']?|@import\s+["'])((?:https?:)?//[^"'\s)]+)`)
	consoleErr = regexp.MustCompile(`(?i)CONSOLE.*(Uncaught|Error)`)
)

// Charts finds every chart container in a serialised DOM and counts what is inside it.
func Charts(dom string) []Chart {
	var out []Chart
	for _, loc := range openChart.FindAllStringIndex(dom, -1) {
		tag := dom[loc[0]:loc[1]]
		c := Chart{Rendered: strings.Contains(tag, RenderedAttr+`="true"`)}
		if m := idAttr.FindStringSubmatch(tag); m != nil {
			c.ID = m[1]
		}
		inner := dom[loc[1]:closingDiv(dom, loc[1])]
		c.SVGs = strings.Count(inner, "<svg")
		c.Paths = strings.Count(inner, "<path")
		c.Canvases = strings.Count(inner, "<canvas")
		out = append(out, c)
	}
	return out
}

// closingDiv returns the index of the </div> that closes a div whose content starts at from.
func closingDiv(dom string, from int) int {
	depth := 1
	for _, m := range divTag.FindAllStringSubmatchIndex(dom[from:], -1) {
		if m[3] > m[2] { // closing tag
			depth--
			if depth == 0 {
				return from + m[0]
			}
		} else {
			depth++
		}
	}
	return len(dom)
}

// NetworkRefs returns the references in html that would load an asset from the network:
// src, srcset and data attributes, <link href>, CSS url() and @import with an http:, https:
// or protocol-relative address.
// Text that merely mentions a URL (comments, licences inside scripts) is not a reference,
// but a script that builds a URL at run time is not seen here either.
func NetworkRefs(html string) []string {
	var out []string
	for _, re := range []*regexp.Regexp{netSrc, netLink, netCSS} {
		for _, m := range re.FindAllStringSubmatch(html, -1) {
			out = append(out, m[1])
		}
	}
	return out
}

// ConsoleErrors returns the console lines in Chromium's stderr log that report an error.
func ConsoleErrors(stderr string) []string {
	var out []string
	for _, line := range strings.Split(stderr, "\n") {
		if consoleErr.MatchString(line) {
			out = append(out, strings.TrimSpace(line))
		}
	}
	return out
}

func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return "..." + s[len(s)-n:]
}
