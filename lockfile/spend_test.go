package lockfile

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/seedform/seedform/cost"
)

func amount(s string) *cost.Amount { a := cost.MustParse(s); return &a }

// spendLock is sampleLock with what an apply was billed: the hero's
// entry, and the apply's bill with a lost answer.
func spendLock() *Lock {
	l := sampleLock()
	billed := Billed{Images: 4, PricePerImage: amount("0.04"), Cost: amount("0.16"), Currency: "USD"}
	l.Assets["image_set.board"].Billed = &billed
	est := cost.Line(cost.Price{Known: true, Amount: cost.MustParse("0.04"), Currency: "USD"}, 1, 4)
	bill := &Spend{StartedAt: time.Date(2026, 1, 2, 3, 4, 0, 0, time.UTC), Estimate: &est}
	bill.Add("doubao-seedream-4-5-251128", billed, false)
	bill.Add("relay-model", Billed{Images: 1}, true)
	bill.Add("doubao-seedream-4-5-251128", Billed{Images: 2, PricePerImage: amount("0.04"), Cost: amount("0.08"), Currency: "USD"}, true)
	l.Spend = []*Spend{bill}
	return l
}

func TestSpendRoundTrip(t *testing.T) {
	t.Parallel()
	want := []ModelBill{
		{Model: "doubao-seedream-4-5-251128", Billed: Billed{Images: 6, PricePerImage: amount("0.04"), Cost: amount("0.24"), Currency: "USD"}, Answers: 2, Lost: 1},
		{Model: "relay-model", Billed: Billed{Images: 1}, Answers: 1, Lost: 1},
	}
	if diff := cmp.Diff(want, spendLock().Spend[0].Billed); diff != "" {
		t.Errorf("the bill's rows (-want +got):\n%s", diff)
	}
	data := spendLock().Marshal()
	if want := `"cost": 0.16,`; !strings.Contains(string(data), want) {
		t.Errorf("the lock does not write the cost as an exact decimal %s:\n%s", want, data)
	}
	got, err := ParseLock("L.json", data)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(spendLock(), got); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
	if string(got.Marshal()) != string(data) {
		t.Error("encoding the decoded lock changes it")
	}
}

func TestSpendInvalid(t *testing.T) {
	t.Parallel()
	data := string(spendLock().Marshal())
	tests := []struct{ name, old, new, want string }{
		{"negative images", `"images": 1,`, `"images": -1,`, "spend[0].billed[1] (relay-model): billed images must not be negative"},
		{"cost without currency", `"cost": 0.24,
          "currency": "USD",`, `"cost": 0.24,`, "a cost needs its currency"},
		{"float noise", `"cost": 0.24,`, `"cost": 1e-3,`, `"1e-3" is not an amount`},
		{"negative cost", `"cost": 0.24,`, `"cost": -0.24,`, `"-0.24" is not an amount`},
		{"more lost than answered", `"lost_answers": 1
        },
        {
          "model": "relay-model"`, `"lost_answers": 3
        },
        {
          "model": "relay-model"`, "2 answers with 3 lost"},
		{"null bill", `"spend": [
    {`, `"spend": [null, {`, "spend[0] is null"},
		{"entry price without cost", `"billed": {
        "images": 4,
        "price_per_image": 0.04,
        "cost": 0.16,`, `"billed": {
        "images": 4,
        "price_per_image": 0.04,`, "image_set.board: billed: a cost needs its price_per_image"},
	}
	for _, tt := range tests {
		if !strings.Contains(data, tt.old) {
			t.Fatalf("%s: the sample has no %q:\n%s", tt.name, tt.old, data)
		}
		_, err := ParseLock("L.json", []byte(strings.Replace(data, tt.old, tt.new, 1)))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: got %v, want an error with %q", tt.name, err, tt.want)
		}
	}
}

// TestFragmentCarriesBills: a shard writes into its fragment the bills of
// its own applies, not the lock's earlier ones, keeps those of an earlier
// run of the shard, and the merge adds them to the lock.
func TestFragmentCarriesBills(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "shards", "frag.1.json")
	lock := spendLock() // one bill from before the shard
	earlier := &Spend{StartedAt: time.Date(2026, 1, 3, 0, 0, 0, 0, time.UTC)}
	earlier.Add("m", Billed{Images: 1, PricePerImage: amount("0.04"), Cost: amount("0.04"), Currency: "USD"}, false)
	rec := NewRecorder(filepath.Join(dir, FileName), "", lock, NewManifest())
	rec.UseFragment(path, Fragment{Plan: "sha256:p", Shard: 1, Shards: 2, Spend: []*Spend{earlier}}, nil)
	mine := &Spend{StartedAt: time.Date(2026, 1, 4, 0, 0, 0, 0, time.UTC)}
	mine.Add("m", Billed{Images: 2, PricePerImage: amount("0.04"), Cost: amount("0.08"), Currency: "USD"}, true)
	if err := rec.Update(func(l *Lock, _ *Manifest) { l.Spend = append(l.Spend, mine) }); err != nil {
		t.Fatal(err)
	}
	if err := rec.Close(); err != nil {
		t.Fatal(err)
	}
	f, err := ReadFragment(path)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]*Spend{earlier, mine}, f.Spend); diff != "" {
		t.Fatalf("the fragment's bills (-want +got):\n%s", diff)
	}
	merged := sampleLock()
	f.Apply(merged, NewManifest())
	if len(merged.Spend) != 2 || merged.Spend[1].Billed[0].Cost.String() != "0.08" {
		t.Errorf("merged bills: %+v", merged.Spend)
	}
	if _, err := os.Stat(filepath.Join(dir, FileName)); err == nil {
		t.Error("a shard wrote the lock")
	}
}
