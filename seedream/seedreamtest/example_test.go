package seedreamtest_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"github.com/seedform/seedform/seedream/seedreamtest"
)

// post sends one generation request and prints what came back.
func post(s *seedreamtest.Server, prompt string, extra string) {
	body := fmt.Sprintf(`{"model": "doubao-seedream-4-0-250828", "prompt": %q, "size": "1K"%s}`, prompt, extra)
	req, _ := http.NewRequest(http.MethodPost, s.BaseURL()+"/images/generations", strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer any-key")
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		fmt.Println("error:", err)
		return
	}
	defer resp.Body.Close()
	var answer struct {
		Data []struct {
			Size  string
			Error *struct{ Code string }
		}
		Error *struct{ Code string }
	}
	json.NewDecoder(resp.Body).Decode(&answer)
	fmt.Print(resp.StatusCode)
	if answer.Error != nil {
		fmt.Print(" ", answer.Error.Code)
	}
	for _, d := range answer.Data {
		if d.Error != nil {
			fmt.Print(" ", d.Error.Code)
		} else {
			fmt.Print(" ", d.Size)
		}
	}
	fmt.Println()
}

// A prompt steers the fake without Go code, as an end-to-end script does.
func Example_directives() {
	s := seedreamtest.New()
	defer s.Close()
	set := `, "sequential_image_generation": "auto", "sequential_image_generation_options": {"max_images": 4}`

	post(s, "four seasons [[fake: images=2]]", set)
	post(s, "a storyboard [[fake: item_error=1]]", set)
	post(s, "a lighthouse [[fake: status=500 times=2]]", "")
	post(s, "a lighthouse [[fake: status=500 times=2]]", "")
	post(s, "a lighthouse [[fake: status=500 times=2]]", "")
	post(s, "a field [[fake: fault=top_level_error]]", "")
	post(s, "a field [[fake: latency=10ms]]", "")
	fmt.Println(s.Count(), "requests")
	// Output:
	// 200 1024x1024 1024x1024
	// 200 1024x1024 OutputImageSensitiveContentDetected 1024x1024 1024x1024
	// 500 InternalServiceError
	// 500 InternalServiceError
	// 200 1024x1024
	// 200 InternalServiceError
	// 200 1024x1024
	// 7 requests
}

// Go tests queue faults; each request takes the first that applies to it.
func ExampleServer_Inject() {
	s := seedreamtest.New()
	defer s.Close()
	s.Inject(seedreamtest.Fault{Kind: seedreamtest.KindStatus, Status: 429, RetryAfter: "1"})
	s.Inject(seedreamtest.Fault{Kind: seedreamtest.KindStatus, Status: 503, PromptContains: "dog"})

	post(s, "a cat", "")
	post(s, "a cat", "")
	post(s, "a dog", "")
	for _, r := range s.Requests() {
		fmt.Println(r.Path, r.Status, r.Body["prompt"])
	}
	// Output:
	// 429 ModelAccountIpmRateLimitExceeded
	// 200 1024x1024
	// 503 InternalServiceError
	// /api/v3/images/generations 429 a cat
	// /api/v3/images/generations 200 a cat
	// /api/v3/images/generations 503 a dog
}
