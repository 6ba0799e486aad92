package command

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/seedform/seedform/lockfile"
	"github.com/seedform/seedform/pipeline"
)

// AssetsJSONFormat is the format version of `list -json` and `show -json
// ADDR`; fields are only ever added.
const AssetsJSONFormat = "1.0"

// listJSON is what `seedform list -json` prints.
type listJSON struct {
	FormatVersion string          `json:"format_version"`
	Assets        []listedAssetJS `json:"assets"`
}

// listedAssetJS is one asset of list -json: enough to pick one to show.
type listedAssetJS struct {
	Address   string   `json:"address"`
	Kind      string   `json:"kind"`
	Provider  string   `json:"provider"`
	Model     string   `json:"model,omitempty"`
	Files     []string `json:"files"`
	CreatedAt string   `json:"created_at"`
}

// assetJSON is what `seedform show -json ADDR` prints: the address and
// its lock entry, every field of it.
type assetJSON struct {
	FormatVersion string `json:"format_version"`
	Address       string `json:"address"`
	*lockfile.Entry
}

const timeLayout = "2006-01-02 15:04:05Z07:00"

// runList prints the address of every asset in the lock.
func runList(_ context.Context, m *Meta, args []string) int {
	fs := newFlags(m, "list")
	jsonOut := fs.Bool("json", false, "print each asset's kind, provider, model, files and time as JSON")
	if _, ok := parseArgs(m, fs, args, 0, ""); !ok {
		return 1
	}
	lock, err := readRecorded(m)
	if err != nil {
		fmt.Fprintf(m.Stderr, "Error: %v\n", err)
		return 1
	}
	addrs := sortedAddrs(lock)
	if !*jsonOut {
		for _, a := range addrs {
			fmt.Fprintln(m.Stdout, a)
		}
		return 0
	}
	out := listJSON{FormatVersion: AssetsJSONFormat, Assets: []listedAssetJS{}}
	for _, a := range addrs {
		e := lock.Assets[a]
		files := make([]string, len(e.Outputs))
		for i, o := range e.Outputs {
			files[i] = o.Path
		}
		out.Assets = append(out.Assets, listedAssetJS{
			Address: a, Kind: e.Kind, Provider: e.Provider, Model: e.Model, Files: files,
			CreatedAt: e.CreatedAt.UTC().Format("2006-01-02T15:04:05Z07:00"),
		})
	}
	return writeJSON(m, out)
}

func sortedAddrs(lock *lockfile.Lock) []string {
	addrs := make([]string, 0, len(lock.Assets))
	for a := range lock.Assets {
		addrs = append(addrs, a)
	}
	slices.Sort(addrs)
	return addrs
}

// isAddress tells an asset address on show's command line from a plan
// file: a file that exists is a plan file, whatever its name.
func isAddress(m *Meta, arg string) bool {
	if fi, err := os.Stat(m.path(arg)); err == nil && !fi.IsDir() {
		return false
	}
	return strings.HasPrefix(arg, "image.") || strings.HasPrefix(arg, "image_set.")
}

// showAsset prints one asset's lock entry.
func showAsset(m *Meta, addr string, jsonOut bool) int {
	lock, err := readRecorded(m)
	if err != nil {
		fmt.Fprintf(m.Stderr, "Error: %v\n", err)
		return 1
	}
	e := lock.Assets[addr]
	if e == nil {
		fmt.Fprintf(m.Stderr, "Error: %s is not in %s: it has not been generated, or it has another address.", addr, lockfile.FileName)
		if near := pipeline.NearestAddr(addr, sortedAddrs(lock)); near != "" {
			fmt.Fprintf(m.Stderr, " Did you mean %s? On a shell line, quote it: %s", near, shellQuote(near))
		}
		fmt.Fprintln(m.Stderr, ` Run "seedform list" for the recorded addresses.`)
		return 1
	}
	if jsonOut {
		return writeJSON(m, assetJSON{FormatVersion: AssetsJSONFormat, Address: addr, Entry: e})
	}
	writeEntry(m.Stdout, addr, e)
	return 0
}

// writeEntry prints an entry: what it is, its spec, its files and usage.
func writeEntry(w io.Writer, addr string, e *lockfile.Entry) {
	fmt.Fprintf(w, "# %s\n", addr)
	row := func(k, v string) { fmt.Fprintf(w, "%-10s %s\n", k, v) }
	row("kind", e.Kind)
	row("provider", e.Provider)
	if e.Model != "" {
		row("model", e.Model)
	}
	row("created", e.CreatedAt.Format(timeLayout))
	if u := usageText(e.Usage); u != "" {
		row("usage", u)
	}
	row("spec_hash", e.SpecHash)
	fmt.Fprintln(w, "\nspec:")
	writeFields(w, e.Spec)
	fmt.Fprintln(w, "\nfiles:")
	for _, o := range e.Outputs {
		fmt.Fprintf(w, "  %s  %dx%d %s, %d bytes, sha256 %s\n", o.Path, o.Width, o.Height, o.Format, o.Bytes, o.SHA256)
	}
	for _, f := range e.Failed {
		fmt.Fprintf(w, "  image %d failed: %s %s\n", f.Index+1, f.Code, f.Message)
	}
}

// writeFields prints the JSON fields of v as `name = value`, in the lock's
// field order, so that a field added to the spec shows without a change
// here.
func writeFields(w io.Writer, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		fmt.Fprintf(w, "  (%v)\n", err)
		return
	}
	dec := json.NewDecoder(strings.NewReader(string(b)))
	if _, err := dec.Token(); err != nil { // {
		return
	}
	for dec.More() {
		key, err := dec.Token()
		if err != nil {
			return
		}
		var val json.RawMessage
		if err := dec.Decode(&val); err != nil {
			return
		}
		fmt.Fprintf(w, "  %s = %s\n", key, val)
	}
}

// usageText is what the API reported as used, the fields it gave.
func usageText(u *lockfile.Usage) string {
	if u == nil {
		return ""
	}
	var parts []string
	for _, f := range []struct {
		n    int
		unit string
	}{{u.GeneratedImages, "image(s)"}, {u.OutputTokens, "output tokens"}, {u.TotalTokens, "total tokens"}} {
		if f.n != 0 {
			parts = append(parts, fmt.Sprintf("%d %s", f.n, f.unit))
		}
	}
	return strings.Join(parts, ", ")
}

// readRecorded reads the lock with what an interrupted apply journaled.
func readRecorded(m *Meta) (*lockfile.Lock, error) {
	return lockfile.ReadRecorded(m.path(lockfile.FileName), m.path(filepath.Join(pipeline.StateDirName, lockfile.JournalName)))
}
