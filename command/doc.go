// Package command is seedform's command line: it parses flags, loads the
// configuration, runs the engine and hands what happens to a view. It
// owns the exit codes; main only wires signals and streams to Run.
package command
