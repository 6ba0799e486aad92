package spec

import (
	"errors"
	"fmt"
	"math"
	"math/big"
	"sort"

	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
	"github.com/zclconf/go-cty/cty/function"
	"github.com/zclconf/go-cty/cty/function/stdlib"
)

// This file holds Terraform's collection functions that go-cty's standard
// library lacks or defines differently.

func refineNotNull(b *cty.RefinementBuilder) *cty.RefinementBuilder { return b.NotNull() }

// lengthFunc is Terraform's length: the number of elements of a list,
// set, map, tuple or object, or the number of characters (grapheme
// clusters, as strlen counts them) of a string. go-cty's length takes only
// collections, so length("abc") would fail where Terraform users expect 3.
var lengthFunc = function.New(&function.Spec{
	Description: "Returns the number of elements of a collection or structural value, or the number of characters of a string.",
	Params: []function.Parameter{{
		Name: "value", Type: cty.DynamicPseudoType,
		AllowDynamicType: true, AllowUnknown: true, AllowMarked: true,
	}},
	Type: func(args []cty.Value) (cty.Type, error) {
		ty := args[0].Type()
		if ty == cty.String || ty == cty.DynamicPseudoType || ty.IsCollectionType() || ty.IsTupleType() || ty.IsObjectType() {
			return cty.Number, nil
		}
		return cty.NilType, errors.New("argument must be a string, a collection type, or a structural type")
	},
	RefineResult: func(b *cty.RefinementBuilder) *cty.RefinementBuilder { return b.NotNull() },
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		v, marks := args[0].Unmark()
		ty := v.Type()
		switch {
		case ty == cty.DynamicPseudoType:
			return cty.UnknownVal(cty.Number).WithMarks(marks), nil
		case ty == cty.String:
			n, err := stdlib.Strlen(v)
			return n.WithMarks(marks), err
		case ty.IsObjectType():
			return cty.NumberIntVal(int64(len(ty.AttributeTypes()))).WithMarks(marks), nil
		}
		return v.Length().WithMarks(marks), nil
	},
})

// coalesceFunc is Terraform's coalesce: the first argument that is neither
// null nor an empty string, all converted to one type. go-cty's skips only
// nulls, so coalesce("", "c") would be "" where Terraform gives "c".
var coalesceFunc = function.New(&function.Spec{
	Description: "Returns the first argument that is neither null nor an empty string.",
	VarParam: &function.Parameter{
		Name: "vals", Type: cty.DynamicPseudoType,
		AllowUnknown: true, AllowDynamicType: true, AllowNull: true,
	},
	Type: func(args []cty.Value) (cty.Type, error) {
		types := make([]cty.Type, len(args))
		for i, v := range args {
			types[i] = v.Type()
		}
		if ty, _ := convert.UnifyUnsafe(types); ty != cty.NilType {
			return ty, nil
		}
		return cty.NilType, errors.New("all arguments must have the same type")
	},
	RefineResult: func(b *cty.RefinementBuilder) *cty.RefinementBuilder { return b.NotNull() },
	Impl: func(args []cty.Value, retType cty.Type) (cty.Value, error) {
		for _, arg := range args {
			v, err := convert.Convert(arg, retType)
			if err != nil {
				return cty.NilVal, err
			}
			if !v.IsKnown() {
				return cty.UnknownVal(retType), nil
			}
			if v.IsNull() || v.RawEquals(cty.StringVal("")) {
				continue
			}
			return v, nil
		}
		return cty.NilVal, errors.New("no non-null, non-empty-string arguments")
	},
})

// uniformTupleFunc wraps tolist or toset with a fast path for a tuple whose
// elements all have one type, such as a [for ...] of strings: cty's
// general conversion unifies the element types pairwise, which takes
// seconds on the 10,000-element sets for_each is meant to handle.
func uniformTupleFunc(collection func(cty.Type) cty.Type, general function.Function) function.Function {
	build := cty.ListVal
	if collection(cty.String).IsSetType() {
		build = cty.SetVal
	}
	return function.New(&function.Spec{
		Description: general.Description(),
		Params: []function.Parameter{{
			Name: "v", Type: cty.DynamicPseudoType,
			AllowNull: true, AllowUnknown: true, AllowDynamicType: true,
		}},
		Type: func(args []cty.Value) (cty.Type, error) {
			if ety, ok := uniformTuple(args[0]); ok {
				return collection(ety), nil
			}
			return general.ReturnTypeForValues(args)
		},
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			if _, ok := uniformTuple(args[0]); ok && args[0].IsKnown() {
				return build(args[0].AsValueSlice()), nil
			}
			return general.Call(args)
		},
	})
}

// uniformTuple returns the element type of a non-empty tuple whose
// elements all have the same known type.
func uniformTuple(v cty.Value) (cty.Type, bool) {
	ty := v.Type()
	if !ty.IsTupleType() || v.IsNull() {
		return cty.NilType, false
	}
	etys := ty.TupleElementTypes()
	if len(etys) == 0 || etys[0] == cty.DynamicPseudoType {
		return cty.NilType, false
	}
	for _, t := range etys[1:] {
		if !t.Equals(etys[0]) {
			return cty.NilType, false
		}
	}
	return etys[0], true
}

// allTrueFunc is Terraform's alltrue: true when every element is true; a
// null element counts as false and an empty list is true.
var allTrueFunc = function.New(&function.Spec{
	Description:  "Returns true if all elements in a given collection are true or \"true\".",
	Params:       []function.Parameter{{Name: "list", Type: cty.List(cty.Bool)}},
	Type:         function.StaticReturnType(cty.Bool),
	RefineResult: refineNotNull,
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		for it := args[0].ElementIterator(); it.Next(); {
			_, v := it.Element()
			switch {
			case !v.IsKnown():
				return cty.UnknownVal(cty.Bool), nil
			case v.IsNull() || v.False():
				return cty.False, nil
			}
		}
		return cty.True, nil
	},
})

// anyTrueFunc is Terraform's anytrue: true when some element is true;
// nulls are skipped, and an unknown decides only if nothing is true.
var anyTrueFunc = function.New(&function.Spec{
	Description:  "Returns true if any element in a given collection is true or \"true\".",
	Params:       []function.Parameter{{Name: "list", Type: cty.List(cty.Bool)}},
	Type:         function.StaticReturnType(cty.Bool),
	RefineResult: refineNotNull,
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		unknown := false
		for it := args[0].ElementIterator(); it.Next(); {
			_, v := it.Element()
			switch {
			case !v.IsKnown():
				unknown = true
			case !v.IsNull() && v.True():
				return cty.True, nil
			}
		}
		if unknown {
			return cty.UnknownVal(cty.Bool), nil
		}
		return cty.False, nil
	},
})

// indexFunc is Terraform's index: the position of the first element equal
// to value.
var indexFunc = function.New(&function.Spec{
	Description: "Finds the element index for a given value in a list.",
	Params: []function.Parameter{
		{Name: "list", Type: cty.DynamicPseudoType},
		{Name: "value", Type: cty.DynamicPseudoType},
	},
	Type:         function.StaticReturnType(cty.Number),
	RefineResult: refineNotNull,
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		list := args[0]
		if ty := list.Type(); !ty.IsListType() && !ty.IsTupleType() {
			return cty.NilVal, errors.New("argument must be a list or tuple")
		}
		if !list.IsKnown() {
			return cty.UnknownVal(cty.Number), nil
		}
		if list.LengthInt() == 0 {
			return cty.NilVal, errors.New("cannot search an empty list")
		}
		for it := list.ElementIterator(); it.Next(); {
			i, v := it.Element()
			eq, err := stdlib.Equal(v, args[1])
			if err != nil {
				return cty.NilVal, err
			}
			if !eq.IsKnown() {
				return cty.UnknownVal(cty.Number), nil
			}
			if eq.True() {
				return i, nil
			}
		}
		return cty.NilVal, errors.New("item not found")
	},
})

// lookupFunc is Terraform's lookup, whose default is optional: without
// one, a missing key is an error.
var lookupFunc = function.New(&function.Spec{
	Description: "Retrieves the value of a single element from a map, given its key. If the given key does not exist, the given default value is returned instead.",
	Params: []function.Parameter{
		{Name: "inputMap", Type: cty.DynamicPseudoType, AllowMarked: true, AllowUnknown: true},
		{Name: "key", Type: cty.String, AllowMarked: true, AllowUnknown: true},
	},
	VarParam: &function.Parameter{
		Name: "default", Type: cty.DynamicPseudoType,
		AllowUnknown: true, AllowDynamicType: true, AllowNull: true, AllowMarked: true,
	},
	Type: func(args []cty.Value) (cty.Type, error) {
		if len(args) > 3 {
			return cty.NilType, fmt.Errorf("lookup() takes two or three arguments, got %d", len(args))
		}
		ty := args[0].Type()
		switch {
		case ty.IsObjectType():
			if !args[1].IsKnown() {
				return cty.DynamicPseudoType, nil
			}
			k, _ := args[1].Unmark()
			key := k.AsString()
			if ty.HasAttribute(key) {
				return args[0].GetAttr(key).Type(), nil
			}
			if len(args) == 3 {
				return args[2].Type(), nil
			}
			return cty.DynamicPseudoType, function.NewArgErrorf(0, "the given object has no attribute %q", key)
		case ty.IsMapType():
			if len(args) == 3 {
				if _, err := convert.Convert(args[2], ty.ElementType()); err != nil {
					return cty.NilType, function.NewArgErrorf(2, "the default value must have the same type as the map elements")
				}
			}
			return ty.ElementType(), nil
		}
		return cty.NilType, function.NewArgErrorf(0, "lookup() requires a map as the first argument")
	},
	Impl: func(args []cty.Value, retType cty.Type) (cty.Value, error) {
		m, mapMarks := args[0].Unmark()
		k, keyMarks := args[1].Unmark()
		marks := []cty.ValueMarks{mapMarks, keyMarks}
		if !m.IsKnown() || !k.IsKnown() {
			return cty.UnknownVal(retType).WithMarks(marks...), nil
		}
		key := k.AsString()
		if m.Type().IsObjectType() {
			if m.Type().HasAttribute(key) {
				return m.GetAttr(key).WithMarks(marks...), nil
			}
		} else if m.HasIndex(cty.StringVal(key)) == cty.True {
			return m.Index(cty.StringVal(key)).WithMarks(marks...), nil
		}
		if len(args) == 3 {
			def, err := convert.Convert(args[2], retType)
			if err != nil {
				return cty.NilVal, err
			}
			return def.WithMarks(marks...), nil
		}
		what := fmt.Sprintf("%q", key)
		if _, secret := keyMarks[sensitiveMark]; secret {
			what = "(sensitive value)"
		}
		return cty.NilVal, fmt.Errorf("lookup failed to find key %s", what)
	},
})

// matchkeysFunc is Terraform's matchkeys: the values whose key at the
// same index is in searchset.
var matchkeysFunc = function.New(&function.Spec{
	Description: "Constructs a new list by taking a subset of elements from one list whose indexes match the corresponding indexes of values in another list.",
	Params: []function.Parameter{
		{Name: "values", Type: cty.List(cty.DynamicPseudoType)},
		{Name: "keys", Type: cty.List(cty.DynamicPseudoType)},
		{Name: "searchset", Type: cty.List(cty.DynamicPseudoType)},
	},
	Type: func(args []cty.Value) (cty.Type, error) {
		if ty, _ := convert.UnifyUnsafe([]cty.Type{args[1].Type(), args[2].Type()}); ty == cty.NilType {
			return cty.NilType, errors.New("keys and searchset must be of the same type")
		}
		return args[0].Type(), nil
	},
	RefineResult: refineNotNull,
	Impl: func(args []cty.Value, retType cty.Type) (cty.Value, error) {
		ety := retType.ElementType()
		values := args[0]
		if !values.IsKnown() {
			return cty.UnknownVal(retType), nil
		}
		if values.LengthInt() != args[1].LengthInt() {
			return cty.NilVal, errors.New("length of keys and values should be equal")
		}
		ty, _ := convert.UnifyUnsafe([]cty.Type{args[1].Type(), args[2].Type()})
		keys, _ := convert.Convert(args[1], ty)
		searchset, _ := convert.Convert(args[2], ty)
		if searchset.LengthInt() == 0 {
			return cty.ListValEmpty(ety), nil
		}
		if !values.IsWhollyKnown() || !keys.IsWhollyKnown() {
			return cty.UnknownVal(retType), nil
		}
		var out []cty.Value
		i := 0
		for it := keys.ElementIterator(); it.Next(); i++ {
			_, key := it.Element()
			for st := searchset.ElementIterator(); st.Next(); {
				_, search := st.Element()
				eq, err := stdlib.Equal(key, search)
				if err != nil {
					return cty.NilVal, err
				}
				if !eq.IsKnown() {
					return cty.ListValEmpty(ety), nil
				}
				if eq.True() {
					out = append(out, values.Index(cty.NumberIntVal(int64(i))))
					break
				}
			}
		}
		if len(out) == 0 {
			return cty.ListValEmpty(ety), nil
		}
		return cty.ListVal(out), nil
	},
})

var errOne = function.NewArgErrorf(0, "must be a list, set, or tuple value with either zero or one elements")

// oneFunc is Terraform's one: the only element of a collection, or null
// when it is empty.
var oneFunc = function.New(&function.Spec{
	Description: "Returns either the first element of a one-element list, or null if given a zero-element list.",
	Params:      []function.Parameter{{Name: "list", Type: cty.DynamicPseudoType}},
	Type: func(args []cty.Value) (cty.Type, error) {
		ty := args[0].Type()
		switch {
		case ty.IsListType() || ty.IsSetType():
			return ty.ElementType(), nil
		case ty.IsTupleType():
			switch etys := ty.TupleElementTypes(); len(etys) {
			case 0:
				return cty.DynamicPseudoType, nil
			case 1:
				return etys[0], nil
			}
		}
		return cty.NilType, errOne
	},
	Impl: func(args []cty.Value, retType cty.Type) (cty.Value, error) {
		v := args[0]
		if ty := v.Type(); ty.IsListType() || ty.IsSetType() {
			if !v.Length().IsKnown() {
				return cty.UnknownVal(retType), nil
			}
		}
		switch v.LengthInt() {
		case 0:
			return cty.NullVal(retType), nil
		case 1:
			var only cty.Value
			for it := v.ElementIterator(); it.Next(); {
				_, only = it.Element()
			}
			return only, nil
		}
		return cty.NilVal, errOne
	},
})

// sumFunc is Terraform's sum of a list, set or tuple of numbers.
var sumFunc = function.New(&function.Spec{
	Description:  "Takes a list or set of numbers and returns the sum of those numbers.",
	Params:       []function.Parameter{{Name: "list", Type: cty.DynamicPseudoType}},
	Type:         function.StaticReturnType(cty.Number),
	RefineResult: refineNotNull,
	Impl: func(args []cty.Value, _ cty.Type) (ret cty.Value, err error) {
		list := args[0]
		if !list.CanIterateElements() {
			return cty.NilVal, function.NewArgErrorf(0, "cannot sum noniterable")
		}
		if list.LengthInt() == 0 {
			return cty.NilVal, function.NewArgErrorf(0, "cannot sum an empty list")
		}
		if ty := list.Type(); !ty.IsListType() && !ty.IsSetType() && !ty.IsTupleType() {
			return cty.NilVal, function.NewArgErrorf(0, "argument must be list, set, or tuple. Received %s", ty.FriendlyName())
		}
		if !list.IsWhollyKnown() {
			return cty.UnknownVal(cty.Number), nil
		}
		defer func() {
			// Adding +Inf and -Inf panics in math/big.
			if r := recover(); r != nil {
				if _, ok := r.(big.ErrNaN); !ok {
					panic(r)
				}
				ret, err = cty.NilVal, errors.New("can't compute sum of opposing infinities")
			}
		}()
		total := cty.NilVal
		for _, v := range list.AsValueSlice() {
			n, err := convert.Convert(v, cty.Number)
			if v.IsNull() || err != nil {
				return cty.NilVal, function.NewArgErrorf(0, "argument must be list, set, or tuple of number values")
			}
			if total == cty.NilVal {
				total = n
			} else {
				total = total.Add(n)
			}
		}
		return total, nil
	},
})

// transposeFunc is Terraform's transpose of a map of lists of strings.
var transposeFunc = function.New(&function.Spec{
	Description:  "Takes a map of lists of strings and swaps the keys and values to produce a new map of lists of strings.",
	Params:       []function.Parameter{{Name: "values", Type: cty.Map(cty.List(cty.String))}},
	Type:         function.StaticReturnType(cty.Map(cty.List(cty.String))),
	RefineResult: refineNotNull,
	Impl: func(args []cty.Value, retType cty.Type) (cty.Value, error) {
		in := args[0]
		if !in.IsWhollyKnown() {
			return cty.UnknownVal(retType), nil
		}
		swapped := map[string][]string{}
		for it := in.ElementIterator(); it.Next(); {
			k, list := it.Element()
			if list.IsNull() {
				return cty.NilVal, errors.New("input must not contain null list")
			}
			for li := list.ElementIterator(); li.Next(); {
				_, v := li.Element()
				if v.IsNull() {
					return cty.NilVal, errors.New("input list must not contain null string")
				}
				swapped[v.AsString()] = append(swapped[v.AsString()], k.AsString())
			}
		}
		if len(swapped) == 0 {
			return cty.MapValEmpty(cty.List(cty.String)), nil
		}
		out := make(map[string]cty.Value, len(swapped))
		for k, keys := range swapped {
			sort.Strings(keys)
			vals := make([]cty.Value, len(keys))
			for i, key := range keys {
				vals[i] = cty.StringVal(key)
			}
			out[k] = cty.ListVal(vals)
		}
		return cty.MapVal(out), nil
	},
})

// containsFunc is go-cty's contains with Terraform 1.11's rule that the
// value searched for is not null: go-cty since v1.17 takes a null and, for
// an untyped one, answers unknown, which would silently make an asset's
// attribute unknown.
var containsFunc = function.New(&function.Spec{
	Description: stdlib.ContainsFunc.Description(),
	Params: []function.Parameter{
		{Name: "list", Type: cty.DynamicPseudoType},
		{Name: "value", Type: cty.DynamicPseudoType},
	},
	Type:         function.StaticReturnType(cty.Bool),
	RefineResult: refineNotNull,
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		return stdlib.ContainsFunc.Call(args)
	},
})

// logFunc and powFunc are go-cty's log and pow with a clean error where
// go-cty (and so Terraform 1.11) panics: a result that is not a number,
// such as log(0, 0) or pow(-8, 1/3), is reported as Terraform's newer
// versions do.
var (
	logFunc = nanGuard(stdlib.LogFunc, func(x, y float64) float64 { return math.Log(x) / math.Log(y) })
	powFunc = nanGuard(stdlib.PowFunc, math.Pow)
)

func nanGuard(f function.Function, op func(x, y float64) float64) function.Function {
	return function.New(&function.Spec{
		Description:  f.Description(),
		Params:       f.Params(),
		Type:         function.StaticReturnType(cty.Number),
		RefineResult: refineNotNull,
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			x, _ := args[0].AsBigFloat().Float64()
			y, _ := args[1].AsBigFloat().Float64()
			if math.IsNaN(op(x, y)) {
				return cty.NilVal, errors.New("result is not a number")
			}
			return f.Call(args)
		},
	})
}

// elementFunc is go-cty's element with the negative indexes of go-cty
// v1.16, which Terraform 1.11 uses: the index is taken modulo the length
// with Go's remainder, so -2 of two elements is the first and -1 of two
// fails (with a panic in Terraform; an error here). go-cty v1.17 counts
// negative indexes from the end instead.
var elementFunc = function.New(&function.Spec{
	Description: stdlib.ElementFunc.Description(),
	Params:      stdlib.ElementFunc.Params(),
	Type: func(args []cty.Value) (cty.Type, error) {
		args, err := legacyIndex(args)
		if err != nil {
			return cty.NilType, err
		}
		return stdlib.ElementFunc.ReturnTypeForValues(args)
	},
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		args, err := legacyIndex(args)
		if err != nil {
			return cty.NilVal, err
		}
		return stdlib.ElementFunc.Call(args)
	},
})

// legacyIndex replaces a negative index that go-cty v1.16 would map to
// the first element by 0, and refuses any other.
func legacyIndex(args []cty.Value) ([]cty.Value, error) {
	list, _ := args[0].UnmarkDeep()
	idx, marks := args[1].UnmarkDeep()
	if !list.IsKnown() || list.IsNull() || !list.CanIterateElements() || !idx.IsKnown() || idx.IsNull() {
		return args, nil
	}
	n, err := convert.Convert(idx, cty.Number)
	if err != nil || n.AsBigFloat().Sign() >= 0 {
		return args, nil
	}
	i, _ := n.AsBigFloat().Int64()
	l := int64(list.LengthInt())
	if l == 0 {
		return args, nil // go-cty says the list is empty
	}
	if i%l == 0 {
		return []cty.Value{args[0], cty.Zero.WithMarks(marks)}, nil
	}
	return nil, function.NewArgErrorf(1, "the index must not be negative")
}

// makeToFunc is go-cty's conversion function (tostring, tolist, ...)
// taking marked values as Terraform's does: marks are kept through the
// conversion, and a sensitive value it cannot convert is not quoted.
func makeToFunc(want cty.Type) function.Function {
	f := stdlib.MakeToFunc(want)
	return function.New(&function.Spec{
		Description: f.Description(),
		Params: []function.Parameter{{
			Name: "v", Type: cty.DynamicPseudoType,
			AllowNull: true, AllowDynamicType: true, AllowMarked: true,
		}},
		Type: func(args []cty.Value) (cty.Type, error) {
			plain, _ := args[0].UnmarkDeep()
			return f.ReturnTypeForValues([]cty.Value{plain})
		},
		Impl: func(args []cty.Value, retType cty.Type) (cty.Value, error) {
			if v, err := convert.Convert(args[0], retType); err == nil {
				return v, nil
			}
			plain, _ := args[0].UnmarkDeep()
			if hasMarkDeep(args[0], sensitiveMark) {
				return cty.NilVal, function.NewArgErrorf(0, "cannot convert this sensitive %s to %s", plain.Type().FriendlyName(), want.FriendlyNameForConstraint())
			}
			// go-cty's messages for an explicit conversion.
			return f.Call([]cty.Value{plain})
		},
	})
}

// hasMarkDeep reports whether v or any value inside it has mark.
func hasMarkDeep(v cty.Value, mark any) bool {
	_, marks := v.UnmarkDeepWithPaths()
	for _, pm := range marks {
		if _, ok := pm.Marks[mark]; ok {
			return true
		}
	}
	return false
}
