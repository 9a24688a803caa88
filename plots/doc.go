// Package plots draws the figures of the ELM project as go-echarts charts that work with no
// network: inline in GoNB notebooks (and in their nbconvert HTML exports, JupyterLab and VS
// Code) and in standalone HTML files.
//
// # Usage in a notebook
//
// The first cell calls [Setup], which sends the embedded echarts bundle (package
// plots/assets, echarts 6.1.0, about 1.1 MB) once as an inline script. Later cells build a
// figure and call its Display method:
//
//	plots.Setup()
//	...
//	c, err := plots.TrainingCurves(curve, plots.TrainingOptions{})
//	if err != nil { fmt.Println(err); return }
//	c.Display()
//
// Outside a notebook every Display call does nothing, so library code and tests may call it.
// [WriteHTML] writes charts and tables into one self-contained HTML file that inlines the
// echarts bundle exactly once.
//
// # Figures
//
// One function per figure, each taking plain slices and an options struct (the zero value
// gives sensible defaults) and returning a [*Chart] or an error that names the bad input:
// [InputRaster], [TeacherVsModel], [MemoryTraces], [MemoryHeatmap], [TrainingCurves],
// [MetricVsTauMax], [MetricVsParams] (with [ReadPaperReference]), [TauHistogram],
// [ImpulseResponses], [IntegrationSurface] and [GreyImage]. Tables ([Table]), the sweep
// summary ([SweepSummary]) and the live training line ([Progress]) are plain HTML and SVG
// with no script, so they also show in untrusted notebooks.
//
// # How a chart is drawn
//
// Every chart is a <div class="elm-chart"> with a random id (unique across cells, which run
// as separate processes) followed by a self-contained inline <script>. The script draws the
// option JSON produced by go-echarts with the SVG renderer and animation off, then sets
// data-rendered="true" on the div, which the browser check in plots/browsercheck looks for.
// If echarts is missing the div says so in plain text instead.
//
// # Limitations
//
//   - A notebook opened later in JupyterLab without "Trust Notebook" has its scripts stripped:
//     the charts show only their fallback text until the cells are re-run.
//   - go-echarts v2.6.7 has no field for a few echarts options used here (visualMap
//     seriesIndex, axis logBase, per-series legend hiding); those are added to the option JSON
//     after go-echarts builds it, in one place per figure.
//   - Heat maps draw one SVG rectangle per cell, so long time axes are averaged down to at
//     most MaxColumns columns.
//   - Non-finite values (NaN, ±Inf) are rejected with an error naming the slice and index.
package plots
