package command

import (
	"fmt"

	"github.com/seedform/seedform/pipeline"
	"github.com/seedform/seedform/provider"
	"github.com/seedform/seedform/seedream"
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
		switch p.Type {
		case spec.ProviderPlaceholder:
			out[p.Addr] = provider.NewPlaceholder()
		case spec.ProviderSeedream:
			key := m.Getenv(p.APIKeyEnv)
			if key == "" {
				return nil, fmt.Errorf("provider %s: the environment variable %s is not set; seedform reads the API key from it at apply time", p.Addr, p.APIKeyEnv)
			}
			client, err := seedream.NewClient(provider.SeedreamConfig(p, key))
			if err != nil {
				return nil, fmt.Errorf("provider %s: %w", p.Addr, err)
			}
			out[p.Addr] = provider.NewSeedream(client)
		default:
			return nil, fmt.Errorf("provider %s: unknown type %q", p.Addr, p.Type)
		}
	}
	return out, nil
}
