package seedream

import (
	"context"
	"time"
)

// SetPause makes c call pause instead of waiting between retries, so that
// a test sees the retry schedule without waiting it out.
func SetPause(c *Client, pause func(ctx context.Context, d time.Duration) error) {
	c.pause = pause
}
