package command

import (
	"fmt"

	"github.com/hashicorp/hcl/v2"
	"github.com/seedform/seedform/pipeline"
	"github.com/seedform/seedform/provider"
	"github.com/seedform/seedform/spec"
)

// buildProviders makes an implementation for every provider instance the
// plan sends work to. The API key is read from the environment here, at
// apply time, and only for instances that will be called. Each starts
// from what its server has shown it takes in earlier applies in ws.
func buildProviders(cfg *spec.Config, ws *pipeline.Workspace, plan *pipeline.Plan, m *Meta) (map[string]provider.Provider, error) {
	used := calledProviders(plan)
	out := map[string]provider.Provider{}
	for _, p := range cfg.Providers {
		if !used[p.Addr] {
			continue
		}
		impl, err := provider.New(provider.Instance{Addr: p.Addr, Type: p.Type, Parallelism: p.Parallelism,
			Settings: p.Settings, Getenv: m.Getenv, Known: ws.KnownCapacity})
		if err != nil {
			return nil, err
		}
		out[p.Addr] = impl
	}
	return out, nil
}

// calledProviders is the set of provider instances the plan sends work to.
func calledProviders(plan *pipeline.Plan) map[string]bool {
	used := map[string]bool{}
	for _, c := range plan.Changes {
		if c.Action.CallsProvider() {
			used[c.Provider] = true
		}
	}
	return used
}

// missingKeys warns, at plan time, of each provider the plan will call
// whose key (the api_key_env setting, for every provider type that has
// one) is not in the environment: the apply would fail at once. It
// is a warning, since plan itself needs no key (a CI job may plan with
// none and apply elsewhere).
func missingKeys(cfg *spec.Config, plan *pipeline.Plan, m *Meta) hcl.Diagnostics {
	used := calledProviders(plan)
	var diags hcl.Diagnostics
	for _, p := range cfg.Providers {
		keyEnv, hasKey := p.Settings.String("api_key_env")
		if !used[p.Addr] || !hasKey || keyEnv == "" || m.Getenv(keyEnv) != "" {
			continue
		}
		d := &hcl.Diagnostic{
			Severity: hcl.DiagWarning,
			Summary:  "No API key for " + p.Addr,
			Detail: fmt.Sprintf("The plan sends requests to %s, which reads its API key from the environment variable %s, and %s is not set: apply would fail. Set it before apply (in CI, from a secret).",
				p.Addr, keyEnv, keyEnv),
		}
		if p.DeclRange.Filename != "" {
			d.Subject = p.DeclRange.Ptr()
		}
		diags = append(diags, d)
	}
	return diags
}
