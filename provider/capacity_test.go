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
		{"https://ark.cn-beijing.volces.com", "seedream https://ark.cn-beijing.volces.com"},
		{"https://ark.cn-beijing.volces.com/api/v3", "seedream https://ark.cn-beijing.volces.com #"},
		{"https://relay.example.com/v1?key=" + key, "seedream https://relay.example.com #"},
		{"https://user:" + key + "@relay.example.com/v1", "seedream https://relay.example.com #"},
		{"https://relay.example.com/" + key + "/v1", "seedream https://relay.example.com #"},
	} {
		got := serverName("seedream", tt.base)
		if !strings.HasPrefix(got, tt.want) || strings.Contains(got, key) || strings.Contains(got, "user") || strings.Contains(got, "secret") {
			t.Errorf("serverName(%q) = %q, want %q…", tt.base, got, tt.want)
		}
	}
	same := serverName("seedream", "https://ark.cn-beijing.volces.com/api/v3")
	if got := serverName("seedream", "HTTPS://Ark.CN-Beijing.volces.com/api/v3/"); got != same {
		t.Errorf("two spellings of one URL name two servers: %q and %q", got, same)
	}
	for _, pair := range [][2]string{
		{"https://relay.example.com/v1?key=one", "https://relay.example.com/v1?key=two"},
		{"https://relay.example.com/one/v1", "https://relay.example.com/two/v1"},
		{"https://relay.example.com/api/v3", "https://relay.example.com"},
	} {
		if a, b := serverName("seedream", pair[0]), serverName("seedream", pair[1]); a == b {
			t.Errorf("%s and %s share a name: %q", pair[0], pair[1], a)
		}
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
