package schema

import (
	"strings"
	"testing"
)

type testType struct{ s *Schema }

func (t testType) Schema() *Schema { return t.s }
func (testType) ResolveModel(string, Values, Values) (Rules, []Problem) {
	return nil, nil
}

func mustPanic(t *testing.T, want string, f func()) {
	t.Helper()
	defer func() {
		r := recover()
		if r == nil || !strings.Contains(r.(string), want) {
			t.Errorf("panic %v, want one saying %q", r, want)
		}
	}()
	f()
}

// TestRegisterRefusesInconsistentTypes: a request naming an attribute the
// type does not take, or a name registered twice, is a programming error
// found at start-up.
func TestRegisterRefusesInconsistentTypes(t *testing.T) {
	mustPanic(t, `lists "quality" in its request but does not take it`, func() {
		Register(testType{&Schema{Name: "test-bad", Request: []string{AttrPrompt, "quality"}}})
	})
	ok := &Schema{Name: "test-ok", Attributes: []Attribute{{Name: "quality"}}, Request: []string{AttrModel, AttrPrompt, "quality"}}
	Register(testType{ok})
	if got, found := Lookup("test-ok"); !found || got.Schema() != ok {
		t.Fatalf("Lookup(test-ok) = %v, %v", got, found)
	}
	if !ok.ForcesNew("quality") || ok.ForcesNew("style") {
		t.Error("ForcesNew does not follow the request list")
	}
	mustPanic(t, "registered twice", func() { Register(testType{ok}) })
}
