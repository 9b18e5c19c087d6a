package activities

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/dossier/dossier/internal/bus"
	"github.com/dossier/dossier/internal/contract"
)

// withRealBus gives the fixture the real bus for events and the audit
// chain, on a nats-server with Dossier's streams.
func withRealBus(t *testing.T) (*fixture, *bus.Bus) {
	t.Helper()
	f := newLegacyFixture(t)
	b := f.a.Legacy.(*bus.Bus)
	if err := b.Ensure(context.Background()); err != nil {
		t.Fatal(err)
	}
	f.a.Events, f.a.Audit = b, b
	return f.fixture, b
}

// An event is published on its subject and chained for the auditors;
// published again, as a retried activity does, it is kept once in each.
func TestPublishEventChainsItOnce(t *testing.T) {
	f, b := withRealBus(t)
	e := contract.Event{Type: contract.EventSubmitted, CaseID: testCaseID, Template: "accuse-reception",
		Stage: contract.StagePrefilling, Actor: "legacy", Time: time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)}
	for range 2 {
		if err := f.run(t, f.a.PublishEvent, e, nil); err != nil {
			t.Fatal(err)
		}
	}
	ctx := context.Background()
	stream, err := b.JS.Stream(ctx, bus.StreamEvents)
	if err != nil {
		t.Fatal(err)
	}
	if n := stream.CachedInfo().State.Msgs; n != 1 {
		t.Errorf("%d events on %s, want 1", n, bus.StreamEvents)
	}
	chain, err := b.ReadChain(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(chain) != 1 || chain[0].Record.CaseID != testCaseID || chain[0].Record.Type != contract.EventSubmitted || chain[0].Record.Index != 1 {
		t.Errorf("chain %+v, want the submitted event's record once", chain)
	}
}

// The event's audit record is appended while the event is published, not
// after: a bus that publishes only once the record is chained sees it
// there.
func TestPublishEventChainsWhilePublishing(t *testing.T) {
	f, b := withRealBus(t)
	waiting := &chainFirst{Bus: b}
	f.a.Events = waiting
	e := contract.Event{Type: contract.EventDrafted, CaseID: testCaseID, Version: 1, Stage: contract.StageDrafting}
	if err := f.run(t, f.a.PublishEvent, e, nil); err != nil {
		t.Fatal(err)
	}
	if !waiting.sawRecord {
		t.Error("the audit record was not appended while the event was published")
	}
}

// chainFirst publishes once the audit chain holds a record, waiting 10
// seconds at most.
type chainFirst struct {
	*bus.Bus
	sawRecord bool
}

func (c *chainFirst) Publish(ctx context.Context, subject, msgID string, data []byte) error {
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline) && !c.sawRecord; time.Sleep(time.Millisecond) {
		chain, err := c.ReadChain(ctx)
		c.sawRecord = err == nil && len(chain) > 0
	}
	return c.Bus.Publish(ctx, subject, msgID, data)
}

// A publish that fails fails the activity, to be retried, even when the
// audit record was kept.
func TestPublishEventFailsWhenThePublishFails(t *testing.T) {
	f, _ := withRealBus(t)
	f.a.Events = failingBus{}
	e := contract.Event{Type: contract.EventSubmitted, CaseID: testCaseID, Stage: contract.StagePrefilling}
	if err := f.run(t, f.a.PublishEvent, e, nil); err == nil || !strings.Contains(err.Error(), errBusDown.Error()) {
		t.Errorf("err = %v, want the bus's", err)
	}
}

var errBusDown = errors.New("bus down")

type failingBus struct{}

func (failingBus) Publish(context.Context, string, string, []byte) error { return errBusDown }
