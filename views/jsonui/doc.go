// Package jsonui owns the public types of seedform's machine-readable UI:
// the JSON lines `plan -json`, `apply -json` and `destroy -json` print.
// They follow Terraform's machine-readable UI (its envelope of @level,
// @message, @module, @timestamp and type; the change object of
// planned_change and resource_drift; the hook object of the apply_*
// messages; the changes object of change_summary), and add seedform's own
// fields beside Terraform's, which readers that do not know them ignore.
//
// These types are the format: the engine's types are converted into them,
// never encoded directly, so that a rename inside seedform cannot change
// what scripts read. An addition bumps UIVersion's minor number; a change
// that breaks readers bumps its major number.
package jsonui
