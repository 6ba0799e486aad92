package pipeline

import (
	"testing"
	"time"

	"github.com/seedform/seedform/lockfile"
	"github.com/seedform/seedform/throttle"
)

// TestCapacityMemoExpires: what a server took is used for two weeks; an
// older memo starts the apply as if it had sent nothing before, since a
// vendor changes an account's limits.
func TestCapacityMemoExpires(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	caps, err := lockfile.LoadCapacities(mustOpen(t, config(dir)).StateDir())
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC()
	caps.Put("fresh", lockfile.ServerCapacity{Good: 32, Overloaded: 40, ObservedAt: now.Add(-13 * 24 * time.Hour)})
	caps.Put("stale", lockfile.ServerCapacity{Good: 32, ObservedAt: now.Add(-15 * 24 * time.Hour)})
	if err := caps.Save(); err != nil {
		t.Fatal(err)
	}
	ws := mustOpen(t, config(dir))
	if got, want := ws.KnownCapacity("fresh"), (throttle.Capacity{Good: 32, Overloaded: 40}); got != want {
		t.Errorf("a memo of 13 days: %+v, want %+v", got, want)
	}
	if got := ws.KnownCapacity("stale"); got != (throttle.Capacity{}) {
		t.Errorf("a memo of 15 days: %+v, want nothing known", got)
	}
}
