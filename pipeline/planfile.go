package pipeline

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"

	"github.com/seedform/seedform/lockfile"
)

// planFile is a saved plan: the plan and a checksum of its encoding, so
// that a damaged or edited file is refused rather than half-trusted.
type planFile struct {
	Seedform string          `json:"seedform_plan"`
	Checksum string          `json:"checksum"`
	Plan     json.RawMessage `json:"plan"`
}

const planMagic = "seedform saved plan"

// WritePlanFile saves p atomically.
func WritePlanFile(path string, p *Plan) error {
	body, err := json.Marshal(p)
	if err != nil {
		return err
	}
	b, err := json.MarshalIndent(planFile{Seedform: planMagic, Checksum: digestBytes(body), Plan: body}, "", "  ")
	if err != nil {
		return err
	}
	return lockfile.WriteFile(path, append(b, '\n'))
}

// ReadPlanFile reads a saved plan, refusing one that is damaged, edited,
// or from another plan format.
func ReadPlanFile(path string) (*Plan, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var f planFile
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil || f.Seedform != planMagic {
		return nil, fmt.Errorf("%s is not a seedform plan file", path)
	}
	var compact bytes.Buffer
	if err := json.Compact(&compact, f.Plan); err != nil || digestBytes(compact.Bytes()) != f.Checksum {
		return nil, fmt.Errorf("%s has been modified or damaged since it was saved (checksum mismatch): make a new plan", path)
	}
	var p Plan
	if err := json.Unmarshal(f.Plan, &p); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if p.FormatVersion != PlanFormatVersion {
		return nil, fmt.Errorf("%s was saved in plan format %d; this seedform reads format %d: make a new plan", path, p.FormatVersion, PlanFormatVersion)
	}
	return &p, nil
}

// ErrStalePlan is returned when a saved plan no longer matches the config,
// the lock or the outputs it was made from.
var ErrStalePlan = errors.New("saved plan is stale")

// CheckSaved compares a saved plan with one made now from the same
// options: the config, the lock and the outputs must be as they were.
func CheckSaved(saved, now *Plan) error {
	if err := CheckSavedInputs(saved, now); err != nil {
		return err
	}
	a, _ := json.Marshal(saved.Changes)
	b, _ := json.Marshal(now.Changes)
	if !bytes.Equal(a, b) {
		return fmt.Errorf("%w: the outputs on disk changed since the plan was made; make a new plan", ErrStalePlan)
	}
	return nil
}

// CheckSavedInputs is CheckSaved of the config and the lock alone: what a
// shard checks, whose outputs an earlier run of the same shard may have
// changed (a sharded apply never writes the lock).
func CheckSavedInputs(saved, now *Plan) error {
	switch {
	case saved.ConfigDigest != now.ConfigDigest:
		return fmt.Errorf("%w: the configuration (or a variable, or a reference file) changed since the plan was made; make a new plan", ErrStalePlan)
	case saved.LockDigest != now.LockDigest:
		return fmt.Errorf("%w: %s changed since the plan was made (another apply ran?); make a new plan", ErrStalePlan, lockfile.FileName)
	}
	return nil
}
