package jsonui

import (
	"encoding/json"
	"math/big"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
)

// UIVersion is the version of the format, given by the first line. 1.1
// adds Terraform's nested change and hook objects to the flat lines of 1.0;
// 1.2 adds cost (planned_change, change_summary) and budget (apply's
// change_summary).
const UIVersion = "1.2"

// Module is the @module of every line.
const Module = "seedform.ui"

// MessageType is a line's "type".
type MessageType string

// The message types; readers present the @message of a type they do not know.
const (
	TypeVersion       MessageType = "version"
	TypeLog           MessageType = "log"
	TypeDiagnostic    MessageType = "diagnostic"
	TypeResourceDrift MessageType = "resource_drift"
	TypePlannedChange MessageType = "planned_change"
	TypeChangeSummary MessageType = "change_summary"
	TypeApplyStart    MessageType = "apply_start"
	TypeApplyProgress MessageType = "apply_progress"
	TypeApplyComplete MessageType = "apply_complete"
	TypeApplyErrored  MessageType = "apply_errored"
	// shard merge: one line per shard, then the total.
	TypeShardMerged  MessageType = "shard_merged"
	TypeMergeSummary MessageType = "merge_summary"
)

// Level is a line's "@level".
type Level string

const (
	LevelInfo  Level = "info"
	LevelWarn  Level = "warn"
	LevelError Level = "error"
)

// Message is one line. The envelope is always there; which of the other
// fields are depends on Type.
type Message struct {
	Level     Level       `json:"@level"`
	Message   string      `json:"@message"`
	Module    string      `json:"@module"`
	Timestamp string      `json:"@timestamp"`
	Type      MessageType `json:"type"`
	// Address is the asset the line is about, as in UI version 1.0.
	Address string `json:"address,omitempty"`

	// Version line: seedform's version and the UI version.
	Seedform string `json:"seedform,omitempty"`
	UI       string `json:"ui,omitempty"`

	Change *Change `json:"change,omitempty"` // planned_change, resource_drift
	// CurrentFiles are the files a planned change's asset has now, for
	// readers that render their own review (plan -json with a report).
	CurrentFiles []CurrentFile  `json:"current_files,omitempty"`
	Hook         *Hook          `json:"hook,omitempty"`    // apply_*
	Changes      *ChangeSummary `json:"changes,omitempty"` // change_summary
	Diagnostic   *Diagnostic    `json:"diagnostic,omitempty"`
	// Shard is on every line of a sharded apply (apply -shard=I/N) and on
	// the lines of shard merge.
	Shard *Shard `json:"shard,omitempty"`
	// Merged is what shard merge found: one shard's part on a
	// shard_merged line, the total on merge_summary.
	Merged *Merged `json:"merged,omitempty"`
	// Cost is what a planned_change, or a plan's change_summary, may cost.
	Cost *Cost `json:"cost,omitempty"`
	// Budget is how an apply with a budget ended (its change_summary).
	Budget *Budget `json:"budget,omitempty"`
}

// Shard is one shard of a saved plan: Index of Count, counting from 1.
type Shard struct {
	Index int `json:"index,omitempty"`
	Count int `json:"count"`
}

// Merged is what one shard's fragment held, or all of them.
type Merged struct {
	// File is the fragment, relative to the configuration directory.
	File     string `json:"file,omitempty"`
	Recorded int    `json:"recorded"`
	Images   int    `json:"images"`
	Removed  int    `json:"removed"`
	// AlreadyMerged is set on merge_summary when nothing was written.
	AlreadyMerged bool `json:"already_merged,omitempty"`
}

// CurrentFile is one file an asset has before a planned change: its path
// relative to the configuration directory, its content, and the path of
// its thumbnail when a review report was written.
type CurrentFile struct {
	Path      string `json:"path"`
	SHA256    string `json:"sha256"`
	Width     int    `json:"width,omitempty"`
	Height    int    `json:"height,omitempty"`
	Thumbnail string `json:"thumbnail,omitempty"`
}

// Resource identifies an asset as Terraform's resource object does. A
// seedform asset is a root-module resource: Module is always "".
type Resource struct {
	Addr            string `json:"addr"`
	Module          string `json:"module"`
	Resource        string `json:"resource"`
	ImpliedProvider string `json:"implied_provider"`
	ResourceType    string `json:"resource_type"` // image or image_set
	ResourceName    string `json:"resource_name"`
	// ResourceKey is the for_each key (a string), the count index (a
	// number), or null.
	ResourceKey any `json:"resource_key"`
}

// NewResource decomposes an address such as image.season["spring"] or
// image.tile[3]; provider is the asset's provider instance (seedream.relay),
// whose type is the implied provider.
func NewResource(addr, provider string) Resource {
	r := Resource{Addr: addr, Resource: addr, ImpliedProvider: providerType(provider)}
	t, diags := hclsyntax.ParseTraversalAbs([]byte(addr), "", hcl.InitialPos)
	if diags.HasErrors() || len(t) < 2 {
		return r
	}
	r.ResourceType = t.RootName()
	if a, ok := t[1].(hcl.TraverseAttr); ok {
		r.ResourceName = a.Name
	}
	if len(t) > 2 {
		if ix, ok := t[2].(hcl.TraverseIndex); ok {
			r.ResourceKey = keyValue(ix.Key)
		}
	}
	return r
}

func providerType(provider string) string {
	for i := 0; i < len(provider); i++ {
		if provider[i] == '.' {
			return provider[:i]
		}
	}
	return provider
}

func keyValue(v cty.Value) any {
	switch {
	case v.IsNull() || !v.IsKnown():
		return nil
	case v.Type() == cty.String:
		return v.AsString()
	case v.Type() == cty.Number:
		if n, acc := v.AsBigFloat().Int64(); acc == big.Exact {
			return n
		}
	}
	return nil
}

// ChangeAction is Terraform's vocabulary of actions.
type ChangeAction string

const (
	ActionNoop    ChangeAction = "noop"
	ActionCreate  ChangeAction = "create"
	ActionUpdate  ChangeAction = "update"
	ActionReplace ChangeAction = "replace"
	ActionDelete  ChangeAction = "delete"
	ActionMove    ChangeAction = "move"
)

// ChangeReason is Terraform's reason of a replace or a delete.
type ChangeReason string

const (
	ReasonRequested                     ChangeReason = "requested"
	ReasonCannotUpdate                  ChangeReason = "cannot_update"
	ReasonDeleteBecauseNoResourceConfig ChangeReason = "delete_because_no_resource_config"
	ReasonDeleteBecauseWrongRepetition  ChangeReason = "delete_because_wrong_repetition"
	ReasonDeleteBecauseCountIndex       ChangeReason = "delete_because_count_index"
	ReasonDeleteBecauseEachKey          ChangeReason = "delete_because_each_key"
)

// Change is the change object of planned_change and resource_drift.
type Change struct {
	Resource         Resource     `json:"resource"`
	PreviousResource *Resource    `json:"previous_resource,omitempty"`
	Action           ChangeAction `json:"action"`
	Reason           ChangeReason `json:"reason,omitempty"`

	// SeedformAction is seedform's finer action: create, replace, update,
	// move, delete, recover (finish a paid answer from staging), accept
	// (record hand-edited outputs), or drift. The change summaries count
	// by these names.
	SeedformAction string `json:"seedform_action"`
	// Reasons say why, in words.
	Reasons []string `json:"reasons,omitempty"`
	// Attributes are every attribute of a new asset, and the changed ones
	// of any other.
	Attributes []Attribute `json:"attributes,omitempty"`
	// Files are the files the change writes, removes or moves, relative
	// to the config directory.
	Files []File `json:"files,omitempty"`
	// Images is how many images a generating change may return, at most.
	Images   int    `json:"images,omitempty"`
	Provider string `json:"provider,omitempty"`
	// SpecHash is the hash the asset will be recorded with; absent when
	// an upstream asset is regenerated first (SpecHashUnknown).
	SpecHash        string `json:"spec_hash,omitempty"`
	SpecHashUnknown bool   `json:"spec_hash_unknown,omitempty"`
	// Cost is what the change may cost, as on its line.
	Cost *Cost `json:"cost,omitempty"`
}

// Attribute is one attribute of a planned change. Values are JSON values;
// Before is absent for a new asset, After when AfterUnknown. A sensitive
// attribute carries neither value.
type Attribute struct {
	Name              string          `json:"name"`
	Before            json.RawMessage `json:"before,omitempty"`
	After             json.RawMessage `json:"after,omitempty"`
	AfterUnknown      bool            `json:"after_unknown,omitempty"`
	Sensitive         bool            `json:"sensitive,omitempty"`
	ForcesReplacement bool            `json:"forces_replacement,omitempty"`
}

// FileAction is what a change does to one file.
type FileAction string

const (
	FileWrite  FileAction = "write"
	FileRemove FileAction = "remove"
	FileMove   FileAction = "move"
	FileKeep   FileAction = "keep" // edited by hand and left alone
)

// File is one file a change touches.
type File struct {
	Action FileAction `json:"action"`
	Path   string     `json:"path"`
	From   string     `json:"from,omitempty"` // FileMove: where it is now
}

// Hook is the hook object of the apply_* messages.
type Hook struct {
	Resource       Resource     `json:"resource"`
	Action         ChangeAction `json:"action"`
	SeedformAction string       `json:"seedform_action"`
	// ElapsedSeconds is the time since the asset started, in whole
	// seconds (apply_progress, apply_complete, apply_errored).
	ElapsedSeconds *int `json:"elapsed_seconds,omitempty"`

	// apply_progress of one image of a set.
	ImageIndex *int `json:"image_index,omitempty"`
	Width      int  `json:"width,omitempty"`
	Height     int  `json:"height,omitempty"`
	// apply_complete: where the apply is, Done of Total changes.
	Done  int `json:"done,omitempty"`
	Total int `json:"total,omitempty"`
	// Outputs are the files recorded (apply_complete, and apply_errored
	// when part of a set came back).
	Outputs      []Output      `json:"outputs,omitempty"`
	FailedImages []FailedImage `json:"failed_images,omitempty"`
	// apply_progress of a retry: the provider waits, then tries again.
	Retry *Retry `json:"retry,omitempty"`
	// apply_progress while a full disk keeps paid images in memory.
	DiskFull *DiskFull `json:"disk_full,omitempty"`
	// Notes say what the change did that its action does not (extra
	// images paid for, an answer dropped).
	Notes []string `json:"notes,omitempty"`
	// apply_errored: the error, or why the asset was skipped or cancelled.
	Error     string `json:"error,omitempty"`
	Skipped   string `json:"skipped,omitempty"`
	Cancelled bool   `json:"cancelled,omitempty"`
}

// DiskFull is a paid answer waiting for room on the disk: HeldImages of
// its images are in memory (0 when only its journal waits), until space
// is freed on Dir.
type DiskFull struct {
	HeldImages int    `json:"held_images"`
	Dir        string `json:"dir"`
	Error      string `json:"error"`
}

// Retry is a transient failure a provider retries.
type Retry struct {
	Attempt int `json:"attempt"` // the attempt to come: 2 for the first retry
	// WaitSeconds is the wait before it; 0 when it waited already for a
	// request in flight to end (a 429).
	WaitSeconds float64 `json:"wait_seconds"`
	Reason      string  `json:"reason"`
}

// Output is one recorded file.
type Output struct {
	Path   string `json:"path"`
	SHA256 string `json:"sha256"`
	Bytes  int64  `json:"bytes"`
	Width  int    `json:"width"`
	Height int    `json:"height"`
	Format string `json:"format"`
}

// FailedImage is one slot of a set the API reported as failed.
type FailedImage struct {
	Index   int    `json:"index"`
	Code    string `json:"code"`
	Message string `json:"message,omitempty"`
}

// Operation is what a change summary sums up.
type Operation string

const (
	OperationPlan    Operation = "plan"
	OperationApply   Operation = "apply"
	OperationDestroy Operation = "destroy"
)

// ChangeSummary is the changes object of change_summary. Add, Change and
// Remove count as Terraform's do (a replace is one add and one remove;
// a recover adds, a move or an accept changes); the rest count by
// seedform action, the same names in plan and apply.
type ChangeSummary struct {
	Add       int       `json:"add"`
	Change    int       `json:"change"`
	Remove    int       `json:"remove"`
	Operation Operation `json:"operation"`

	Create  int `json:"create"`
	Replace int `json:"replace"`
	Update  int `json:"update"`
	Move    int `json:"move"`
	Delete  int `json:"delete"`
	Recover int `json:"recover"`
	Accept  int `json:"accept"`
	// ImagesMax is how many images the plan's generating changes may
	// return at most (plan).
	ImagesMax int `json:"images_max,omitempty"`
	// Drift counts assets whose outputs were edited by hand and are left
	// alone (plan).
	Drift int `json:"drift,omitempty"`
	// Deferred are the assets whose changes plan -refresh-only leaves out.
	Deferred []string `json:"deferred,omitempty"`
	// Cost is what the plan may cost, as on its line (plan).
	Cost *Cost `json:"cost,omitempty"`

	// Apply: what did not complete, and why.
	Failed      int      `json:"failed,omitempty"`
	Skipped     int      `json:"skipped,omitempty"`
	NotStarted  []string `json:"not_started,omitempty"`
	Cancelled   []string `json:"cancelled,omitempty"`
	Interrupted bool     `json:"interrupted,omitempty"`
}

// Diagnostic is a diagnostic in Terraform's shape, as `validate -json`
// also prints it.
type Diagnostic struct {
	Severity string   `json:"severity"` // "error" or "warning"
	Summary  string   `json:"summary"`
	Detail   string   `json:"detail,omitempty"`
	Address  string   `json:"address,omitempty"`
	Range    *Range   `json:"range,omitempty"`
	Snippet  *Snippet `json:"snippet,omitempty"`
}

// Range is a source range.
type Range struct {
	Filename string `json:"filename"`
	Start    Pos    `json:"start"`
	End      Pos    `json:"end"`
}

// Pos is a position in a source file.
type Pos struct {
	Line   int `json:"line"`
	Column int `json:"column"`
	Byte   int `json:"byte"`
}

// Snippet is the source line a diagnostic points at.
type Snippet struct {
	Code      string `json:"code"`
	StartLine int    `json:"start_line"`
}
