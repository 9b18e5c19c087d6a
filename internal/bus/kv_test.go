package bus_test

import (
	"testing"

	"github.com/nats-io/nats.go"

	"github.com/dossier/dossier/internal/bus"
	"github.com/dossier/dossier/internal/contract"
)

// TestDraftsBucketIsOpenedOnce reads and writes the draft cache several
// times: the bucket's stream is asked for once, at the first use after it
// exists; a use before the bucket exists fails, and the next one, once
// it does, opens it.
func TestDraftsBucketIsOpenedOnce(t *testing.T) {
	url, b, ctx := dialTest(t)
	infos := countRequests(t, url, "$JS.API.STREAM.INFO.KV_"+bus.DraftsBucket)
	drafts := b.Drafts()
	if _, _, err := drafts.Get(ctx, "case-1.v1"); err == nil {
		t.Fatal("Get before the bucket exists: no error")
	}
	if err := b.Ensure(ctx); err != nil {
		t.Fatal(err)
	}
	before := infos()
	draft := contract.Draft{Version: 1, Body: "Madame, Monsieur,", Drafter: "llm"}
	if _, err := drafts.Put(ctx, "case-1.v1", draft); err != nil {
		t.Fatal(err)
	}
	for range 3 {
		if got, found, err := drafts.Get(ctx, "case-1.v1"); err != nil || !found || got.Body != draft.Body {
			t.Fatalf("Get = %+v, %v, %v", got, found, err)
		}
	}
	if _, _, err := drafts.Get(ctx, "case-2.v1"); err != nil {
		t.Fatal(err)
	}
	if n := infos() - before; n != 1 {
		t.Errorf("the bucket's stream was asked for %d times over five uses, want once", n)
	}
}

// countRequests returns how many messages were published on subject so
// far, as another client sees them.
func countRequests(t *testing.T, url, subject string) func() int {
	t.Helper()
	nc, err := nats.Connect(url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(nc.Close)
	sub, err := nc.SubscribeSync(subject)
	if err != nil {
		t.Fatal(err)
	}
	if err := nc.Flush(); err != nil {
		t.Fatal(err)
	}
	return func() int {
		if err := nc.Flush(); err != nil { // the server sent what it had before the pong
			t.Fatal(err)
		}
		n, _, err := sub.Pending()
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
}
