package command

import (
	"github.com/seedform/seedform/pipeline"
	"github.com/seedform/seedform/provider"
	"github.com/seedform/seedform/spec"
)

// buildProviders makes an implementation for every provider instance the
// plan sends work to. The API key is read from the environment here, at
// apply time, and only for instances that will be called.
func buildProviders(cfg *spec.Config, plan *pipeline.Plan, m *Meta) (map[string]provider.Provider, error) {
	used := map[string]bool{}
	for _, c := range plan.Changes {
		if c.Action.CallsProvider() {
			used[c.Provider] = true
		}
	}
	out := map[string]provider.Provider{}
	for _, p := range cfg.Providers {
		if !used[p.Addr] {
			continue
		}
		impl, err := provider.New(provider.Instance{Addr: p.Addr, Type: p.Type, Parallelism: p.Parallelism,
			Settings: p.Settings, Getenv: m.Getenv})
		if err != nil {
			return nil, err
		}
		out[p.Addr] = impl
	}
	return out, nil
}
