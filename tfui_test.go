package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/rogpeppe/go-internal/testscript"
)

// tfui: every line of the last command's stdout is a message of
// Terraform's machine-readable UI, read as its documentation
// (developer.hashicorp.com/terraform/internals/machine-readable-ui)
// describes it, written without seedform's own types: a version line
// first with a 1.x ui; then the envelope on every line; the change object
// of planned_change and resource_drift, the hook object of the apply_*
// messages and the changes object of change_summary. Unknown fields are
// ignored, as the documentation asks of readers.
func cmdTFUI(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 0 {
		ts.Fatalf("usage: tfui")
	}
	lines := strings.Split(strings.TrimSuffix(ts.ReadFile("stdout"), "\n"), "\n")
	for i, line := range lines {
		if err := checkTFUILine(line, i == 0); err != nil {
			ts.Fatalf("stdout line %d: %v\n%s", i+1, err, line)
		}
	}
}

// tfuiResource is the documented resource object.
type tfuiResource struct {
	Addr            *string         `json:"addr"`
	Module          *string         `json:"module"`
	Resource        *string         `json:"resource"`
	ImpliedProvider *string         `json:"implied_provider"`
	ResourceType    *string         `json:"resource_type"`
	ResourceName    *string         `json:"resource_name"`
	ResourceKey     json.RawMessage `json:"resource_key"`
}

type tfuiMessage struct {
	Level     string `json:"@level"`
	Message   string `json:"@message"`
	Module    string `json:"@module"`
	Timestamp string `json:"@timestamp"`
	Type      string `json:"type"`
	UI        string `json:"ui"`
	Change    *struct {
		Resource         *tfuiResource `json:"resource"`
		PreviousResource *tfuiResource `json:"previous_resource"`
		Action           string        `json:"action"`
		Reason           string        `json:"reason"`
	} `json:"change"`
	Hook *struct {
		Resource       *tfuiResource `json:"resource"`
		Action         string        `json:"action"`
		ElapsedSeconds *json.Number  `json:"elapsed_seconds"`
	} `json:"hook"`
	Changes *struct {
		Add       *int   `json:"add"`
		Change    *int   `json:"change"`
		Remove    *int   `json:"remove"`
		Operation string `json:"operation"`
	} `json:"changes"`
	Diagnostic *struct {
		Severity string `json:"severity"`
		Summary  string `json:"summary"`
	} `json:"diagnostic"`
}

func oneOf(v string, set ...string) bool {
	for _, s := range set {
		if v == s {
			return true
		}
	}
	return false
}

func checkTFUILine(line string, first bool) error {
	var m tfuiMessage
	d := json.NewDecoder(strings.NewReader(line))
	if err := d.Decode(&m); err != nil {
		return err
	}
	if d.More() {
		return fmt.Errorf("more than one JSON value on the line")
	}
	if !oneOf(m.Level, "info", "warn", "error") || m.Message == "" || m.Module == "" || m.Type == "" {
		return fmt.Errorf("envelope incomplete: @level %q, @message %q, @module %q, type %q", m.Level, m.Message, m.Module, m.Type)
	}
	if _, err := time.Parse(time.RFC3339Nano, m.Timestamp); err != nil {
		return fmt.Errorf("@timestamp: %v", err)
	}
	if first != (m.Type == "version") {
		return fmt.Errorf("the version line must come first, and only there")
	}
	switch m.Type {
	case "version":
		if !strings.HasPrefix(m.UI, "1.") {
			return fmt.Errorf("unsupported ui version %q", m.UI)
		}
	case "planned_change", "resource_drift":
		c := m.Change
		if c == nil {
			return fmt.Errorf("no change object")
		}
		if err := checkTFUIResource(c.Resource); err != nil {
			return err
		}
		if c.PreviousResource != nil {
			if err := checkTFUIResource(c.PreviousResource); err != nil {
				return fmt.Errorf("previous_resource: %v", err)
			}
		}
		actions := []string{"noop", "create", "read", "update", "replace", "delete", "move"}
		if m.Type == "resource_drift" {
			actions = []string{"update", "delete"}
		}
		if !oneOf(c.Action, actions...) {
			return fmt.Errorf("change.action %q", c.Action)
		}
		if c.Reason != "" && (!oneOf(c.Action, "replace", "delete") || !oneOf(c.Reason, "tainted", "requested", "cannot_update",
			"delete_because_no_resource_config", "delete_because_wrong_repetition", "delete_because_count_index",
			"delete_because_each_key", "delete_because_no_module")) {
			return fmt.Errorf("change.reason %q with action %q", c.Reason, c.Action)
		}
	case "apply_start", "apply_progress", "apply_complete", "apply_errored":
		h := m.Hook
		if h == nil {
			return fmt.Errorf("no hook object")
		}
		if err := checkTFUIResource(h.Resource); err != nil {
			return err
		}
		if !oneOf(h.Action, "noop", "create", "read", "update", "replace", "delete") {
			return fmt.Errorf("hook.action %q", h.Action)
		}
		if m.Type != "apply_start" {
			if h.ElapsedSeconds == nil {
				return fmt.Errorf("no hook.elapsed_seconds")
			}
			if _, err := h.ElapsedSeconds.Int64(); err != nil {
				return fmt.Errorf("hook.elapsed_seconds is not an integer: %v", err)
			}
		}
	case "change_summary":
		c := m.Changes
		if c == nil || c.Add == nil || c.Change == nil || c.Remove == nil || !oneOf(c.Operation, "plan", "apply", "destroy") {
			return fmt.Errorf("changes object incomplete")
		}
	case "diagnostic":
		if m.Diagnostic == nil || !oneOf(m.Diagnostic.Severity, "error", "warning") || m.Diagnostic.Summary == "" {
			return fmt.Errorf("diagnostic object incomplete")
		}
	}
	return nil
}

func checkTFUIResource(r *tfuiResource) error {
	if r == nil || r.Addr == nil || r.Module == nil || r.Resource == nil || r.ImpliedProvider == nil ||
		r.ResourceType == nil || r.ResourceName == nil || r.ResourceKey == nil {
		return fmt.Errorf("resource object incomplete")
	}
	if *r.Module != "" || *r.Resource != *r.Addr {
		return fmt.Errorf("a root module resource has module \"\" and resource = addr")
	}
	want := *r.ResourceType + "." + *r.ResourceName
	switch k := bytes.TrimSpace(r.ResourceKey); {
	case string(k) == "null":
	case len(k) > 0 && k[0] == '"':
		var s string
		_ = json.Unmarshal(k, &s)
		b, _ := json.Marshal(s)
		want += "[" + string(b) + "]"
	default:
		var n json.Number
		if err := json.Unmarshal(k, &n); err != nil {
			return fmt.Errorf("resource_key %s is neither null, a string nor a number", k)
		}
		want += "[" + n.String() + "]"
	}
	if *r.Addr != want {
		return fmt.Errorf("addr %q does not match its parts (%q)", *r.Addr, want)
	}
	return nil
}
