package seedreamtest

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestParseDirectives(t *testing.T) {
	tests := []struct {
		prompt  string
		want    directive
		wantErr string
	}{
		{prompt: "a plain prompt"},
		{prompt: "[[fake:]] nothing asked"},
		{prompt: "four seasons [[fake: images=2]]", want: directive{images: 2}},
		{prompt: "overbilled [[fake: images=2 billed=5]]", want: directive{images: 2, billed: 5}},
		{prompt: "[[fake: billed=0]]", wantErr: "directive billed=0: want an integer in [1, 1000]"},
		{prompt: "[[fake: latency=200ms]] slow", want: directive{latency: 200 * time.Millisecond, hasLatency: true}},
		{prompt: "x [[fake: latency=0s]]", want: directive{hasLatency: true}},
		{prompt: "[[fake: status=500 times=2]]", want: directive{fault: &Fault{Kind: KindStatus, Status: 500, Times: 2}}},
		{
			prompt: "[[fake: status=429 retry_after=3 code=ModelAccountRpmRateLimitExceeded]]",
			want:   directive{fault: &Fault{Kind: KindStatus, Status: 429, RetryAfter: "3", Code: "ModelAccountRpmRateLimitExceeded"}},
		},
		{prompt: "[[fake: item_error=1]]", want: directive{fault: &Fault{Kind: KindItemError, Index: 1}}},
		{prompt: "[[fake: partial_failed=0]]", want: directive{fault: &Fault{Kind: KindPartialFailed}}},
		{prompt: "[[fake: fault=partial_failed index=2]]", want: directive{fault: &Fault{Kind: KindPartialFailed, Index: 2}}},
		{prompt: "[[fake: fault=huge_body]]", want: directive{fault: &Fault{Kind: KindHugeBody}}},
		{
			prompt: "[[fake: download_status=503 times=3 retry_after=1]]",
			want:   directive{fault: &Fault{Kind: KindDownloadStatus, Status: 503, Times: 3, RetryAfter: "1"}},
		},
		{prompt: "[[fake: fault=download_truncate]]", want: directive{fault: &Fault{Kind: KindDownloadTruncate}}},
		{prompt: "[[fake: download_status=600]]", wantErr: "directive download_status=600: want an integer in [100, 599]"},
		{
			prompt: "set [[fake: images=3]] and [[fake:item_error=2   code=InternalServiceError]] end",
			want:   directive{images: 3, fault: &Fault{Kind: KindItemError, Index: 2, Code: "InternalServiceError"}},
		},
		{prompt: "[[fake: images=2", wantErr: "unterminated [[fake: directive"},
		{prompt: "[[fake: images]]", wantErr: `directive "images" is not key=value`},
		{prompt: "[[fake: images=]]", wantErr: `directive "images=" is not key=value`},
		{prompt: "[[fake: images=0]]", wantErr: "directive images=0: want an integer in [1, 15]"},
		{prompt: "[[fake: images=1]] [[fake: images=2]]", wantErr: `directive key "images" given twice`},
		{prompt: "[[fake: latency=soon]]", wantErr: "directive latency=soon: want a Go duration such as 200ms"},
		{prompt: "[[fake: latency=-1s]]", wantErr: "directive latency=-1s: want a Go duration such as 200ms"},
		{prompt: "[[fake: status=5000]]", wantErr: "directive status=5000: want an integer in [100, 599]"},
		{prompt: "[[fake: fault=explode]]", wantErr: "directive fault=explode: unknown fault; want one of status, reset, hang, truncate, invalid_json, corrupt_base64, not_an_image, huge_body, expired_url, item_error, partial_failed, stream_cut, top_level_error, wrong_format, download_status, download_reset, download_truncate, download_cut_no_length, extra_images, duplicate_images, truncated_b64, data_with_error, string_error, slow_events"},
		{prompt: "[[fake: status=500 item_error=1]]", wantErr: "a prompt takes one fault; got 2 of fault, status, download_status, item_error, partial_failed"},
		{prompt: "[[fake: times=2]]", wantErr: "directive times= needs a fault (fault=, status=, download_status=, item_error= or partial_failed=)"},
		{prompt: "[[fake: delay=1s]]", wantErr: "directive delay= needs a fault (fault=, status=, download_status=, item_error= or partial_failed=)"},
		{prompt: "[[fake: fault=slow_events delay=soon]]", wantErr: "directive delay=soon: want a Go duration such as 200ms"},
		{prompt: "[[fake: colour=red]]", wantErr: `unknown directive key "colour"; want images, latency, fault, status, download_status, item_error, partial_failed, index, times, delay, code or retry_after`},
	}
	for _, tt := range tests {
		got, err := parseDirectives(tt.prompt)
		gotErr := ""
		if err != nil {
			gotErr = err.Error()
			got = directive{}
		}
		if diff := cmp.Diff(tt.wantErr, gotErr); diff != "" {
			t.Errorf("%q: error (-want +got):\n%s", tt.prompt, diff)
		}
		if diff := cmp.Diff(tt.want, got, cmp.AllowUnexported(directive{})); diff != "" {
			t.Errorf("%q: (-want +got):\n%s", tt.prompt, diff)
		}
	}
}

func TestFaultKindString(t *testing.T) {
	for k := KindStatus; k <= KindDownloadTruncate; k++ {
		if got := kindByName(k.String()); got != k {
			t.Errorf("kindByName(%q) = %v, want %v", k.String(), got, k)
		}
	}
	if got := FaultKind(99).String(); got != "FaultKind(99)" {
		t.Errorf("String() = %q", got)
	}
}
