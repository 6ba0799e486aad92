// Package sharedrate owns the images-per-minute budget that several
// seedform processes share through Redis: the shards of a sharded apply
// (apply -shard=I/N), each on its own CI runner, draw from one budget per
// provider instance and model, so that an idle shard's headroom goes to a
// busy one while all of them together stay within the account's limit.
//
// The budget is a GCRA rate limit kept in Redis (github.com/go-redis/
// redis_rate, on github.com/redis/go-redis). When Redis cannot be reached,
// at the start or during the run, a process falls back to its static
// share (the limit divided by the number of shards), says so once, and
// goes on. It knows nothing of providers beyond the names it is given.
package sharedrate
