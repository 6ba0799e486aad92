package main

import (
	"encoding/json"
	"os"
	"path/filepath"

	"github.com/seedform/seedform/pipeline"
)

// statCacheEntries reports how many files dir's stat cache holds, to
// show that the plan runs after the first hash nothing.
func statCacheEntries(dir string) int {
	b, err := os.ReadFile(filepath.Join(dir, pipeline.StateDirName, "statcache.json"))
	if err != nil {
		return 0
	}
	var f struct {
		Files map[string]json.RawMessage `json:"files"`
	}
	if json.Unmarshal(b, &f) != nil {
		return 0
	}
	return len(f.Files)
}
