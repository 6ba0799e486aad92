// Package schema is the seam between seedform's core and its provider
// types. A provider type describes itself here as data (Schema: the
// provider block's settings, the asset attributes it takes, which of them
// make up the request that a new image is paid for, the spec version of
// that request, how long its answers' URLs live) and as rules (Type and
// Rules: resolving a model and checking an asset against it offline), so
// that the configuration language (spec), the lock (lockfile) and the
// engine (pipeline) handle every provider's assets without knowing any by
// name.
//
// It also owns Values, the ordered attribute map in which an asset's
// attributes and its request travel: canonical JSON per attribute, in the
// provider type's order, so that a request hashes and diffs the same
// wherever it is read from.
//
// Provider types register themselves (Register) from the package that
// implements them; this package imports none of them.
package schema
