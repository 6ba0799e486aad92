package command

import (
	"context"
	"fmt"
	"runtime"
	"runtime/debug"
)

// VersionJSONFormat is the format version of `seedform version -json`.
const VersionJSONFormat = "1.0"

// versionJSON is what `seedform version -json` prints: a public format,
// changed only by adding fields.
type versionJSON struct {
	FormatVersion string `json:"format_version"`
	Version       string `json:"seedform_version"`
	GoVersion     string `json:"go_version"`
	Platform      string `json:"platform"`
	// Revision is the VCS commit seedform was built from, with its time
	// and whether the work tree had changes; empty when the build did not
	// record it (go run, go test, a build outside a checkout).
	Revision     string `json:"revision,omitempty"`
	RevisionTime string `json:"revision_time,omitempty"`
	Modified     bool   `json:"modified,omitempty"`
}

func runVersion(_ context.Context, m *Meta, args []string) int {
	fs := newFlags(m, "version")
	jsonOut := fs.Bool("json", false, "print the version, Go version, platform and VCS revision as JSON")
	if _, ok := parseArgs(m, fs, args, 0, ""); !ok {
		return 1
	}
	v := buildVersion()
	if *jsonOut {
		return writeJSON(m, v)
	}
	fmt.Fprintf(m.Stdout, "seedform v%s\n", v.Version)
	if v.Revision != "" {
		rev := v.Revision
		if v.Modified {
			rev += " (modified)"
		}
		fmt.Fprintf(m.Stdout, "revision %s\n", rev)
	}
	fmt.Fprintf(m.Stdout, "on %s, built with %s\n", v.Platform, v.GoVersion)
	return 0
}

func buildVersion() versionJSON {
	info, _ := debug.ReadBuildInfo()
	return versionFrom(info)
}

// versionFrom reads the build's VCS settings, which go build records when
// it builds in a checkout (unless -buildvcs=false); info may be nil.
func versionFrom(info *debug.BuildInfo) versionJSON {
	v := versionJSON{
		FormatVersion: VersionJSONFormat, Version: Version,
		GoVersion: runtime.Version(), Platform: runtime.GOOS + "_" + runtime.GOARCH,
	}
	if info == nil {
		return v
	}
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			v.Revision = s.Value
		case "vcs.time":
			v.RevisionTime = s.Value
		case "vcs.modified":
			v.Modified = s.Value == "true"
		}
	}
	return v
}
