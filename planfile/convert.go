package planfile

import (
	"slices"

	"github.com/seedform/seedform/cost"
	"github.com/seedform/seedform/pipeline"
	"github.com/seedform/seedform/spec"
)

// FromPlan converts an in-memory plan to the saved format.
func FromPlan(p *pipeline.Plan) *Plan {
	o := p.Options
	out := &Plan{FormatVersion: FormatVersion, ConfigDigest: p.ConfigDigest, LockDigest: p.LockDigest,
		Changes: make([]Change, 0, len(p.Changes)), OrphanTemps: p.OrphanTemps, Deferred: p.Deferred,
		Options: Options{Targets: o.Targets, Replace: o.Replace, RefreshOnly: o.RefreshOnly, Destroy: o.Destroy, Vars: o.Vars, VarFiles: o.VarFiles}}
	for _, a := range o.VarArgs {
		out.Options.VarArgs = append(out.Options.VarArgs, VarArg{File: a.File, Value: a.Value})
	}
	for _, c := range p.Changes {
		d := c.Info()
		fc := Change{Address: c.Addr, Action: string(c.Action), Kind: string(c.Kind), PreviousAddress: d.PrevAddr,
			Reasons: d.Reasons, Cause: string(d.Cause), Drift: d.Drift, Images: c.Images, SpecHash: c.SpecHash,
			KnownAfterApply: d.KnownAfterApply, Provider: c.Provider, ReferencesRenamed: d.RefsRenamed, MetaChanged: d.MetaChanged, InTheWay: d.InTheWay,
			Cost: savedCost(d.Cost)}
		for _, a := range d.Attrs {
			fc.Attributes = append(fc.Attributes, Attribute{Name: a.Name, Before: a.Before, After: a.After,
				AfterUnknown: a.AfterUnknown, Sensitive: a.Sensitive, ForcesReplacement: a.ForcesReplacement})
		}
		for _, f := range d.Files {
			fc.Files = append(fc.Files, File{Action: string(f.Action), Path: f.Path})
		}
		for _, mv := range d.Moves {
			fc.Moves = append(fc.Moves, Move{From: mv.From, To: mv.To, SHA256: mv.SHA256, Done: mv.Done})
		}
		out.Changes = append(out.Changes, fc)
	}
	return out
}

// Pipeline converts a saved plan back to the in-memory plan.
func (p *Plan) Pipeline() *pipeline.Plan {
	o := p.Options
	out := &pipeline.Plan{ConfigDigest: p.ConfigDigest, LockDigest: p.LockDigest, OrphanTemps: p.OrphanTemps, Deferred: p.Deferred,
		Options: pipeline.Options{Targets: o.Targets, Replace: o.Replace, RefreshOnly: o.RefreshOnly, Destroy: o.Destroy, Vars: o.Vars, VarFiles: o.VarFiles}}
	for _, a := range o.VarArgs {
		out.Options.VarArgs = append(out.Options.VarArgs, spec.VarArg{File: a.File, Value: a.Value})
	}
	for _, fc := range p.Changes {
		c := &pipeline.Change{Addr: fc.Address, Action: pipeline.Action(fc.Action), Kind: spec.Kind(fc.Kind),
			Images: fc.Images, SpecHash: fc.SpecHash, Provider: fc.Provider}
		d := pipeline.Details{PrevAddr: fc.PreviousAddress, Reasons: fc.Reasons, Cause: pipeline.Cause(fc.Cause), Drift: fc.Drift,
			KnownAfterApply: fc.KnownAfterApply, RefsRenamed: fc.ReferencesRenamed, MetaChanged: fc.MetaChanged, InTheWay: fc.InTheWay,
			Cost: fc.Cost.pipeline(),
			// -replace is what lets apply overwrite a file in the way.
			Overwrite: slices.Contains(o.Replace, fc.Address)}
		for _, a := range fc.Attributes {
			d.Attrs = append(d.Attrs, pipeline.AttrChange{Name: a.Name, Before: a.Before, After: a.After,
				AfterUnknown: a.AfterUnknown, Sensitive: a.Sensitive, ForcesReplacement: a.ForcesReplacement})
		}
		for _, f := range fc.Files {
			d.Files = append(d.Files, pipeline.PlannedFile{Action: pipeline.FileAction(f.Action), Path: f.Path})
		}
		for _, mv := range fc.Moves {
			d.Moves = append(d.Moves, pipeline.FileMove{From: mv.From, To: mv.To, SHA256: mv.SHA256, Done: mv.Done})
		}
		if !d.IsZero() {
			c.Details = &d // as the planner leaves it: none on a plain no-op
		}
		out.Changes = append(out.Changes, c)
	}
	return out
}

func savedCost(c *cost.Cost) *Cost {
	if c == nil {
		return nil
	}
	out := &Cost{Currency: c.Currency, ImagesMin: c.ImagesMin, ImagesMax: c.ImagesMax, Min: c.Min, Max: c.Max,
		PricePerImage: c.PricePerImage, PriceSource: c.PriceSource, UnpricedImages: c.UnpricedImages}
	for i := range c.ByCurrency {
		out.ByCurrency = append(out.ByCurrency, *savedCost(&c.ByCurrency[i]))
	}
	return out
}

func (c *Cost) pipeline() *cost.Cost {
	if c == nil {
		return nil
	}
	out := &cost.Cost{Currency: c.Currency, ImagesMin: c.ImagesMin, ImagesMax: c.ImagesMax, Min: c.Min, Max: c.Max,
		PricePerImage: c.PricePerImage, PriceSource: c.PriceSource, UnpricedImages: c.UnpricedImages}
	for i := range c.ByCurrency {
		out.ByCurrency = append(out.ByCurrency, *c.ByCurrency[i].pipeline())
	}
	return out
}
