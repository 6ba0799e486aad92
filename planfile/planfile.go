package planfile

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"

	"github.com/seedform/seedform/cost"
	"github.com/seedform/seedform/lockfile"
)

// FormatVersion is the plan format this build reads and writes. Version 2
// records every attribute of a change and the files it touches; version 3
// what each change may cost; version 4 withholds the values of sensitive
// variables set with -var.
const FormatVersion = 4

const magic = "seedform saved plan"

// envelope is the file: the plan and a checksum of its encoding.
type envelope struct {
	Seedform string          `json:"seedform_plan"`
	Checksum string          `json:"checksum"`
	Plan     json.RawMessage `json:"plan"`
}

// Plan is a saved plan: what apply will do, and what it was made from.
type Plan struct {
	FormatVersion int `json:"format_version"`
	// ConfigDigest and LockDigest identify the config and lock the plan
	// was made from; apply refuses the plan when either changed.
	ConfigDigest string   `json:"config_digest"`
	LockDigest   string   `json:"lock_digest"`
	Changes      []Change `json:"changes"`
	Options      Options  `json:"options"`
	OrphanTemps  []string `json:"orphan_temps,omitempty"`
	// Deferred are the addresses whose changes -refresh-only left out.
	Deferred []string `json:"deferred,omitempty"`
}

// Options are the flags the plan was made with, so that apply makes it again.
type Options struct {
	Targets     []string `json:"targets,omitempty"`
	Replace     []string `json:"replace,omitempty"`
	RefreshOnly bool     `json:"refresh_only,omitempty"`
	Destroy     bool     `json:"destroy,omitempty"`
	Vars        []string `json:"vars,omitempty"`
	VarFiles    []string `json:"var_files,omitempty"`
	// VarArgs are Vars and VarFiles in the order they were given, which is
	// the order they apply in (last wins).
	VarArgs []VarArg `json:"var_args,omitempty"`
}

// VarArg is one -var (Value is NAME=VALUE) or -var-file (File is set).
type VarArg struct {
	File  bool   `json:"file,omitempty"`
	Value string `json:"value"`
	// Withheld is set on a -var of a sensitive variable: Value is then
	// the variable's name only, and Withheld "sha256:<hex>" of the value,
	// which apply must be given again (see WithholdVars).
	Withheld string `json:"withheld_sha256,omitempty"`
}

// Change is the planned action for one asset address.
type Change struct {
	Address           string      `json:"address"`
	Action            string      `json:"action"`
	Kind              string      `json:"kind"`
	PreviousAddress   string      `json:"previous_address,omitempty"`
	Reasons           []string    `json:"reasons,omitempty"`
	Cause             string      `json:"cause,omitempty"`
	Attributes        []Attribute `json:"attributes,omitempty"`
	Files             []File      `json:"files,omitempty"`
	Moves             []Move      `json:"moves,omitempty"`
	Drift             []string    `json:"drift,omitempty"`
	Images            int         `json:"images,omitempty"`
	SpecHash          string      `json:"spec_hash,omitempty"`
	KnownAfterApply   bool        `json:"known_after_apply,omitempty"`
	Provider          string      `json:"provider,omitempty"`
	ReferencesRenamed bool        `json:"references_renamed,omitempty"`
	MetaChanged       bool        `json:"meta_changed,omitempty"`
	// InTheWay are the files at a generating change's output paths that
	// seedform did not write: apply overwrites them only with -replace.
	InTheWay []string `json:"in_the_way,omitempty"`
	Cost     *Cost    `json:"cost,omitempty"`
}

// Cost is what a change may cost: ImagesMin to ImagesMax images, Min to
// Max in Currency (null when no single bound exists: UnpricedImages have
// no known price, or ByCurrency splits mixed currencies). Amounts are
// exact decimals.
type Cost struct {
	Currency       string       `json:"currency"`
	ImagesMin      int          `json:"images_min"`
	ImagesMax      int          `json:"images_max"`
	Min            *cost.Amount `json:"min"`
	Max            *cost.Amount `json:"max"`
	PricePerImage  *cost.Amount `json:"price_per_image,omitempty"`
	PriceSource    string       `json:"price_source,omitempty"`
	UnpricedImages int          `json:"unpriced_images,omitempty"`
	ByCurrency     []Cost       `json:"by_currency,omitempty"`
}

// Attribute is one attribute of a change; a sensitive one has no value.
type Attribute struct {
	Name              string          `json:"name"`
	Before            json.RawMessage `json:"before,omitempty"`
	After             json.RawMessage `json:"after,omitempty"`
	AfterUnknown      bool            `json:"after_unknown,omitempty"`
	Sensitive         bool            `json:"sensitive,omitempty"`
	ForcesReplacement bool            `json:"forces_replacement,omitempty"`
}

// File is one file a change writes, removes or keeps.
type File struct {
	Action string `json:"action"`
	Path   string `json:"path"`
}

// Move is one output file renamed, paths relative to the config directory.
type Move struct {
	From   string `json:"from"`
	To     string `json:"to"`
	SHA256 string `json:"sha256"`
	Done   bool   `json:"done,omitempty"`
}

// Write saves p atomically.
func Write(path string, p *Plan) error {
	body, err := json.Marshal(p)
	if err != nil {
		return err
	}
	b, err := json.MarshalIndent(envelope{Seedform: magic, Checksum: digest(body), Plan: body}, "", "  ")
	if err != nil {
		return err
	}
	return lockfile.WriteFile(path, append(b, '\n'))
}

// Read reads a saved plan, refusing one that is damaged, edited, or of
// another format version.
func Read(path string) (*Plan, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var f envelope
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil || f.Seedform != magic {
		return nil, fmt.Errorf("%s is not a seedform plan file", path)
	}
	var compact bytes.Buffer
	if err := json.Compact(&compact, f.Plan); err != nil || digest(compact.Bytes()) != f.Checksum {
		return nil, fmt.Errorf("%s has been modified or damaged since it was saved (checksum mismatch): make a new plan", path)
	}
	var p Plan
	if err := json.Unmarshal(f.Plan, &p); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if p.FormatVersion != FormatVersion {
		return nil, fmt.Errorf("%s was saved in plan format %d; this seedform reads format %d: make a new plan", path, p.FormatVersion, FormatVersion)
	}
	return &p, nil
}

func digest(b []byte) string {
	sum := sha256.Sum256(b)
	return "sha256:" + hex.EncodeToString(sum[:])
}
