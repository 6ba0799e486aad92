// Package planfile owns the saved plan file (`plan -out=FILE`), a public
// format: its own versioned types, converted to and from the pipeline's
// in-memory plan, so that a rename inside the engine never changes a file
// users keep. A file is a magic string, the plan, and a checksum of the
// plan's encoding: a damaged or edited file, or one of another format
// version, is refused rather than half-trusted.
package planfile
