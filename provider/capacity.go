package provider

import (
	"crypto/sha256"
	"encoding/hex"
	"net/url"
	"strings"

	"github.com/seedform/seedform/throttle"
)

// Paced is a provider whose client paces its requests by what its server
// answers (throttle.Adaptive), and can say what the server showed it
// takes, so that the next apply starts there (Instance.Known).
type Paced interface {
	// Server names the server the requests go to, with no secret in it:
	// the same for every instance that sends to it, "" when unknown.
	Server() string
	// Learned is what the server has shown it takes, and whether this
	// run's requests taught anything.
	Learned() (throttle.Capacity, bool)
}

// PacedOf returns p, or the provider it wraps, as Paced.
func PacedOf(p Provider) (Paced, bool) { return As[Paced](p) }

// As returns p, or the first provider it wraps (a wrapper has an Unwrap()
// Provider method, as a sharded apply's pacing does), that is a T.
func As[T any](p Provider) (T, bool) {
	for {
		if t, ok := p.(T); ok {
			return t, true
		}
		w, ok := p.(interface{ Unwrap() Provider })
		if !ok {
			var zero T
			return zero, false
		}
		p = w.Unwrap()
	}
}

// known is what the server named has shown it takes, as Known says.
func (inst Instance) known(server string) throttle.Capacity {
	if inst.Known == nil || server == "" {
		return throttle.Capacity{}
	}
	return inst.Known(server)
}

// serverName names the server an instance of provider type typ sends to
// at baseURL: what its limits belong to, and nothing secret. A relay's
// URL can carry a key in its user info, its query or its path
// (https://relay.example.com/sk-.../v1), and two keys may be two accounts
// with limits of their own: everything after the host is replaced by a
// short digest, which tells them apart and cannot be turned back into the
// key. The scheme and host are lowercased and a trailing slash dropped, so
// that spellings of one URL name one server.
func serverName(typ, baseURL string) string {
	u, err := url.Parse(baseURL)
	if err != nil || u.Host == "" {
		return ""
	}
	name := typ + " " + strings.ToLower(u.Scheme) + "://" + strings.ToLower(u.Host)
	rest := strings.TrimRight(u.EscapedPath(), "/")
	if rest != "" || u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		sum := sha256.Sum256([]byte(rest + "\x00" + u.User.String() + "\x00" + u.RawQuery + "\x00" + u.Fragment))
		name += " #" + hex.EncodeToString(sum[:8])
	}
	return name
}
