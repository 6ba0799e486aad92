// Package gitlfs recognises Git LFS pointer files: the small text files a
// checkout made without LFS (actions/checkout's default, lfs: false)
// holds in place of the large files they stand for. A pointer names its
// file's sha256 and size, which is all seedform needs to tell whether a
// recorded output is the one the lock describes, without downloading it.
//
// It parses pointers strictly, by the spec at
// https://github.com/git-lfs/git-lfs/blob/main/docs/spec.md, and never
// mistakes an image for one. It knows nothing of locks or configurations.
package gitlfs
