// Package assets embeds the Apache ECharts 6.1.0 browser bundle so that charts render with no
// network: dist/echarts.min.js from the npm package echarts@6.1.0 (the full build, which has
// the SVG renderer; echarts.simple.min.js does not).
//
// The bundle is Apache-2.0 licensed. Its LICENSE and NOTICE files, and the BSD licence of the
// d3 code it embeds (LICENSE-d3), are kept unchanged beside the copy and embedded too, so a
// program that ships the bundle can ship its licence with it.
package assets

import _ "embed"

// EChartsVersion is the version of the embedded echarts bundle.
const EChartsVersion = "6.1.0"

// EChartsSHA256 is the SHA-256 of the embedded echarts.min.js as published on npm.
const EChartsSHA256 = "b66b25aeb4df84e33199dc21694014d336d222cbd9deb0e5a7c14bd6aa0d0fd0"

// EChartsJS is the text of echarts.min.js.
//
//go:embed echarts.min.js
var EChartsJS string

// License is the Apache License 2.0 text shipped with echarts (file LICENSE).
//
//go:embed LICENSE
var License string

// Notice is the NOTICE file shipped with echarts.
//
//go:embed NOTICE
var Notice string

// LicenseD3 is the BSD 3-Clause licence of the d3 code bundled in echarts.
//
//go:embed LICENSE-d3
var LicenseD3 string
