package pipeline

import "testing"

func TestNearestAddr(t *testing.T) {
	t.Parallel()
	known := []string{`image.hero["en"]`, `image.hero["fr"]`, `image.tile[3]`, `image_set.board`, `image.season`, `image.season["it's"]`}
	tests := []struct{ given, want string }{
		{`image.hero[en]`, `image.hero["en"]`}, // what a shell leaves of -target=image.hero["en"]
		{`image.hero['fr']`, `image.hero["fr"]`},
		{`image.hero[ "en" ]`, `image.hero["en"]`},
		{`image.tile["3"]`, `image.tile[3]`},
		{`image_set.bord`, `image_set.board`},
		{`image.seasn`, `image.season`},
		{`image.season[it's]`, `image.season["it's"]`},
		{`image.hero[de]`, `image.hero["en"]`}, // two typos away
		{`image.nothing_like_it`, ""},
		{`image.hero[german]`, ""},
	}
	for _, tt := range tests {
		if got := NearestAddr(tt.given, known); got != tt.want {
			t.Errorf("NearestAddr(%s) = %q, want %q", tt.given, got, tt.want)
		}
	}
}
