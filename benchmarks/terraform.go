package main

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/seedform/seedform/benchmarks/fixture"
)

// Terraform side by side (issue 20): plan of n up-to-date terraform_data
// resources, in its count and its for_each form, against seedform's plan
// of the same n up-to-date assets, both timed in the same run as child
// processes by the same code. Terraform is looked up on PATH; without it
// the rows say "not installed" and the harness passes (CI has none).
//
// Each resource's input carries what a seedform asset does (the prompt,
// size, path and meta of fixture's placeholder config, derived from the
// same keys.json). The state is written directly, as `terraform apply`
// would have left it (an apply of 10,000 takes minutes); the timed
// `terraform plan -detailed-exitcode` fails the row unless it exits 0, so
// every run proves that the written state is up to date.

// terraformForms are the two ways a Terraform config repeats a resource.
var terraformForms = []string{"count", "for_each"}

func terraformScenarios(sizes []int) []scenario {
	var out []scenario
	for _, n := range sizes {
		for _, form := range terraformForms {
			out = append(out, terraformScenario(n, form))
		}
	}
	return out
}

func terraformScenario(n int, form string) scenario {
	name := fmt.Sprintf("terraform-%s-%d", form, n)
	sc := scenario{name: name, target: "for scale: Terraform / seedform"}
	sc.prepare = func(e *env) (runFunc, error) {
		tf, err := exec.LookPath("terraform")
		if err != nil {
			return nil, skipError("not installed")
		}
		version, err := terraformVersion(tf)
		if err != nil {
			return nil, err
		}
		fmt.Fprintf(e.stderr, "   %s (%s)\n", version.text, tf)
		environ, err := terraformEnviron(e.work)
		if err != nil {
			return nil, err
		}

		// seedform's side: the plan scenario's directory, the stat cache
		// warmed by a first plan.
		sfDir, err := upToDateDir(e, name+"-seedform", n)
		if err != nil {
			return nil, err
		}
		if _, err := e.seedform(sfDir, filepath.Join(e.work, name+"-seedform-cold.log"), []string{"plan", "-no-color", "-detailed-exitcode"}); err != nil {
			return nil, err
		}

		// Terraform's side.
		tfDir, err := e.dir(name + "-terraform")
		if err != nil {
			return nil, err
		}
		if err := writeTerraformDir(tfDir, n, form, version.number); err != nil {
			return nil, err
		}
		// terraform_data is in the built-in provider: init downloads
		// nothing, but it is what a user runs first.
		if _, err := e.child(tf, environ, tfDir, filepath.Join(e.work, name+"-init.log"), 0, []string{"init", "-input=false", "-no-color"}); err != nil {
			return nil, err
		}

		return func(i int) (sample, error) {
			log := func(what string) string { return filepath.Join(e.work, fmt.Sprintf("%s-%s-%d.log", name, what, i)) }
			// -detailed-exitcode exits 2 on any change: 0 proves up to date.
			sf, err := e.seedform(sfDir, log("seedform"), []string{"plan", "-no-color", "-detailed-exitcode"})
			if err != nil {
				return sample{}, err
			}
			planArgs := []string{"plan", "-input=false", "-no-color", "-lock=false", "-detailed-exitcode"}
			full, err := e.child(tf, environ, tfDir, log("plan"), e.terraformLimit, planArgs)
			if err != nil {
				return sample{}, err
			}
			s := sample{wall: full.wall, rssKB: full.rssKB, note: version.text, extra: map[string]float64{
				"tf cpu s":        full.cpu.Seconds(),
				"seedform s":      sf.wall.Seconds(),
				"seedform cpu s":  sf.cpu.Seconds(),
				"seedform MiB":    float64(sf.rssKB >> 10),
				"tf/seedform":     full.wall.Seconds() / sf.wall.Seconds(),
				"tf/seedform cpu": full.cpu.Seconds() / sf.cpu.Seconds(),
			}}
			if full.stopped {
				// Wall, CPU and the ratios are lower bounds. -refresh=false
				// is not run: it costs the same for for_each, the form that
				// hits the limit.
				s.note += fmt.Sprintf(", STOPPED at the %v limit: figures are lower bounds", e.terraformLimit)
				return s, nil
			}
			noRefresh, err := e.child(tf, environ, tfDir, log("plan-norefresh"), e.terraformLimit, append(planArgs, "-refresh=false"))
			if err != nil {
				return sample{}, err
			}
			if noRefresh.stopped {
				s.note += fmt.Sprintf(", -refresh=false STOPPED at the %v limit", e.terraformLimit)
			}
			s.extra["tf -refresh=false s"] = noRefresh.wall.Seconds()
			s.extra["tf -refresh=false cpu s"] = noRefresh.cpu.Seconds()
			return s, nil
		}, nil
	}
	sc.check = func(row) string { return "" }
	return sc
}

// tfVersion is a Terraform's version: "1.11.4", and "Terraform v1.11.4
// linux_amd64" for the table.
type tfVersion struct{ number, text string }

func terraformVersion(tf string) (tfVersion, error) {
	cmd := exec.Command(tf, "version", "-json")
	cmd.Env = append(os.Environ(), "CHECKPOINT_DISABLE=1")
	out, err := cmd.Output()
	if err != nil {
		return tfVersion{}, fmt.Errorf("terraform version: %w", err)
	}
	var v struct {
		Version  string `json:"terraform_version"`
		Platform string `json:"platform"`
	}
	if err := json.Unmarshal(out, &v); err != nil || v.Version == "" {
		return tfVersion{}, fmt.Errorf("terraform version -json: %q", out)
	}
	return tfVersion{v.Version, fmt.Sprintf("Terraform v%s %s", v.Version, v.Platform)}, nil
}

// terraformEnviron is the harness's environment without anything that
// would change what Terraform does (TF_CLI_ARGS, a plugin cache, logging,
// a workspace, the user's CLI config), with an empty CLI config of its
// own, no version check over the network and automation mode on.
func terraformEnviron(work string) ([]string, error) {
	rc := filepath.Join(work, "terraformrc")
	if err := os.WriteFile(rc, nil, 0o644); err != nil {
		return nil, err
	}
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(k, "TF_") || k == "CHECKPOINT_DISABLE" {
			continue
		}
		env = append(env, kv)
	}
	return append(env, "TF_IN_AUTOMATION=1", "TF_INPUT=0", "CHECKPOINT_DISABLE=1", "TF_CLI_CONFIG_FILE="+rc), nil
}

// writeTerraformDir writes main.tf, keys.json and terraform.tfstate for n
// terraform_data resources in the given form, the state as an apply of
// the config would have left it.
func writeTerraformDir(dir string, n int, form, version string) error {
	var repeat, key string
	switch form {
	case "count":
		repeat, key = "count = length(local.keys)", "local.keys[count.index]"
	case "for_each":
		repeat, key = "for_each = toset(local.keys)", "each.key"
	default:
		return fmt.Errorf("unknown form %q", form)
	}
	// The placeholder config of fixture, as terraform_data's input.
	config := fmt.Sprintf(`locals {
  keys = jsondecode(file("keys.json"))
}

resource "terraform_data" "tile" {
  %s
  input = {
    prompt = "Tile ${%s} of the benchmark, flat pastel"
    size   = %q
    path   = "tiles/${%s}.jpeg"
    meta   = { key = %s }
  }
}
`, repeat, key, fixture.SmallSize, key, key)
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(config), 0o644); err != nil {
		return err
	}
	if err := fixture.WriteKeys(dir, n); err != nil {
		return err
	}
	state, err := terraformState(n, form, version)
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "terraform.tfstate"), state, 0o644)
}

// tfState is the version 4 state format, the fields Terraform 1.11 writes
// for managed resources, in its order.
type tfState struct {
	Version          int          `json:"version"`
	TerraformVersion string       `json:"terraform_version"`
	Serial           int          `json:"serial"`
	Lineage          string       `json:"lineage"`
	Outputs          struct{}     `json:"outputs"`
	Resources        []tfResource `json:"resources"`
	CheckResults     any          `json:"check_results"`
}

type tfResource struct {
	Mode      string       `json:"mode"`
	Type      string       `json:"type"`
	Name      string       `json:"name"`
	Provider  string       `json:"provider"`
	Instances []tfInstance `json:"instances"`
}

type tfInstance struct {
	IndexKey            any            `json:"index_key"`
	SchemaVersion       int            `json:"schema_version"`
	Attributes          map[string]any `json:"attributes"`
	SensitiveAttributes []any          `json:"sensitive_attributes"`
}

// tfDynamic is how state holds a value of a dynamically typed attribute
// (terraform_data's input and output): the value with its type.
type tfDynamic struct {
	Value any `json:"value"`
	Type  any `json:"type"`
}

// tfInputType is the cty type of the input above, in its JSON form.
var tfInputType = []any{"object", map[string]any{
	"meta":   []any{"object", map[string]any{"key": "string"}},
	"path":   "string",
	"prompt": "string",
	"size":   "string",
}}

// terraformState encodes the state of n terraform_data resources, as
// Terraform writes it (indented by two spaces, as its size is part of
// what a plan reads). Ids are UUIDs, fixed so runs are repeatable.
// version is the running Terraform's (one refuses a state written by a
// newer one).
func terraformState(n int, form, version string) ([]byte, error) {
	res := tfResource{
		Mode: "managed", Type: "terraform_data", Name: "tile",
		Provider:  `provider["terraform.io/builtin/terraform"]`,
		Instances: make([]tfInstance, n),
	}
	for i := range n {
		k := fixture.Key(i)
		input := tfDynamic{Type: tfInputType, Value: map[string]any{
			"meta":   map[string]any{"key": k},
			"path":   "tiles/" + k + ".jpeg",
			"prompt": "Tile " + k + " of the benchmark, flat pastel",
			"size":   fixture.SmallSize,
		}}
		var index any = i
		if form == "for_each" {
			index = k
		}
		res.Instances[i] = tfInstance{
			IndexKey: index,
			Attributes: map[string]any{
				"id":               fmt.Sprintf("5eedf04d-0000-4000-8000-%012x", i),
				"input":            input,
				"output":           input,
				"triggers_replace": nil,
			},
			SensitiveAttributes: []any{},
		}
	}
	st := tfState{
		Version: 4, TerraformVersion: version, Serial: 1,
		Lineage:   "5eedf04d-0000-4000-8000-0000000be4c4",
		Resources: []tfResource{res},
	}
	b, err := json.MarshalIndent(st, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}
