// Package spec owns seedform's configuration language: it reads every
// *.sf.hcl file of a configuration directory, resolves variables, locals,
// for_each/count expansion and references between assets, checks each asset
// against its model's rules and the output-path rules, and returns the result
// as evaluated values (Config, Provider, Asset) with HCL diagnostics.
//
// It does no I/O beyond reading the configuration, variable files and
// reference images (to hash them, and to check that those sent to the
// API are images it takes), and checking the output tree for symlinks
// that lead outside it. It knows nothing of the lock file, the plan or the
// API: those packages consume Config.
package spec
