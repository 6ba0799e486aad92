// Package spec owns seedform's configuration language: it reads every
// *.sf.hcl file of a configuration directory, resolves variables, locals,
// for_each/count expansion and references between assets, checks each asset
// against its model's rules and the output-path rules, and returns the result
// as evaluated values (Config, Provider, Asset) with HCL diagnostics.
//
// It knows no provider by name. An asset block's shared arguments (model,
// prompt, references, path, ...) are decoded first with PartialContent;
// the rest of the body is decoded by the schema its provider type
// registered (package schema), whose rules check the model offline and
// whose request list decides what the spec hash covers.
//
// The language is Terraform 1.11's: its operators, its built-in functions
// (functions.go and the funcs_*.go files, on go-cty's standard library),
// its variable precedence and its error wording (wording.go). A Scope
// evaluates expressions over a loaded configuration for seedform console.
//
// It does no I/O beyond reading the configuration, variable files and
// reference images (to hash them, and to check that those sent to the
// API are images it takes), and checking the output tree for symlinks
// that lead outside it. It knows nothing of the lock file, the plan or the
// API: those packages consume Config.
package spec
