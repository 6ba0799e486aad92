package views

import (
	"encoding/json"
	"io"

	"github.com/hashicorp/hcl/v2"
)

// WriteDiagnostics renders diags for people, with a source snippet for each
// one that has a range.
func WriteDiagnostics(w io.Writer, files map[string]*hcl.File, diags hcl.Diagnostics, color bool) {
	if len(diags) == 0 {
		return
	}
	tw := hcl.NewDiagnosticTextWriter(w, files, 100, color)
	_ = tw.WriteDiagnostics(diags) // a failed write to the terminal has nowhere to be reported
}

// JSONDiagnostic is one diagnostic as the -json views show it, in the shape
// Terraform uses.
type JSONDiagnostic struct {
	Severity string       `json:"severity"`
	Summary  string       `json:"summary"`
	Detail   string       `json:"detail,omitempty"`
	Range    *JSONRange   `json:"range,omitempty"`
	Snippet  *JSONSnippet `json:"snippet,omitempty"`
}

// JSONRange is a source range.
type JSONRange struct {
	Filename string  `json:"filename"`
	Start    JSONPos `json:"start"`
	End      JSONPos `json:"end"`
}

// JSONPos is a position in a source file.
type JSONPos struct {
	Line   int `json:"line"`
	Column int `json:"column"`
	Byte   int `json:"byte"`
}

// JSONSnippet is the source line a diagnostic points at.
type JSONSnippet struct {
	Code      string `json:"code"`
	StartLine int    `json:"start_line"`
}

// NewJSONDiagnostic converts one diagnostic, with its snippet when the
// source is known.
func NewJSONDiagnostic(d *hcl.Diagnostic, files map[string]*hcl.File) JSONDiagnostic {
	jd := JSONDiagnostic{Summary: d.Summary, Detail: d.Detail, Severity: "error"}
	if d.Severity == hcl.DiagWarning {
		jd.Severity = "warning"
	}
	if d.Subject != nil {
		r := *d.Subject
		jd.Range = &JSONRange{
			Filename: r.Filename,
			Start:    JSONPos{r.Start.Line, r.Start.Column, r.Start.Byte},
			End:      JSONPos{r.End.Line, r.End.Column, r.End.Byte},
		}
		if f := files[r.Filename]; f != nil {
			if code := sourceLine(f.Bytes, r.Start.Line); code != "" {
				jd.Snippet = &JSONSnippet{Code: code, StartLine: r.Start.Line}
			}
		}
	}
	return jd
}

func sourceLine(src []byte, line int) string {
	n := 1
	start := 0
	for i, b := range src {
		if b != '\n' {
			continue
		}
		if n == line {
			return string(src[start:i])
		}
		n++
		start = i + 1
	}
	if n == line {
		return string(src[start:])
	}
	return ""
}

// ValidateResult is the document `validate -json` prints.
type ValidateResult struct {
	FormatVersion string           `json:"format_version"`
	Valid         bool             `json:"valid"`
	ErrorCount    int              `json:"error_count"`
	WarningCount  int              `json:"warning_count"`
	Diagnostics   []JSONDiagnostic `json:"diagnostics"`
}

// WriteValidateJSON prints the validate -json document.
func WriteValidateJSON(w io.Writer, files map[string]*hcl.File, diags hcl.Diagnostics) error {
	res := ValidateResult{FormatVersion: "1.0", Valid: !diags.HasErrors(), Diagnostics: []JSONDiagnostic{}}
	for _, d := range diags {
		if d.Severity == hcl.DiagError {
			res.ErrorCount++
		} else {
			res.WarningCount++
		}
		res.Diagnostics = append(res.Diagnostics, NewJSONDiagnostic(d, files))
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(res)
}
