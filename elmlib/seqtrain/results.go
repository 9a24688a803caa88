package seqtrain

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"github.com/elmneuron/elm/elmlib/internal/atomicfile"
)

// WriteResults writes res as indented JSON to path, through a temporary file renamed into
// place so that an interrupted write never leaves half a file.
func WriteResults(path string, res *Results) error {
	b, err := json.MarshalIndent(res, "", " ")
	if err != nil {
		return fmt.Errorf("seqtrain: encoding results for %s: %w", path, err)
	}
	return writeAtomic(path, append(b, '\n'))
}

// writeAtomic writes b to path atomically (package atomicfile).
func writeAtomic(path string, b []byte) error {
	if err := atomicfile.Write(path, b); err != nil {
		return fmt.Errorf("seqtrain: %w", err)
	}
	return nil
}

// ReadResults reads results written by WriteResults. Errors name the file: unreadable or
// malformed JSON, unknown fields, a result without rows, or a row whose accuracy lies
// outside [0, 1].
func ReadResults(path string) (*Results, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("seqtrain: %w", err)
	}
	var res Results
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&res); err != nil {
		return nil, fmt.Errorf("seqtrain: results file %s: %w", path, err)
	}
	if err := res.check(); err != nil {
		return nil, fmt.Errorf("seqtrain: results file %s: %w", path, err)
	}
	return &res, nil
}

func (r *Results) check() error {
	if len(r.Compare)+len(r.Sweep) == 0 {
		return fmt.Errorf("no result rows")
	}
	for i, row := range r.All() {
		if !(row.Accuracy >= 0 && row.Accuracy <= 1) {
			return fmt.Errorf("row %d (%s): accuracy %v outside [0, 1]", i, row.Model, row.Accuracy)
		}
		if row.Task == "" || row.Model == "" {
			return fmt.Errorf("row %d: task or model name missing", i)
		}
	}
	return nil
}

// All returns the comparison rows followed by the sweep rows, leaving out sweep rows that
// repeat a comparison row (the compared ELM's own τ_max).
func (r *Results) All() []Row {
	out := append([]Row(nil), r.Compare...)
	for _, s := range r.Sweep {
		if !slices.ContainsFunc(r.Compare, func(c Row) bool { return reflect.DeepEqual(c, s) }) {
			out = append(out, s)
		}
	}
	return out
}

// MillisPerTimeStep is the steady cost of one optimiser step divided by the sequence
// length: ms per time step of one batch.
func (r Row) MillisPerTimeStep() float64 { return r.StepMillis / float64(r.Steps) }

// EpochSeconds estimates the wall time of one epoch over examples training sequences at
// the row's measured steady step cost and batch size.
func (r Row) EpochSeconds(examples int) float64 {
	return r.StepMillis / 1e3 * math.Ceil(float64(examples)/float64(r.Budget.Batch))
}

// TableHeader names the columns of TableRows, Markdown and CSV.
var TableHeader = []string{"task", "model", "params", "τ_max (ms)", "test accuracy (%)",
	"chance (%)", "test examples", "steps × batch", "train time (s)", "ms / step"}

// TableRows formats the rows of results as table cells (see TableHeader), comparison rows
// first, then sweep rows (Results.All), task after task.
func TableRows(results ...*Results) [][]string {
	var rows []Row
	for _, res := range results {
		rows = append(rows, res.All()...)
	}
	return cells(rows)
}

// CompareRows is TableRows without the sweep rows.
func CompareRows(results ...*Results) [][]string {
	var rows []Row
	for _, res := range results {
		rows = append(rows, res.Compare...)
	}
	return cells(rows)
}

func cells(rows []Row) [][]string {
	var out [][]string
	for _, r := range rows {
		tau := ""
		if r.Kind == KindELM {
			tau = strconv.FormatFloat(r.TauMMax, 'g', -1, 64)
		}
		out = append(out, []string{r.Task, r.Model, strconv.Itoa(r.Params), tau,
			fmt.Sprintf("%.1f", 100*r.Accuracy), fmt.Sprintf("%.1f", 100*r.Chance),
			strconv.Itoa(r.TestExamples), fmt.Sprintf("%d × %d", r.Budget.Steps, r.Budget.Batch),
			fmt.Sprintf("%.1f", r.TrainSeconds), fmt.Sprintf("%.0f", r.StepMillis)})
	}
	return out
}

// Markdown returns the results as a Markdown table.
func Markdown(results ...*Results) string {
	var sb strings.Builder
	line := func(cells []string) { sb.WriteString("| " + strings.Join(cells, " | ") + " |\n") }
	line(TableHeader)
	sep := make([]string, len(TableHeader))
	for i := range sep {
		sep[i] = "---"
	}
	line(sep)
	for _, row := range TableRows(results...) {
		line(row)
	}
	return sb.String()
}

// CSV returns the results as comma-separated values with a header line.
func CSV(results ...*Results) (string, error) {
	var sb strings.Builder
	w := csv.NewWriter(&sb)
	if err := w.Write(TableHeader); err != nil {
		return "", err
	}
	if err := w.WriteAll(TableRows(results...)); err != nil {
		return "", fmt.Errorf("seqtrain: %w", err)
	}
	return sb.String(), nil
}

// WriteTable writes results to path in the format its extension names: ".md" (Markdown
// table), ".csv", or ".json" (a JSON array of Results with every row and loss curve).
func WriteTable(path string, results ...*Results) error {
	var b []byte
	switch ext := strings.ToLower(filepath.Ext(path)); ext {
	case ".md":
		b = []byte(Markdown(results...))
	case ".csv":
		s, err := CSV(results...)
		if err != nil {
			return err
		}
		b = []byte(s)
	case ".json":
		j, err := json.MarshalIndent(results, "", " ")
		if err != nil {
			return fmt.Errorf("seqtrain: encoding %s: %w", path, err)
		}
		b = append(j, '\n')
	default:
		return fmt.Errorf("seqtrain: table file %s: unknown extension %q (want .md, .csv or "+
			".json)", path, ext)
	}
	return writeAtomic(path, b)
}
