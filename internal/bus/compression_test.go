package bus

import (
	"context"
	"errors"
	"testing"

	"github.com/nats-io/nats.go/jetstream"
)

// refusingJS has one stream, stored without compression, and refuses to
// change its compression, as a server may.
type refusingJS struct {
	jetstream.JetStream
	stored jetstream.StreamConfig
}

type storedStream struct {
	jetstream.Stream
	info *jetstream.StreamInfo
}

func (s storedStream) CachedInfo() *jetstream.StreamInfo { return s.info }

func (js *refusingJS) CreateOrUpdateStream(_ context.Context, cfg jetstream.StreamConfig) (jetstream.Stream, error) {
	if cfg.Compression != js.stored.Compression {
		return nil, errors.New("stream configuration update can not change compression")
	}
	js.stored = cfg
	return js.Stream(context.Background(), cfg.Name)
}

func (js *refusingJS) Stream(context.Context, string) (jetstream.Stream, error) {
	return storedStream{info: &jetstream.StreamInfo{Config: js.stored}}, nil
}

// TestEnsureStreamKeepsARefusedCompression: an existing stream whose
// compression the server will not change is still updated, uncompressed.
func TestEnsureStreamKeepsARefusedCompression(t *testing.T) {
	js := &refusingJS{stored: jetstream.StreamConfig{Name: StreamEvents, Subjects: []string{SubjectEvents}}}
	cfg := jetstream.StreamConfig{Name: StreamEvents, Subjects: []string{SubjectEvents}, Description: "updated"}
	if err := ensureStream(context.Background(), js, cfg); err != nil {
		t.Fatal(err)
	}
	if js.stored.Description != "updated" || js.stored.Compression != jetstream.NoCompression {
		t.Errorf("stream config %+v, want updated and uncompressed", js.stored)
	}
}
