package command

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/seedform/seedform/seedream"
)

// TestStalePriceCardWarnsOnce: a plan priced with a card read more than
// 90 days ago warns once, however many changes it prices, and says how
// to override it; a provider block with its own price does not warn.
func TestStalePriceCardWarnsOnce(t *testing.T) {
	t.Parallel()
	const assets = `
image "a" {
  model  = "doubao-seedream-4-5-251128"
  prompt = "a"
  path   = "a.jpeg"
}
image "b" {
  model  = "doubao-seedream-4-0-250828"
  prompt = "b"
  path   = "b.jpeg"
}
`
	read := seedream.PriceCard().Read
	tests := []struct {
		name     string
		provider string
		now      time.Time
		warn     bool
	}{
		{"fresh card", `provider "seedream" {}`, read.AddDate(0, 0, 90), false},
		{"stale card", `provider "seedream" {}`, read.AddDate(0, 0, 91), true},
		{"own price", `provider "seedream" {
  price_per_image = 0.03
}`, read.AddDate(1, 0, 0), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, "main.sf.hcl"), []byte(tt.provider+assets), 0o644); err != nil {
				t.Fatal(err)
			}
			var stdout, stderr bytes.Buffer
			m := &Meta{Stdout: &stdout, Stderr: &stderr, Now: func() time.Time { return tt.now }}
			if code := Run(context.Background(), []string{"-chdir=" + dir, "plan", "-no-color"}, m); code != 0 {
				t.Fatalf("plan exited %d: %s", code, stderr.String())
			}
			got := strings.Count(stderr.String(), "The seedream price card may be out of date")
			switch {
			case tt.warn && got != 1:
				t.Errorf("want one warning, got %d:\n%s", got, stderr.String())
			case !tt.warn && got != 0:
				t.Errorf("want no warning, got:\n%s", stderr.String())
			case tt.warn && !strings.Contains(stderr.String(), "price_per_image"):
				t.Errorf("the warning does not say how to override the card:\n%s", stderr.String())
			}
		})
	}
}
