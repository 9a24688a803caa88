package plots

import (
	"fmt"
	"html"
	"strings"

	"github.com/janpfeifer/gonb/gonbui"
)

// Table is a simple results table rendered as plain HTML (no script), e.g. parameters,
// accuracy and training time of ELM and LSTM side by side.
type Table struct {
	// Caption is shown above the table.
	Caption string
	// Header names the columns.
	Header []string
	// Rows hold the cells; short rows are padded with empty cells.
	Rows [][]string
	// Note is shown in small print under the table, e.g. the budget the numbers came from.
	Note string
}

const tableCSS = `border-collapse:collapse;font:13px -apple-system,"Segoe UI",Helvetica,` +
	`Arial,sans-serif;margin:6px 0`

// HTML returns the table as an HTML fragment; all text is escaped.
func (t Table) HTML() string {
	var b strings.Builder
	fmt.Fprintf(&b, `<table class="elm-table" style='%s'>`, tableCSS)
	if t.Caption != "" {
		fmt.Fprintf(&b, `<caption style="text-align:left;font-weight:600;padding:4px 0">%s`+
			`</caption>`, html.EscapeString(t.Caption))
	}
	cols := len(t.Header)
	for _, r := range t.Rows {
		cols = max(cols, len(r))
	}
	cell := `padding:3px 12px;border-bottom:1px solid #ddd;text-align:%s`
	if len(t.Header) > 0 {
		b.WriteString("<thead><tr>")
		for i := 0; i < cols; i++ {
			h := ""
			if i < len(t.Header) {
				h = t.Header[i]
			}
			fmt.Fprintf(&b, `<th style="`+cell+`;border-bottom:2px solid #444">%s</th>`,
				align(i), html.EscapeString(h))
		}
		b.WriteString("</tr></thead>")
	}
	b.WriteString("<tbody>")
	for _, r := range t.Rows {
		b.WriteString("<tr>")
		for i := 0; i < cols; i++ {
			v := ""
			if i < len(r) {
				v = r[i]
			}
			fmt.Fprintf(&b, `<td style="`+cell+`">%s</td>`, align(i), html.EscapeString(v))
		}
		b.WriteString("</tr>")
	}
	b.WriteString("</tbody></table>\n")
	if t.Note != "" {
		fmt.Fprintf(&b, `<p style="font:11px sans-serif;color:#666;margin:2px 0">%s</p>`+"\n",
			html.EscapeString(t.Note))
	}
	return b.String()
}

// align puts the first column left (names) and the others right (numbers).
func align(col int) string {
	if col == 0 {
		return "left"
	}
	return "right"
}

// Display shows the table as the output of the current GoNB cell (no-op outside a
// notebook).
func (t Table) Display() {
	if !gonbui.IsNotebook {
		return
	}
	gonbui.DisplayHTML(t.HTML())
}
