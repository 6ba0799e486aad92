package pipeline

import (
	"sort"
	"time"

	"github.com/seedform/seedform/lockfile"
	"github.com/seedform/seedform/provider"
)

// loadCapacity reads the capacity memo, if the providers have not had it
// read already, and warns when it was ignored.
func (e *engine) loadCapacity() {
	if _, err := e.ws.capacities(); err != nil {
		e.opts.Hook.Warning("Ignored the capacity memo",
			err.Error()+". It only remembers how many requests each server took at once: this apply starts as if it had sent none before, and writes the memo anew.")
	}
}

// rememberCapacity saves in the capacity memo what each provider's server
// showed it takes, so that the next apply's first round sends as many
// requests as the server took. A memo that cannot be written is a
// warning: the next apply only slow-starts again.
func (e *engine) rememberCapacity() {
	caps, _ := e.ws.capacities()
	addrs := make([]string, 0, len(e.opts.Providers))
	for addr := range e.opts.Providers {
		addrs = append(addrs, addr)
	}
	sort.Strings(addrs) // two instances sending to one server: the last by address wins
	now := time.Now().UTC().Truncate(time.Second)
	for _, addr := range addrs {
		p, ok := provider.PacedOf(e.opts.Providers[addr])
		if !ok || p.Server() == "" {
			continue
		}
		if c, ok := p.Learned(); ok {
			caps.Put(p.Server(), lockfile.ServerCapacity{Good: c.Good, Overloaded: c.Overloaded, ObservedAt: now})
		}
	}
	if err := caps.Save(); err != nil {
		e.opts.Hook.Warning("Could not save the capacity memo",
			err.Error()+". The next apply starts its requests as this one did; nothing else is affected.")
	}
}
