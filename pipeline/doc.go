// Package pipeline owns planning and applying. A plan compares what the
// configuration wants (spec.Config) with what the lock records and what
// the disk holds, and decides one Action per asset address, with what it
// may cost (from the provider's price card, see package cost). Apply carries a
// plan out: local changes first, then generation in dependency order with
// bounded concurrency (ready assets wait in a queue per provider and start
// block by block in turn, each provider taking the shared slots in turn),
// recording each finished asset in the lock and the
// manifest at once, and keeping every paid answer in staging until it is
// recorded so that a crash loses nothing. With a budget, a gate
// (cost.Gate) is consulted before each request starts, and what each
// answer was billed is recorded. Before each request the staging file
// system's free space is checked against what the answer can take
// (provider.AnswerSizer), and paid images the disk refused are written
// once it has room, no request starting meanwhile (diskspace.go).
//
// It does not parse HCL (spec does), encode the lock (lockfile does),
// speak HTTP (the providers do) or print (it reports through Hook).
package pipeline
