package bus_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/dossier/dossier/internal/bus"
	"github.com/dossier/dossier/internal/bus/bustest"
	"github.com/dossier/dossier/internal/contract"
)

// TestChainTakesConcurrentAppendersInTurn: three connections (a worker, an
// API, a bridge) append 60 records at once, some twice (a retried
// activity): the chain holds each record once, numbered 1 to 60 without a
// gap, every link the hash of the record before.
func TestChainTakesConcurrentAppendersInTurn(t *testing.T) {
	url := bustest.Server(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var buses []*bus.Bus
	for i := range 3 {
		b, err := bus.Dial(url, fmt.Sprintf("role-%d", i))
		if err != nil {
			t.Fatal(err)
		}
		defer b.Close()
		if err := b.Ensure(ctx); err != nil {
			t.Fatal(err)
		}
		buses = append(buses, b)
	}
	var wg sync.WaitGroup
	for i := range 60 {
		wg.Go(func() {
			rec := contract.AuditRecord{Kind: "event", CaseID: fmt.Sprintf("case-%d", i%7), Type: "drafted", At: time.Now().UTC(), Data: []byte(`{}`)}
			for range 1 + i%2 { // every other record is appended twice
				if err := buses[i%3].AppendChain(ctx, rec, fmt.Sprintf("audit.%d", i)); err != nil {
					t.Errorf("append %d: %v", i, err)
				}
			}
		})
	}
	wg.Wait()
	entries, err := buses[0].ReadChain(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 60 {
		t.Fatalf("%d records, want 60", len(entries))
	}
	prev := contract.GenesisHash
	for i, e := range entries {
		r := e.Record
		if e.Err != nil || r.Index != uint64(i+1) || r.Prev != prev || r.Hash != r.ComputeHash() {
			t.Fatalf("record %d: %+v (err %v), want index %d linked to %s", i, r, e.Err, i+1, prev)
		}
		prev = r.Hash
	}
	d, err := buses[1].PublishDigest(ctx, "2026-11-27", time.Now())
	if err != nil || d.Index != 60 || d.Hash != prev {
		t.Errorf("digest %+v, %v; want the head #60 %s", d, err, prev)
	}
	again, _ := buses[2].PublishDigest(ctx, "2026-11-27", time.Now())
	if ds, _ := buses[0].ReadDigests(ctx); len(ds) != 1 || again.Hash != d.Hash {
		t.Errorf("the same day's digest twice: %d kept, want 1", len(ds))
	}
}
