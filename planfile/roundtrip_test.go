package planfile

import (
	"encoding/json"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/seedform/seedform/pipeline"
)

// fill sets every exported field reachable from v to a value that is not
// its zero, so that a conversion that forgets a field shows. A type met
// again below itself (a recursive one) is left zero.
func fill(v reflect.Value) { fillOnce(v, map[reflect.Type]bool{}) }

func fillOnce(v reflect.Value, on map[reflect.Type]bool) {
	if on[v.Type()] {
		return
	}
	on[v.Type()] = true
	defer delete(on, v.Type())
	fill := func(v reflect.Value) { fillOnce(v, on) }
	switch v.Kind() {
	case reflect.Pointer:
		v.Set(reflect.New(v.Type().Elem()))
		fill(v.Elem())
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				fill(v.Field(i))
			}
		}
	case reflect.Slice:
		if v.Type() == reflect.TypeOf(json.RawMessage{}) {
			v.SetBytes([]byte(`"v"`))
			return
		}
		s := reflect.MakeSlice(v.Type(), 1, 1)
		fill(s.Index(0))
		v.Set(s)
	case reflect.Map:
		m := reflect.MakeMap(v.Type())
		k, e := reflect.New(v.Type().Key()).Elem(), reflect.New(v.Type().Elem()).Elem()
		fill(k)
		fill(e)
		m.SetMapIndex(k, e)
		v.Set(m)
	case reflect.String:
		v.SetString("x")
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Int, reflect.Int64, reflect.Int32:
		v.SetInt(1)
	}
}

// TestEveryFieldSaved: a plan with every field set reads back the same.
// The saved plan is its own type, converted field by field: a field the
// engine gains and the conversion forgets would make a saved plan apply
// otherwise than planned (or be refused as stale).
func TestEveryFieldSaved(t *testing.T) {
	t.Parallel()
	var p pipeline.Plan
	fill(reflect.ValueOf(&p).Elem())
	p.Options.Replace = []string{p.Changes[0].Addr} // Overwrite is what -replace names
	name := filepath.Join(t.TempDir(), "p.plan")
	if err := Write(name, FromPlan(&p)); err != nil {
		t.Fatal(err)
	}
	got, err := Read(name)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(&p, got.Pipeline()); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
}
