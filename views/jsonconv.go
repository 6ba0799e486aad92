package views

import (
	"encoding/json"

	"github.com/seedform/seedform/cost"
	"github.com/seedform/seedform/pipeline"
	"github.com/seedform/seedform/views/jsonui"
)

// tfAction is the Terraform action of a seedform action. A recovery
// creates the asset's outputs (already paid for); an accept updates the
// record in place; a move with no new address is an update of its files.
func tfAction(c *pipeline.Change, hook bool) jsonui.ChangeAction {
	switch c.Action {
	case pipeline.Create, pipeline.Recover:
		return jsonui.ActionCreate
	case pipeline.Replace:
		return jsonui.ActionReplace
	case pipeline.Delete:
		return jsonui.ActionDelete
	case pipeline.Move:
		// Terraform's hooks have no move: the files change in place.
		if d := c.Info(); d.PrevAddr != "" && len(d.Moves) == 0 && !hook {
			return jsonui.ActionMove
		}
		return jsonui.ActionUpdate
	case pipeline.Update, pipeline.Accept:
		return jsonui.ActionUpdate
	}
	return jsonui.ActionNoop
}

// seedformAction is the action's name in the JSON UI: the pipeline's,
// but no-op as noop.
func seedformAction(a pipeline.Action) string {
	if a == pipeline.NoOp {
		return string(jsonui.ActionNoop)
	}
	return string(a)
}

func tfReason(c *pipeline.Change) jsonui.ChangeReason {
	switch c.Info().Cause {
	case pipeline.CauseRequested:
		return jsonui.ReasonRequested
	case pipeline.CauseCannotUpdate:
		return jsonui.ReasonCannotUpdate
	case pipeline.CauseNoConfig:
		return jsonui.ReasonDeleteBecauseNoResourceConfig
	case pipeline.CauseNoKey:
		return jsonui.ReasonDeleteBecauseEachKey
	case pipeline.CauseNoIndex:
		return jsonui.ReasonDeleteBecauseCountIndex
	case pipeline.CauseRepetition:
		return jsonui.ReasonDeleteBecauseWrongRepetition
	}
	return ""
}

func jsonChange(c *pipeline.Change) *jsonui.Change {
	jc := &jsonui.Change{
		Resource: jsonui.NewResource(c.Addr, c.Provider), Action: tfAction(c, false),
		SeedformAction: seedformAction(c.Action), Reasons: c.Info().Reasons, Provider: c.Provider,
		SpecHash: c.SpecHash, SpecHashUnknown: c.Info().KnownAfterApply,
	}
	if jc.Action == jsonui.ActionReplace || jc.Action == jsonui.ActionDelete {
		jc.Reason = tfReason(c)
	}
	if addr := c.Info().PrevAddr; addr != "" {
		prev := jsonui.NewResource(addr, c.Provider)
		jc.PreviousResource = &prev
	}
	if c.Action.Generates() {
		jc.Images = c.Images
	}
	jc.Cost = jsonCost(c.Info().Cost)
	for _, a := range c.Info().Attrs {
		jc.Attributes = append(jc.Attributes, jsonui.Attribute{Name: a.Name, Before: a.Before, After: a.After,
			AfterUnknown: a.AfterUnknown, Sensitive: a.Sensitive, ForcesReplacement: a.ForcesReplacement})
	}
	for _, f := range changeFiles(c) {
		jc.Files = append(jc.Files, jsonui.File{Action: jsonui.FileAction(f.action), Path: f.path, From: f.from})
	}
	return jc
}

// driftChange is the change object of a resource_drift line: the outputs
// edited by hand, which this plan leaves alone unless it regenerates or
// accepts them.
func driftChange(c *pipeline.Change) *jsonui.Change {
	jc := &jsonui.Change{Resource: jsonui.NewResource(c.Addr, c.Provider), Action: jsonui.ActionUpdate,
		SeedformAction: "drift", Provider: c.Provider}
	for _, f := range c.Info().Files {
		if f.Action == pipeline.FileKeep {
			jc.Files = append(jc.Files, jsonui.File{Action: jsonui.FileKeep, Path: f.Path})
		}
	}
	return jc
}

func hook(c *pipeline.Change) *jsonui.Hook {
	return &jsonui.Hook{Resource: jsonui.NewResource(c.Addr, c.Provider), Action: tfAction(c, true), SeedformAction: seedformAction(c.Action)}
}

func outputs(r *pipeline.Result) []jsonui.Output {
	var out []jsonui.Output
	for _, o := range r.Outputs {
		out = append(out, jsonui.Output{Path: o.Path, SHA256: o.SHA256, Bytes: o.Bytes, Width: o.Width, Height: o.Height, Format: o.Format})
	}
	return out
}

// planSummary counts a plan's changes, by Terraform's add, change and
// remove and by seedform action.
func planSummary(p *pipeline.Plan, op jsonui.Operation) *jsonui.ChangeSummary {
	s := p.Summary()
	js := &jsonui.ChangeSummary{Operation: op, ImagesMax: s.GenerateImages + s.RegenImages, Drift: s.Drift, Deferred: p.Deferred,
		Cost: jsonCost(&s.Cost)}
	countActions(js, func(a pipeline.Action) int {
		switch a {
		case pipeline.Create:
			return s.Generate
		case pipeline.Replace:
			return s.Regenerate
		case pipeline.Update:
			return s.Update
		case pipeline.Move:
			return s.Move
		case pipeline.Delete:
			return s.Delete
		case pipeline.Recover:
			return s.Recover
		case pipeline.Accept:
			return s.Accept
		}
		return 0
	})
	return js
}

// countActions fills s's counts from the count of each action.
func countActions(s *jsonui.ChangeSummary, n func(pipeline.Action) int) {
	s.Create, s.Replace, s.Update = n(pipeline.Create), n(pipeline.Replace), n(pipeline.Update)
	s.Move, s.Delete, s.Recover, s.Accept = n(pipeline.Move), n(pipeline.Delete), n(pipeline.Recover), n(pipeline.Accept)
	s.Add = s.Create + s.Replace + s.Recover
	s.Change = s.Update + s.Move + s.Accept
	s.Remove = s.Delete + s.Replace
}

// jsonCost is a cost in the UI's own type, nil for none.
func jsonCost(c *cost.Cost) *jsonui.Cost {
	if c == nil {
		return nil
	}
	num := func(a *cost.Amount) *json.Number {
		if a == nil {
			return nil
		}
		n := json.Number(a.String())
		return &n
	}
	jc := &jsonui.Cost{Currency: c.Currency, ImagesMin: c.ImagesMin, ImagesMax: c.ImagesMax, Min: num(c.Min), Max: num(c.Max),
		PricePerImage: num(c.PricePerImage), PriceSource: c.PriceSource, UnpricedImages: c.UnpricedImages}
	for i := range c.ByCurrency {
		jc.ByCurrency = append(jc.ByCurrency, *jsonCost(&c.ByCurrency[i]))
	}
	return jc
}
