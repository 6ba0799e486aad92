package spec

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"hash"
	"strconv"

	"github.com/seedform/seedform/schema"
)

// digest returns "sha256:" and the hex of a canonical encoding of everything a
// plan depends on: output dir, manifest, providers, every asset's fields
// (its spec hash covers the reference files' content) and the moved
// blocks. Any effective change to the config, a variable value or a
// reference file changes it; source ranges are left out, so reformatting
// does not. The encoding is hand-written (length-prefixed fields, fixed
// order) because reflection-based JSON took a quarter of the load time of
// a 10,000-asset config.
func digest(cfg *Config) string {
	h := sha256.New()
	e := digestWriter{h: h, w: bufio.NewWriterSize(h, 64<<10)}
	e.str("seedform-config-digest-v2")
	e.str(cfg.OutputDir)
	e.str(cfg.Manifest)
	e.int(int64(len(cfg.Providers)))
	for _, p := range cfg.Providers {
		e.str(p.Type, p.Alias, p.Addr)
		e.int(int64(p.Parallelism))
		e.values(p.Settings)
		if p.Price != nil {
			e.str(p.Price.PricePerImage.String(), p.Price.Currency)
		} else {
			e.str("", "")
		}
	}
	e.int(int64(len(cfg.Assets)))
	for _, a := range cfg.Assets {
		// The spec hash covers the request; the provider type's other
		// attributes (such as stream) are written as well.
		e.str(a.Addr, string(a.Kind), a.Name, a.Key, a.Provider, a.ProviderType, a.SpecHash, a.Path, a.Dir, string(a.Meta))
		e.values(a.Attrs)
		e.str(a.PriceKey)
		e.bool(a.Lifecycle.PreventDestroy)
		e.list(a.Lifecycle.IgnoreChanges)
		e.list(a.DependsOn)
		e.int(int64(len(a.References)))
		for _, r := range a.References {
			e.str(r.File, r.URL, r.Asset)
		}
	}
	e.int(int64(len(cfg.Moved)))
	for _, m := range cfg.Moved {
		e.str(m.From, m.To)
	}
	if cfg.MaxCost != nil {
		e.str(cfg.MaxCost.String())
	} else {
		e.str("")
	}
	if err := e.w.Flush(); err != nil {
		panic(err) // a hash.Hash never fails to write
	}
	return "sha256:" + hex.EncodeToString(h.Sum(nil))
}

// values writes an attribute map: its length, then each name and value.
func (e *digestWriter) values(v schema.Values) {
	members := v.Members()
	e.int(int64(len(members)))
	for _, m := range members {
		e.str(m.Name, string(m.Value))
	}
}

// digestWriter writes values unambiguously: each string with its length.
type digestWriter struct {
	h   hash.Hash
	w   *bufio.Writer
	buf []byte
}

func (e *digestWriter) str(ss ...string) {
	for _, s := range ss {
		e.buf = strconv.AppendInt(e.buf[:0], int64(len(s)), 10)
		e.buf = append(e.buf, ':')
		e.w.Write(e.buf)
		e.w.WriteString(s)
	}
}

func (e *digestWriter) int(ns ...int64) {
	for _, n := range ns {
		e.buf = strconv.AppendInt(e.buf[:0], n, 10)
		e.buf = append(e.buf, ';')
		e.w.Write(e.buf)
	}
}

func (e *digestWriter) bool(bs ...bool) {
	for _, b := range bs {
		if b {
			e.w.WriteByte('t')
		} else {
			e.w.WriteByte('f')
		}
	}
}

func (e *digestWriter) list(ss []string) {
	e.int(int64(len(ss)))
	e.str(ss...)
}
