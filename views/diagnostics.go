package views

import (
	"encoding/json"
	"io"

	"github.com/hashicorp/hcl/v2"
	"github.com/seedform/seedform/views/jsonui"
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

// NewJSONDiagnostic converts one diagnostic, with its snippet when the
// source is known.
func NewJSONDiagnostic(d *hcl.Diagnostic, files map[string]*hcl.File) jsonui.Diagnostic {
	jd := jsonui.Diagnostic{Summary: d.Summary, Detail: d.Detail, Severity: "error"}
	if d.Severity == hcl.DiagWarning {
		jd.Severity = "warning"
	}
	if d.Subject != nil {
		r := *d.Subject
		jd.Range = &jsonui.Range{
			Filename: r.Filename,
			Start:    jsonui.Pos{Line: r.Start.Line, Column: r.Start.Column, Byte: r.Start.Byte},
			End:      jsonui.Pos{Line: r.End.Line, Column: r.End.Column, Byte: r.End.Byte},
		}
		if f := files[r.Filename]; f != nil {
			if code := sourceLine(f.Bytes, r.Start.Line); code != "" {
				jd.Snippet = &jsonui.Snippet{Code: code, StartLine: r.Start.Line}
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
	FormatVersion string              `json:"format_version"`
	Valid         bool                `json:"valid"`
	ErrorCount    int                 `json:"error_count"`
	WarningCount  int                 `json:"warning_count"`
	Diagnostics   []jsonui.Diagnostic `json:"diagnostics"`
}

// WriteValidateJSON prints the validate -json document.
func WriteValidateJSON(w io.Writer, files map[string]*hcl.File, diags hcl.Diagnostics) error {
	res := ValidateResult{FormatVersion: "1.0", Valid: !diags.HasErrors(), Diagnostics: []jsonui.Diagnostic{}}
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
