package provider

import (
	"strings"
	"testing"
)

// TestServerName: a server is named by its provider type and base URL,
// spelled one way, with no secret the URL carries.
func TestServerName(t *testing.T) {
	const key = "sk-secret-0123456789"
	for _, tt := range []struct{ base, want string }{
		{"https://ark.cn-beijing.volces.com/api/v3", "seedream https://ark.cn-beijing.volces.com/api/v3"},
		{"HTTPS://Ark.CN-Beijing.volces.com/api/v3/", "seedream https://ark.cn-beijing.volces.com/api/v3"},
		{"https://relay.example.com/v1?key=" + key, "seedream https://relay.example.com/v1 key:"},
		{"https://user:" + key + "@relay.example.com/v1", "seedream https://relay.example.com/v1 key:"},
	} {
		got := serverName("seedream", tt.base)
		if !strings.HasPrefix(got, tt.want) || strings.Contains(got, key) || strings.Contains(got, "user") {
			t.Errorf("serverName(%q) = %q, want %q…", tt.base, got, tt.want)
		}
	}
	a := serverName("seedream", "https://relay.example.com/v1?key=one")
	b := serverName("seedream", "https://relay.example.com/v1?key=two")
	if a == b {
		t.Errorf("two keys of one relay share a name: %q", a)
	}
	if serverName("openai", "https://relay.example.com/v1") == serverName("seedream", "https://relay.example.com/v1") {
		t.Error("two provider types at one URL share a name")
	}
}

type wrapped struct{ Provider }

func (w wrapped) Unwrap() Provider { return w.Provider }

func TestPacedOf(t *testing.T) {
	s := &Seedream{server: "seedream https://example.com"}
	if p, ok := PacedOf(wrapped{wrapped{s}}); !ok || p.Server() != s.server {
		t.Errorf("PacedOf did not find the wrapped provider: %v, %v", p, ok)
	}
	if _, ok := PacedOf(NewPlaceholder()); ok {
		t.Error("the placeholder, which sends nothing, is Paced")
	}
	// A sharded apply's pacing wraps the provider: the disk check must
	// still find how large its answers can be.
	if _, ok := As[AnswerSizer](wrapped{s}); !ok {
		t.Error("As did not find the AnswerSizer a wrapper holds")
	}
	if _, ok := As[AnswerSizer](nil); ok {
		t.Error("As found an AnswerSizer in no provider")
	}
}
