package main

import (
	"bytes"
	"context"
	_ "embed"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"image/draw"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"time"
)

// The two scripts injected into a copy of each exported page; the original export and its
// screenshot are left untouched.
var (
	//go:embed checker_head.js
	checkerHead string
	//go:embed checker_tail.js
	checkerTail string
)

// browser runs headless Chromium on exported notebooks.
type browser struct {
	// bin is the Chromium executable.
	bin string
	// width is the window width in CSS pixels for the check and the screenshots.
	width int
	// timeout bounds one Chromium run.
	timeout time.Duration
}

// maxShotHeight bounds a full-page screenshot, in pixels.
const maxShotHeight = 16000

// chartInfo describes one chart container as the injected script found it after load.
type chartInfo struct {
	ID       string  `json:"id"`
	Rendered *string `json:"rendered"` // the data-rendered attribute; nil when absent
	Instance bool    `json:"instance"` // echarts attached an instance
	SVG      int     `json:"svg"`
	Canvas   int     `json:"canvas"`
	Marks    int     `json:"marks"` // SVG paths, texts, rects and circles
	X, Y     float64 // page position and size in CSS pixels
	W, H     float64
}

// pageReport is what the injected script reports about a loaded page.
type pageReport struct {
	Charts    []chartInfo `json:"charts"`
	Errors    []string    `json:"errors"`    // uncaught errors, failed loads, console.error
	Inits     int         `json:"inits"`     // echarts.init( calls in small inline scripts
	Resources []string    `json:"resources"` // URLs the page fetched (Resource Timing)
	Remote    []string    `json:"remote"`    // elements whose src/href is remote
	Width     float64     `json:"width"`
	Height    float64     `json:"height"`
}

var (
	scriptBody  = regexp.MustCompile(`(?is)(<script\b[^>]*>).*?</script>`)
	htmlComment = regexp.MustCompile(`(?s)<!--.*?-->`)
	// Tags that load what their src/href/data points at, with a remote URL.
	remoteAttr = regexp.MustCompile(`(?is)<(script|link|img|iframe|source|audio|video|embed|` +
		`object|image|input)\b[^>]*?\s(src|href|data|srcset)\s*=\s*["']?\s*` +
		`((?:https?:|wss?:|//)[^"'\s>]*)`)
	// CSS that fetches a remote URL.
	remoteCSS  = regexp.MustCompile(`(?i)(url\(\s*["']?\s*|@import\s+["'])((?:https?:|//)[^"')\s]*)`)
	remoteURL  = regexp.MustCompile(`(?i)^\s*(https?:|wss?:|//)`)
	resultPre  = regexp.MustCompile(`<pre id="nbrun-result">([A-Za-z0-9+/=]+)</pre>`)
	headOpen   = regexp.MustCompile(`(?i)<head\b[^>]*>`)
	bodyClose  = regexp.MustCompile(`(?i)</body\s*>`)
	consoleErr = regexp.MustCompile(`CONSOLE.*Uncaught.*`)
)

// staticRemoteRefs lists the remote assets an HTML page references in loading attributes
// (script src, link href, img src, ...) or in CSS url()/@import. Script bodies and comments
// are skipped: URLs in JavaScript strings are not loads (the browser check sees the ones
// scripts insert).
func staticRemoteRefs(page []byte) []string {
	s := htmlComment.ReplaceAll(page, nil)
	s = scriptBody.ReplaceAll(s, []byte("$1</script>"))
	var refs []string
	for _, m := range remoteAttr.FindAllSubmatch(s, -1) {
		refs = append(refs, fmt.Sprintf("<%s %s=%s>", strings.ToLower(string(m[1])),
			strings.ToLower(string(m[2])), m[3]))
	}
	for _, m := range remoteCSS.FindAllSubmatch(s, -1) {
		refs = append(refs, fmt.Sprintf("css %s%s", bytes.TrimSpace(m[1]), m[2]))
	}
	return refs
}

// instrument returns page with the head script inserted first in <head> and the tail
// script before </body>.
func instrument(page []byte) []byte {
	head := "<script>" + checkerHead + "</script>"
	tail := "<script>" + checkerTail + "</script>"
	var out []byte
	if loc := headOpen.FindIndex(page); loc != nil {
		out = append(out, page[:loc[1]]...)
		out = append(out, head...)
		page = page[loc[1]:]
	} else {
		out = append(out, head...)
	}
	locs := bodyClose.FindAllIndex(page, -1)
	if len(locs) == 0 {
		out = append(out, page...)
		return append(out, tail...)
	}
	last := locs[len(locs)-1]
	out = append(out, page[:last[0]]...)
	out = append(out, tail...)
	return append(out, page[last[0]:]...)
}

// chromiumArgs are the flags for every run: headless, as root, no GPU, and no network.
// Every host name resolves to nothing, so even Chromium's own background requests never
// leave the machine, and a page that refers to a remote asset fails to load it.
func (b *browser) chromiumArgs(userDir string) []string {
	return []string{
		"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--disable-default-apps", "--disable-extensions", "--hide-scrollbars",
		"--host-resolver-rules=MAP * ~NOTFOUND",
		"--force-device-scale-factor=1",
		"--enable-logging=stderr", "--v=0",
		// Lets timers and echarts' layout finish before the DOM is dumped or the shot taken.
		"--virtual-time-budget=5000",
		"--user-data-dir=" + userDir,
	}
}

// run executes Chromium with the common flags plus extra, returning stdout and stderr.
func (b *browser) run(extra ...string) (stdout, stderr []byte, err error) {
	userDir, err := os.MkdirTemp("", "nbrun-chromium-")
	if err != nil {
		return nil, nil, err
	}
	defer os.RemoveAll(userDir)
	ctx, cancel := context.WithTimeout(context.Background(), b.timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, b.bin, append(b.chromiumArgs(userDir), extra...)...)
	cmd.WaitDelay = 5 * time.Second
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err = cmd.Run()
	if ctx.Err() != nil {
		err = fmt.Errorf("chromium did not finish within %s", b.timeout)
	}
	return out.Bytes(), errOut.Bytes(), err
}

// fileURL is the file:// URL of path.
func fileURL(path string) (string, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", err
	}
	return "file://" + filepath.ToSlash(abs), nil
}

// check loads an exported notebook in headless Chromium and reports its problems: remote
// assets, uncaught errors, failed loads, and charts that did not render. name labels the
// problems. The page report is nil when the page was not loaded.
func (b *browser) check(name, htmlPath string) (*pageReport, []Problem, error) {
	page, err := os.ReadFile(htmlPath)
	if err != nil {
		return nil, nil, err
	}
	if refs := staticRemoteRefs(page); len(refs) > 0 {
		// Not loaded at all: a page with remote references would try to fetch them.
		return nil, []Problem{{Notebook: name, Cell: -1, Kind: "network",
			Text: "the HTML export references remote assets (not loaded):\n" +
				strings.Join(limit(refs, maxTextLines), "\n")}}, nil
	}
	copyPath := filepath.Join(filepath.Dir(htmlPath), ".nbrun-check-"+filepath.Base(htmlPath))
	if err := os.WriteFile(copyPath, instrument(page), 0o644); err != nil {
		return nil, nil, err
	}
	defer os.Remove(copyPath)
	url, err := fileURL(copyPath)
	if err != nil {
		return nil, nil, err
	}
	stdout, stderr, runErr := b.run(fmt.Sprintf("--window-size=%d,1000", b.width),
		"--dump-dom", url)
	rep, err := parseReport(stdout)
	if err != nil {
		if runErr != nil {
			err = fmt.Errorf("%w (chromium: %v)", err, runErr)
		}
		return nil, nil, fmt.Errorf("%s: %w\n%s", htmlPath, err, tail(stderr, 8))
	}
	return rep, judge(name, rep, consoleErr.FindAllString(string(stderr), -1)), nil
}

// parseReport extracts the injected script's report from Chromium's DOM dump.
func parseReport(dom []byte) (*pageReport, error) {
	m := resultPre.FindSubmatch(dom)
	if m == nil {
		return nil, errors.New("the page never finished loading (no report from the " +
			"injected check script)")
	}
	data, err := base64.StdEncoding.DecodeString(string(m[1]))
	if err != nil {
		return nil, fmt.Errorf("decoding the page report: %w", err)
	}
	var rep pageReport
	if err := json.Unmarshal(data, &rep); err != nil {
		return nil, fmt.Errorf("decoding the page report: %w", err)
	}
	return &rep, nil
}

// judge turns a page report and Chromium's console lines into problems.
func judge(name string, rep *pageReport, console []string) []Problem {
	var problems []Problem
	add := func(kind, format string, args ...any) {
		problems = append(problems, Problem{Notebook: name, Cell: -1, Kind: kind,
			Text: fmt.Sprintf(format, args...)})
	}
	var network []string
	network = append(network, rep.Remote...)
	for _, r := range rep.Resources {
		if remoteURL.MatchString(r) {
			network = append(network, r)
		}
	}
	if len(network) > 0 {
		add("network", "the page tried to load assets over the network:\n%s",
			strings.Join(limit(network, maxTextLines), "\n"))
	}
	errs := append([]string(nil), rep.Errors...)
	if len(errs) == 0 {
		errs = console // the injected recorder missed nothing Chromium logged, normally
	}
	if len(errs) > 0 {
		add("browser", "%s", strings.Join(limit(errs, maxTextLines), "\n"))
	}
	for i, c := range rep.Charts {
		label := fmt.Sprintf("chart %d (id %q)", i+1, c.ID)
		switch {
		case c.Rendered == nil || *c.Rendered != "true":
			state := "absent"
			if c.Rendered != nil {
				state = fmt.Sprintf("%q", *c.Rendered)
			}
			add("chart", "%s was not rendered: data-rendered is %s", label, state)
		case c.SVG == 0 && c.Canvas == 0:
			add("chart", "%s has no <svg> or <canvas> inside", label)
		case c.SVG > 0 && c.Canvas == 0 && c.Marks == 0:
			add("chart", "%s has an empty <svg> (no path, text, rect or circle)", label)
		}
	}
	if rep.Inits > len(rep.Charts) {
		add("chart", "the page calls echarts.init %d times but has %d chart containers "+
			"(class elm-chart or data-rendered)", rep.Inits, len(rep.Charts))
	}
	return problems
}

// screenshot writes a PNG of the whole page (up to maxShotHeight pixels tall) to pngPath.
func (b *browser) screenshot(htmlPath, pngPath string, height int) error {
	url, err := fileURL(htmlPath)
	if err != nil {
		return err
	}
	abs, err := filepath.Abs(pngPath)
	if err != nil {
		return err
	}
	height = min(max(height+16, 600), maxShotHeight)
	_, stderr, err := b.run(fmt.Sprintf("--window-size=%d,%d", b.width, height),
		"--screenshot="+abs, url)
	if err != nil {
		return fmt.Errorf("screenshot of %s: %w\n%s", htmlPath, err, tail(stderr, 8))
	}
	if _, err := os.Stat(abs); err != nil {
		return fmt.Errorf("screenshot of %s: chromium wrote no PNG\n%s", htmlPath, tail(stderr, 8))
	}
	return nil
}

// cropCharts cuts each rendered chart out of a full-page screenshot into
// <prefix>-chart-<k>.png, on a white margin, and returns the paths written. The cut is the
// chart's container exactly, so that the neighbouring outputs do not show.
func cropCharts(pagePNG, prefix string, charts []chartInfo) ([]string, error) {
	f, err := os.Open(pagePNG)
	if err != nil {
		return nil, err
	}
	img, err := png.Decode(f)
	f.Close()
	if err != nil {
		return nil, fmt.Errorf("reading screenshot %s: %w", pagePNG, err)
	}
	const pad = 8
	var paths []string
	for i, c := range charts {
		r := image.Rect(int(c.X), int(c.Y), int(c.X+c.W), int(c.Y+c.H)).Intersect(img.Bounds())
		if r.Empty() {
			continue // outside the screenshot (page taller than maxShotHeight) or empty
		}
		framed := image.NewRGBA(image.Rect(0, 0, r.Dx()+2*pad, r.Dy()+2*pad))
		draw.Draw(framed, framed.Bounds(), image.White, image.Point{}, draw.Src)
		draw.Draw(framed, framed.Bounds().Inset(pad), img, r.Min, draw.Src)
		path := fmt.Sprintf("%s-chart-%d.png", prefix, i+1)
		out, err := os.Create(path)
		if err != nil {
			return paths, err
		}
		err = png.Encode(out, framed)
		if cerr := out.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return paths, fmt.Errorf("writing %s: %w", path, err)
		}
		paths = append(paths, path)
	}
	return paths, nil
}

// tail returns the last n lines of b, minus Chromium's known harmless noise.
func tail(b []byte, n int) string {
	var keep []string
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		if strings.Contains(line, "dbus") || strings.Contains(line, "unexpected operator") {
			continue
		}
		keep = append(keep, line)
	}
	if len(keep) > n {
		keep = keep[len(keep)-n:]
	}
	return strings.Join(keep, "\n")
}
