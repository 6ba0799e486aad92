// Package lockfile owns the files seedform writes about what it generated:
// seedform.lock.json (one entry per asset address: the request it was made
// from, as its provider type's attribute map with that type's spec version,
// its hash, its output files and what it was billed; and each apply's
// bill) and the manifest apps consume.
//
// It reads them strictly, so that the rest of seedform can trust what Read
// returns: a scanner made for their exact shape reads what seedform writes
// in one pass, copying out only what the documents keep, and hands
// anything else to encoding/json, which accepts or reports it as it always
// has (fastread.go). It encodes them deterministically, so that a change
// to one asset changes only its lines; and writes them atomically,
// batching the concurrent updates of an apply into few writes (Recorder).
// It also owns the local state directory (.seedform): the process lock
// that keeps two applies apart, the stat cache that spares plan from
// re-hashing unchanged files, and the capacity memo that lets an apply
// start at what each server took the last time. Every write it and the
// pipeline make is checked, when it happens, to stay inside the
// configuration directory (CheckInside), and a state directory that is a
// symbolic link is refused.
//
// It knows nothing of HCL, plans or providers: deciding what an entry means
// is the pipeline's job.
package lockfile
