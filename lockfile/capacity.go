package lockfile

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"time"
)

// CapacityFileName is the capacity memo's name in the state directory.
const CapacityFileName = "capacity.json"

// capacityVersion is the memo's format; a memo of another version is
// ignored (it only costs a slow start). Version 2 names a server by its
// host and a digest of the rest of its URL: version 1 kept the path,
// where a relay may carry a key.
const capacityVersion = 2

// ServerCapacity is what one server has shown it takes, in requests in
// flight at once, as the capacity memo keeps it. A zero number is unknown.
type ServerCapacity struct {
	// Good is the most requests the server held at once and took them all.
	Good int `json:"good"`
	// Overloaded is the number in flight at which it last answered that it
	// was full (a 429 for overload), when that was above Good.
	Overloaded int `json:"overloaded,omitempty"`
	// ObservedAt is when an apply last saw either.
	ObservedAt time.Time `json:"observed_at"`
}

type capacityDoc struct {
	Version int                       `json:"version"`
	Servers map[string]ServerCapacity `json:"servers"`
}

// Capacities is the capacity memo (<state dir>/capacity.json): what each
// server has shown it takes, by a name of the server that its provider
// gives and that holds no secret, so that the next apply's first round
// sends what the server took last time instead of slow-starting again. It
// is local state: a missing or damaged memo only costs a slow start. It
// is safe for concurrent use.
type Capacities struct {
	path string
	// root is the configuration directory: Save writes nowhere outside it.
	root string

	mu      sync.Mutex
	servers map[string]ServerCapacity
	dirty   bool
}

// LoadCapacities reads <stateDir>/capacity.json. A missing memo is an
// empty one; a damaged or foreign one is an empty one and an error saying
// why, for the caller to warn of: it is never a reason to stop, and the
// next Save replaces it, so that the warning is given once.
func LoadCapacities(stateDir string) (*Capacities, error) {
	c, err := loadCapacities(stateDir)
	if err != nil {
		c.dirty = true
	}
	return c, err
}

func loadCapacities(stateDir string) (*Capacities, error) {
	c := &Capacities{
		path:    filepath.Join(stateDir, CapacityFileName),
		root:    filepath.Dir(stateDir),
		servers: map[string]ServerCapacity{},
	}
	data, err := ReadFile(c.path)
	if errors.Is(err, fs.ErrNotExist) {
		return c, nil
	}
	if err != nil {
		return c, fmt.Errorf("ignoring %s: %w", c.path, err)
	}
	var doc capacityDoc
	if err := json.Unmarshal(data, &doc); err != nil {
		return c, fmt.Errorf("ignoring %s, which is not a capacity memo seedform wrote: %w", c.path, err)
	}
	if doc.Version != capacityVersion {
		return c, fmt.Errorf("ignoring %s: version %d, and this seedform reads version %d", c.path, doc.Version, capacityVersion)
	}
	for server, sc := range doc.Servers {
		if server == "" || sc.Good < 0 || sc.Overloaded < 0 {
			return c, fmt.Errorf("ignoring %s: the entry %q is not a capacity", c.path, server)
		}
	}
	for server, sc := range doc.Servers {
		if time.Since(sc.ObservedAt) > CapacityTTL {
			c.dirty = true // forgotten, and the next Save leaves it out
			continue
		}
		c.servers[server] = sc
	}
	return c, nil
}

// CapacityTTL is how long what a server took is remembered: a vendor
// raises or lowers an account's limits, and an apply given an older
// entry would start above what the server now takes, to be cut back only
// by a round of 429s. Older entries are dropped as the memo is read.
const CapacityTTL = 14 * 24 * time.Hour

// Get returns what server has shown it takes.
func (c *Capacities) Get(server string) (ServerCapacity, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	sc, ok := c.servers[server]
	return sc, ok
}

// Put records what server has shown it takes.
func (c *Capacities) Put(server string, sc ServerCapacity) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if old, ok := c.servers[server]; !ok || old != sc {
		c.servers[server] = sc
		c.dirty = true
	}
}

// Save writes the memo atomically if Put changed it, refusing a state
// directory that is a symbolic link or leads outside the configuration
// directory.
func (c *Capacities) Save() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.dirty {
		return nil
	}
	data, err := encodeJSON(&capacityDoc{Version: capacityVersion, Servers: c.servers})
	if err != nil {
		return err
	}
	dir := filepath.Dir(c.path)
	if err := CheckStateDir(dir); err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	if err := CheckInside(c.root, c.path); err != nil {
		return err
	}
	if err := WriteFile(c.path, data); err != nil {
		return err
	}
	c.dirty = false
	return nil
}
