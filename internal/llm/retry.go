package llm

import (
	"net/http"
	"strconv"
	"time"
)

// retryingDoer sends a request again when the server answers 429 or 503,
// after the Retry-After it asks for (capped at maxWait, 1 s when absent),
// at most attempts times in all.
type retryingDoer struct {
	client   *http.Client
	attempts int
	maxWait  time.Duration
}

func (d *retryingDoer) Do(req *http.Request) (*http.Response, error) {
	for attempt := 1; ; attempt++ {
		resp, err := d.client.Do(req)
		if err != nil || attempt >= d.attempts || !busy(resp.StatusCode) || req.GetBody == nil {
			return resp, err
		}
		wait := retryAfter(resp.Header.Get("Retry-After"), d.maxWait)
		resp.Body.Close()
		body, err := req.GetBody()
		if err != nil {
			return nil, err
		}
		req.Body = body
		select {
		case <-req.Context().Done():
			return nil, req.Context().Err()
		case <-time.After(wait):
		}
	}
}

func busy(status int) bool {
	return status == http.StatusTooManyRequests || status == http.StatusServiceUnavailable
}

// retryAfter reads a Retry-After header in seconds or as an HTTP date.
func retryAfter(h string, limit time.Duration) time.Duration {
	wait := time.Second
	if s, err := strconv.Atoi(h); err == nil {
		wait = time.Duration(s) * time.Second
	} else if at, err := http.ParseTime(h); err == nil {
		wait = time.Until(at)
	}
	return min(max(wait, 0), limit)
}
