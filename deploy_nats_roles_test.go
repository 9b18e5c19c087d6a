package dossier_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"log/slog"
	"slices"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"go.temporal.io/sdk/client"

	"github.com/dossier/dossier/activities"
	"github.com/dossier/dossier/internal/bridge"
	"github.com/dossier/dossier/internal/bus"
	"github.com/dossier/dossier/internal/cases"
	"github.com/dossier/dossier/internal/contract"
	"github.com/dossier/dossier/internal/legacysim"
	"github.com/dossier/dossier/internal/verification"
)

// TestNATSRolesDoTheirPart plays a case's traffic through the permissions:
// the legacy systems submit and answer, the worker publishes, stores and
// asks, the bridge consumes and dead-letters, the API reads.
func TestNATSRolesDoTheirPart(t *testing.T) {
	d := startNATSDeployment(t)
	legacy, legacyJS, legacyRefusals := d.legacy(t)
	sim, err := legacysim.Start(legacy, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer sim.Stop()
	t.Run("worker asks a legacy system", func(t *testing.T) {
		raw, err := d.worker.Request(ctx(t), "legacy.rna.association", []byte(`{"key":"W491012345"}`))
		if err != nil || !bytes.Contains(raw, []byte(`"found":true`)) {
			t.Fatalf("legacy.rna.association: %s, %v", raw, err)
		}
	})
	t.Run("worker publishes stage events the legacy systems follow", func(t *testing.T) {
		testEventsFollowed(t, d, legacy, legacyJS)
	})
	t.Run("worker stores letters and records the API reads", func(t *testing.T) {
		testLettersStored(t, d)
	})
	t.Run("bridge dead-letters submissions the legacy systems read", func(t *testing.T) {
		testDeadLetters(t, d, legacy, legacyJS)
	})
	t.Run("legacy print system answers the worker's print job to the bridge", func(t *testing.T) {
		testPrintJob(t, d)
	})
	for nc, r := range d.refusals {
		_ = nc.Flush()
		r.none(t, nc.Opts.Name)
	}
	_ = legacy.Flush()
	legacyRefusals.none(t, "legacy")
}

func testEventsFollowed(t *testing.T, d *natsDeployment, legacy *nats.Conn, js jetstream.JetStream) {
	core, err := legacy.SubscribeSync("dossier.events.>")
	if err != nil {
		t.Fatal(err)
	}
	if err := legacy.Flush(); err != nil {
		t.Fatal(err)
	}
	worker := &activities.Activities{Events: d.worker, Audit: d.worker}
	e := contract.Event{Type: contract.EventSubmitted, CaseID: "case-1", Time: time.Now()}
	if _, err := worker.PublishEvent(ctx(t), e); err != nil {
		t.Fatalf("publish event and chain it: %v", err)
	}
	if _, err := d.worker.PublishDigest(ctx(t), "2026-11-27", time.Now()); err != nil {
		t.Errorf("worker publishes the audit digest: %v", err)
	}
	if m, err := core.NextMsg(5 * time.Second); err != nil || m.Subject != "dossier.events.submitted" {
		t.Errorf("core subscription: %v, %v", m, err)
	}
	durable, err := js.CreateOrUpdateConsumer(ctx(t), bus.StreamEvents, jetstream.ConsumerConfig{
		Durable: "crm", FilterSubject: bus.SubjectEvents, AckPolicy: jetstream.AckExplicitPolicy})
	if err != nil {
		t.Fatalf("durable consumer: %v", err)
	}
	batch, err := durable.Fetch(1, jetstream.FetchMaxWait(5*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	for m := range batch.Messages() {
		if err := m.DoubleAck(ctx(t)); err != nil {
			t.Errorf("ack: %v", err)
		}
	}
	if batch.Error() != nil {
		t.Errorf("durable consumer: %v", batch.Error())
	}
	ordered, err := js.OrderedConsumer(ctx(t), bus.StreamEvents, jetstream.OrderedConsumerConfig{FilterSubjects: []string{bus.SubjectEvents}})
	if err != nil {
		t.Fatalf("ordered consumer: %v", err)
	}
	if m, err := ordered.Next(jetstream.FetchMaxWait(5 * time.Second)); err != nil || m.Subject() != "dossier.events.submitted" {
		t.Errorf("ordered consumer: %v", err)
	}
	// Integrators on the older nats.go API: a push consumer found by subject.
	old, err := legacy.JetStream()
	if err != nil {
		t.Fatal(err)
	}
	push, err := old.SubscribeSync(bus.SubjectEvents, nats.OrderedConsumer())
	if err != nil {
		t.Fatalf("push consumer: %v", err)
	}
	defer push.Unsubscribe()
	if m, err := push.NextMsg(5 * time.Second); err != nil || m.Subject != "dossier.events.submitted" {
		t.Errorf("push consumer: %v", err)
	}
}

func testLettersStored(t *testing.T, d *natsDeployment) {
	// The second version is large enough for the readers' flow control.
	letter, replaced := []byte("%PDF-1.7 version 1"), bytes.Repeat([]byte("%PDF-1.7 version 2 "), 300_000)
	for _, data := range [][]byte{letter, letter, replaced} { // stored, unchanged, replaced
		if err := d.worker.Documents().Put(ctx(t), "case-1/letter.pdf", data); err != nil {
			t.Fatalf("worker stores the letter: %v", err)
		}
	}
	for _, reader := range []*bus.Bus{d.worker, d.api} { // the worker attaches it to the email
		if got, err := reader.Documents().Get(ctx(t), "case-1/letter.pdf"); err != nil || !bytes.Equal(got, replaced) {
			t.Errorf("%s reads the letter: %d bytes, %v", reader.Conn.Opts.Name, len(got), err)
		}
	}
	draft := contract.Draft{Body: "Madame,"}
	if _, err := d.worker.Drafts().Put(ctx(t), "case-1.1", draft); err != nil {
		t.Errorf("worker keeps a draft: %v", err)
	}
	if _, found, err := d.worker.Drafts().Get(ctx(t), "case-1.1"); !found || err != nil {
		t.Errorf("worker reads a draft: %v, %v", found, err)
	}
	if err := d.worker.Sent().MarkSent(ctx(t), "<1@dossier>"); err != nil {
		t.Errorf("worker marks an email sent: %v", err)
	}
	if sent, err := d.worker.Sent().Sent(ctx(t), "<1@dossier>"); !sent || err != nil {
		t.Errorf("worker reads the sent ledger: %v, %v", sent, err)
	}
	if err := d.worker.Verifications().Put(ctx(t), verification.Record{Code: "ABCD-1234", Administration: "Ville de Montreuil-sur-Loire"}); err != nil {
		t.Errorf("worker keeps a verification record: %v", err)
	}
	if _, found, err := d.api.Verifications().Get(ctx(t), "ABCD-1234"); !found || err != nil {
		t.Errorf("api reads a verification record: %v, %v", found, err)
	}
	if err := d.api.Refused(ctx(t), cases.Refusal{CaseID: "case-1", Action: "review:approve"}); err != nil {
		t.Errorf("api keeps a refusal: %v", err)
	}
	if kept, err := d.api.RefusedOf(ctx(t), "case-1"); err != nil || len(kept) != 1 || kept[0].Action != "review:approve" {
		t.Errorf("api reads the refusals back for the auditors: %+v, %v", kept, err)
	}
	if err := d.api.Ready(ctx(t)); err != nil {
		t.Errorf("api readiness: %v", err)
	}
}

func testDeadLetters(t *testing.T, d *natsDeployment, legacy *nats.Conn, js jetstream.JetStream) {
	b := &bridge.Bridge{Bus: d.bridge, Logger: slog.New(slog.DiscardHandler)}
	if err := b.Start(ctx(t)); err != nil {
		t.Fatalf("bridge: %v", err)
	}
	defer b.Stop()
	if _, err := js.Publish(ctx(t), bus.SubjectSubmit, []byte("not a submission"), jetstream.WithMsgID("crm-1")); err != nil {
		t.Fatalf("legacy submits: %v", err)
	}
	if _, err := js.Publish(ctx(t), bus.SubjectCancel, []byte("not a cancellation")); err != nil {
		t.Fatalf("legacy cancels: %v", err)
	}
	if _, err := js.Publish(ctx(t), bus.SubjectDocumentsReceived, []byte(`{}`)); err != nil {
		t.Fatalf("legacy says documents arrived: %v", err)
	}
	letters := waitDeadLetters(t, js, 3)
	if len(letters) != 3 {
		t.Fatalf("legacy reads %d dead letters, want 3", len(letters))
	}
	dlq, err := js.OrderedConsumer(ctx(t), bus.StreamDeadLetter, jetstream.OrderedConsumerConfig{})
	if err != nil {
		t.Fatalf("legacy consumes the dead letters: %v", err)
	}
	if m, err := dlq.Next(jetstream.FetchMaxWait(5 * time.Second)); err != nil || m.Subject() != bus.SubjectDeadLetter {
		t.Errorf("legacy consumes the dead letters: %v", err)
	}
	// A cancellation is kept with the refusals (cases.Service.Cancel).
	if err := d.bridge.Refused(ctx(t), cases.Refusal{CaseID: "case-1", Action: "cancel"}); err != nil {
		t.Errorf("bridge keeps a cancellation: %v", err)
	}
	// The operators' dossier dlq runs with the bridge's credentials.
	if _, err := bridge.ListDeadLetters(ctx(t), d.bridge.JS); err != nil {
		t.Errorf("dlq list as dossier-bridge: %v", err)
	}
	// Each is replayed on the subject it came on, and refused again there:
	// a cancellation replayed as a submission would reach the case service.
	for _, l := range letters {
		if err := bridge.ReplayDeadLetter(ctx(t), d.bridge.JS, l.Seq, nil); err != nil {
			t.Errorf("dlq replay as dossier-bridge: %v", err)
		}
	}
	again := waitDeadLettersAfter(t, js, 3, letters[len(letters)-1].Seq)
	subjects := func(ls []bridge.DeadLetter) []string {
		var out []string
		for _, l := range ls {
			out = append(out, l.Subject)
		}
		slices.Sort(out)
		return out
	}
	if got, want := subjects(again), subjects(letters); !slices.Equal(got, want) {
		t.Errorf("replayed dead letters came back from %v, want %v", got, want)
	}
}

// waitDeadLettersAfter reads the dead letters kept after sequence seq as
// the legacy systems until there are n of them.
func waitDeadLettersAfter(t *testing.T, js jetstream.JetStream, n int, seq uint64) []bridge.DeadLetter {
	t.Helper()
	var after []bridge.DeadLetter
	for deadline := time.Now().Add(10 * time.Second); len(after) < n && time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		letters, err := bridge.ListDeadLetters(ctx(t), js)
		if err != nil {
			t.Fatalf("legacy reads the dead letters: %v", err)
		}
		after = slices.DeleteFunc(letters, func(l bridge.DeadLetter) bool { return l.Seq <= seq })
	}
	return after
}

// waitDeadLetters reads the dead letters as the legacy systems until there
// are n of them.
func waitDeadLetters(t *testing.T, js jetstream.JetStream, n int) []bridge.DeadLetter {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		letters, err := bridge.ListDeadLetters(ctx(t), js)
		if err != nil {
			t.Fatalf("legacy reads the dead letters: %v", err)
		}
		if len(letters) >= n || time.Now().After(deadline) {
			return letters
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func testPrintJob(t *testing.T, d *natsDeployment) {
	temporal := completions{tokens: make(chan []byte, 1)}
	done := &bridge.Completer{Bus: d.bridge, Temporal: temporal}
	if err := done.Start(ctx(t)); err != nil {
		t.Fatalf("completer: %v", err)
	}
	defer done.Stop()
	job, _ := json.Marshal(contract.PrintJob{Token: base64.StdEncoding.EncodeToString([]byte("task-token")), CaseID: "case-1",
		Document: contract.Document{Object: "case-1/letter.pdf", SHA256: "ab12"}})
	if err := d.worker.Publish(ctx(t), activities.SubjectPrint, "case-1.print", job); err != nil {
		t.Fatalf("worker publishes the print job: %v", err)
	}
	select {
	case token := <-temporal.tokens:
		if string(token) != "task-token" {
			t.Errorf("completed %q, want task-token", token)
		}
	case <-time.After(10 * time.Second):
		t.Error("the print job was not answered and completed")
	}
}

// completions stands for Temporal: it receives the task tokens of the
// activities the bridge completes.
type completions struct {
	client.Client
	tokens chan []byte
}

func (c completions) CompleteActivity(_ context.Context, token []byte, _ any, _ error) error {
	c.tokens <- token
	return nil
}
