package activities

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// Legacy sends request/reply messages to legacy systems.
type Legacy interface {
	Request(ctx context.Context, subject string, data []byte) ([]byte, error)
}

// Lookup bounds: each request waits LookupTimeout, and a lookup tries
// LookupAttempts times before the system counts as unavailable.
const (
	LookupTimeout  = 2 * time.Second
	LookupAttempts = 3
)

var (
	errUnavailable = errors.New("unavailable")
	errNotFound    = errors.New("not found")
)

// legacyReply is a legacy system's answer on legacy.<system>.<query>.
type legacyReply struct {
	Found  bool           `json:"found"`
	Record map[string]any `json:"record"`
	Error  string         `json:"error"`
}

// lookup asks legacy.<query> for the record of key. It returns
// errNotFound when the system answers that it has none, and errUnavailable
// (wrapped with the last problem) when it does not answer usefully after
// LookupAttempts tries.
func (a *Activities) lookup(ctx context.Context, query, key string) (map[string]string, time.Time, error) {
	req, _ := json.Marshal(map[string]string{"key": key})
	var last error
	for attempt := range LookupAttempts {
		if attempt > 0 {
			time.Sleep(time.Duration(attempt) * 200 * time.Millisecond)
		}
		rctx, cancel := context.WithTimeout(ctx, a.lookupTimeout())
		raw, err := a.Legacy.Request(rctx, "legacy."+query, req)
		cancel()
		if err != nil {
			last = err
			continue
		}
		record, err := decodeReply(raw)
		if err == nil || errors.Is(err, errNotFound) {
			return record, time.Now().UTC(), err
		}
		last = err
	}
	return nil, time.Time{}, fmt.Errorf("%w: legacy.%s after %d attempts: %v", errUnavailable, query, LookupAttempts, last)
}

func (a *Activities) lookupTimeout() time.Duration {
	if a.LegacyTimeout > 0 {
		return a.LegacyTimeout
	}
	return LookupTimeout
}

func decodeReply(raw []byte) (map[string]string, error) {
	var r legacyReply
	if err := json.Unmarshal(raw, &r); err != nil {
		return nil, fmt.Errorf("malformed answer: %v", err)
	}
	if r.Error != "" {
		return nil, fmt.Errorf("system error: %s", r.Error)
	}
	if !r.Found {
		return nil, errNotFound
	}
	out := make(map[string]string, len(r.Record))
	for k, v := range r.Record {
		switch v := v.(type) {
		case string:
			out[k] = v
		case nil:
		default:
			b, _ := json.Marshal(v)
			out[k] = string(b)
		}
	}
	return out, nil
}
