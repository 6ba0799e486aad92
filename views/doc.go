// Package views renders what the engine reports: diagnostics, plans and
// apply progress, for people (text, colour only on a terminal) and for
// machines (JSON lines). It owns every byte seedform prints; the engine
// reports through pipeline.Hook and values, and never prints.
package views
