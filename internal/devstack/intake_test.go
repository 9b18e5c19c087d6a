package devstack_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"go.temporal.io/api/workflowservice/v1"

	"github.com/dossier/dossier/config"
	dossierapp "github.com/dossier/dossier/internal/app"
	"github.com/dossier/dossier/internal/bridge"
	"github.com/dossier/dossier/internal/bus"
	"github.com/dossier/dossier/internal/cases"
	"github.com/dossier/dossier/internal/contract"
	"github.com/dossier/dossier/internal/devstack"
	"github.com/dossier/dossier/internal/intake"
)

// TestIntakeRepeatsOpenOneCase publishes one submission five times under
// one Nats-Msg-Id, and another five times under one idempotency key in the
// payload and no header. The repeats come once the case exists, and the
// intake stream's duplicate window is cut to 200 ms so that JetStream
// stores every repeat and the bridge handles each: the case id derived from
// the key alone keeps one case, one workflow and one submitted event.
// (JetStream dropping a repeat inside its window is what
// TestNATSSubmissionToSentLetter shows.)
func TestIntakeRepeatsOpenOneCase(t *testing.T) {
	app := start(t, t.TempDir(), devstack.Options{NoUI: true, NoDemo: true})
	dominique := client(t, app, "dev-dominique")
	js := integrator(t, app)
	shortenDuplicateWindow(t, app, 200*time.Millisecond)

	raw, _ := json.Marshal(submission("Inès Haddad"))
	keyed := submission("Inès Haddad")
	keyed.IdempotencyKey = "as400-2026-0042"
	rawKeyed, _ := json.Marshal(keyed)
	byHeader := intake.CaseID("nats", bridge.Submitter.ID, "mairie-2026-000777")
	byPayload := intake.CaseID("nats", bridge.Submitter.ID, "as400-2026-0042")
	tests := []struct {
		msgID, id string
		data      []byte
	}{{"mairie-2026-000777", byHeader, raw}, {"", byPayload, rawKeyed}}
	for _, tt := range tests {
		for range 5 {
			publishNew(t, js, tt.msgID, tt.data)
			dominique.waitStage(tt.id, contract.StageAwaitingApproval)
			waitIntakeDone(t, app)
		}
	}

	info := waitIntakeDone(t, app)
	if info.AckFloor.Stream != 10 || info.Delivered.Stream != 10 {
		t.Fatalf("bridge acknowledged up to stream seq %d (delivered %d), want the 10 publishes", info.AckFloor.Stream, info.Delivered.Stream)
	}
	eventually(t, "one case per key", func() error {
		l := dominique.list("")
		if len(l.Cases) != 2 || count(l, byHeader) != 1 || count(l, byPayload) != 1 {
			return fmt.Errorf("cases listed %+v, want %s and %s once each", l.Cases, byHeader, byPayload)
		}
		return oneRun(app, byHeader, byPayload)
	})
	submitted := eventsOfType(t, app, contract.EventSubmitted)
	if submitted[byHeader] != 1 || submitted[byPayload] != 1 || len(submitted) != 2 {
		t.Errorf("submitted events by case: %v, want one for each of the two cases", submitted)
	}
}

// TestIntakeSurvivesNATSRestart stops the embedded nats-server while the
// bridge works through a batch of 12 submissions, publishes 8 more while it
// is down (the integrator retries with the same Nats-Msg-Id until it gets a
// PubAck, as the contract asks), and starts it again on the same port and
// store. Each of the 20 accepted submissions becomes exactly one case.
// The submissions in flight when NATS stops are delivered again once the
// bridge's ack wait is over: 2 s here rather than 30 s.
func TestIntakeSurvivesNATSRestart(t *testing.T) {
	app := start(t, t.TempDir(), devstack.Options{NoUI: true, NoDemo: true, IntakeAckWait: 2 * time.Second})
	dominique := client(t, app, "dev-dominique")
	js := integrator(t, app)
	var ids []string
	publish := func(i int) {
		key := fmt.Sprintf("batch-2026-%02d", i)
		raw, _ := json.Marshal(submission(fmt.Sprintf("Usager %02d", i)))
		publishAcked(t, js, key, raw)
		ids = append(ids, intake.CaseID("nats", bridge.Submitter.ID, key))
	}
	for i := range 12 {
		publish(i)
	}
	var before *jetstream.ConsumerInfo
	within(t, 10*time.Second, "the bridge to start on the batch", func() (err error) {
		if before, err = intakeState(app); err == nil && before.AckFloor.Stream == 0 {
			err = errors.New("nothing acknowledged yet")
		}
		return err
	})
	if left := before.NumPending + uint64(before.NumAckPending); left == 0 {
		t.Fatal("the bridge took the whole batch before NATS stopped: nothing was in flight")
	}
	t.Logf("NATS stops with %d of 12 submissions acknowledged", before.AckFloor.Stream)
	app.StopNATS()
	restarted := make(chan error, 1)
	go func() { time.Sleep(500 * time.Millisecond); restarted <- app.StartNATS() }()
	for i := 12; i < 20; i++ {
		publish(i) // the first ones wait for NATS to come back
	}
	if err := <-restarted; err != nil {
		t.Fatal(err)
	}

	within(t, time.Minute, "every accepted submission taken", func() error {
		info, err := intakeState(app)
		if err == nil && (info.NumPending > 0 || info.NumAckPending > 0 || info.AckFloor.Stream != 20) {
			err = fmt.Errorf("%d not delivered, %d not acknowledged, ack floor %d", info.NumPending, info.NumAckPending, info.AckFloor.Stream)
		}
		return err
	})
	within(t, 30*time.Second, "one case per accepted submission", func() error {
		l := dominique.list("?page_size=200")
		for _, id := range ids {
			if n := count(l, id); n != 1 {
				return fmt.Errorf("case %s listed %d times", id, n)
			}
		}
		if len(l.Cases) != len(ids) {
			return fmt.Errorf("%d cases listed, want %d", len(l.Cases), len(ids))
		}
		return oneRun(app, ids...)
	})
}

// TestIntakeRedeliveryOpensOneCase: a bridge starts a case and dies before
// acknowledging the message. The test plays that bridge: it stops the
// stack's bridge, takes the submission from the durable consumer on its own
// connection, starts the case through cases.Service.Submit as the bridge
// does, and closes the connection without acknowledging. The stack's
// bridge, started again, is handed the message again (after the
// consumer's first back-off, 1 s) and acknowledges it without a second case.
func TestIntakeRedeliveryOpensOneCase(t *testing.T) {
	app := start(t, t.TempDir(), devstack.Options{NoUI: true, NoDemo: true, IntakeAckWait: 2 * time.Second})
	dominique := client(t, app, "dev-dominique")
	ctx := context.Background()
	app.StopBridge()
	raw, _ := json.Marshal(submission("Bruno Keller"))
	publishSubmission(t, app, "crm-2026-0900", raw)
	id := intake.CaseID("nats", bridge.Submitter.ID, "crm-2026-0900")

	crashed := connect(t, app)
	js, _ := jetstream.New(crashed)
	cons, err := js.Consumer(ctx, bus.StreamIntake, bridge.Consumer)
	if err != nil {
		t.Fatal(err)
	}
	msg, err := cons.Next(jetstream.FetchMaxWait(10 * time.Second))
	if err != nil {
		t.Fatalf("the submission was not delivered: %v", err)
	}
	first, _ := msg.Metadata()
	startCase(t, app, msg)
	crashed.Close()

	if err := app.StartBridge(ctx); err != nil {
		t.Fatal(err)
	}
	info := waitIntakeDone(t, app)
	if info.Delivered.Consumer <= first.Sequence.Consumer || info.AckFloor.Stream != first.Sequence.Stream {
		t.Errorf("consumer delivered %d times and acknowledged up to stream seq %d; want message %d delivered again after delivery %d and acknowledged",
			info.Delivered.Consumer, info.AckFloor.Stream, first.Sequence.Stream, first.Sequence.Consumer)
	}
	dominique.waitStage(id, contract.StageAwaitingApproval)
	eventually(t, "one case", func() error {
		if err := wantCount(dominique.list(""), 1); err != nil {
			return err
		}
		return oneRun(app, id)
	})
	if got := eventsOfType(t, app, contract.EventSubmitted); got[id] != 1 || len(got) != 1 {
		t.Errorf("submitted events by case: %v, want one for %s", got, id)
	}
}

// startCase does what the bridge does with a submission, without the
// acknowledgement.
func startCase(t *testing.T, app *devstack.App, msg jetstream.Msg) {
	t.Helper()
	sub, err := intake.Decode(msg.Data())
	if err != nil {
		t.Fatal(err)
	}
	deps, err := dossierapp.NewDeps(app.Client(), app.Bus(), config.Dev(), slog.Default())
	if err != nil {
		t.Fatal(err)
	}
	key := msg.Headers().Get(jetstream.MsgIDHeader)
	_, created, err := deps.Cases().Submit(context.Background(), cases.Submission{Body: sub, By: bridge.Submitter, Channel: "nats", Key: key})
	if err != nil || !created {
		t.Fatalf("start case: created=%v, %v", created, err)
	}
}

// TestEventsConsumerCatchesUp: an integrator's durable consumer on
// DOSSIER_EVENTS reads a case's first events and goes down; meanwhile the
// case is approved and completes. Back up, the consumer gets every event it
// missed, once each, in order, with stream and consumer sequences that go
// on from the last one it acknowledged, and nothing after.
func TestEventsConsumerCatchesUp(t *testing.T) {
	app := start(t, t.TempDir(), devstack.Options{NoUI: true, NoDemo: true})
	camille := client(t, app, "dev-camille")
	var created struct{ ID string }
	camille.as("dev-legacy").want(http.StatusCreated, "POST", "/api/v1/cases", submission("Aïcha Benali"), &created)
	id := created.ID
	camille.waitStage(id, contract.StageAwaitingApproval)

	ctx := context.Background()
	js, _ := jetstream.New(connect(t, app))
	cons, err := js.CreateConsumer(ctx, bus.StreamEvents, jetstream.ConsumerConfig{Durable: "crm-sync", AckPolicy: jetstream.AckExplicitPolicy})
	if err != nil {
		t.Fatal(err)
	}
	got := readEvents(t, cons, contract.EventDrafted)
	js.Conn().Close()

	camille.want(http.StatusOK, "POST", "/api/v1/cases/"+id+"/review", map[string]any{"decision": "approve", "version": 1}, nil)
	camille.waitStage(id, contract.StageCompleted)
	js, _ = jetstream.New(connect(t, app))
	if cons, err = js.Consumer(ctx, bus.StreamEvents, "crm-sync"); err != nil {
		t.Fatal(err)
	}
	got = append(got, readEvents(t, cons, contract.EventCompleted)...)
	if extra, err := cons.Next(jetstream.FetchMaxWait(time.Second)); err == nil {
		t.Errorf("an event after completed, on %s", extra.Subject())
	}

	want := []string{"submitted", "drafted", "approved", "rendered", "notified", "completed"}
	if len(got) != len(want) {
		t.Fatalf("consumer got %+v, want %v", got, want)
	}
	for i, e := range got {
		n := uint64(i + 1)
		if e.typ != want[i] || e.caseID != id || e.meta.Sequence.Stream != n || e.meta.Sequence.Consumer != n || e.meta.NumDelivered != 1 {
			t.Errorf("event %d: %s of %s, stream seq %d, consumer seq %d, delivered %d times; want %s of %s at %d, once",
				i, e.typ, e.caseID, e.meta.Sequence.Stream, e.meta.Sequence.Consumer, e.meta.NumDelivered, want[i], id, n)
		}
	}
}

type consumed struct {
	typ, caseID string
	meta        *jetstream.MsgMetadata
}

// readEvents reads and acknowledges events until one of type last.
func readEvents(t *testing.T, cons jetstream.Consumer, last string) []consumed {
	t.Helper()
	var out []consumed
	for {
		msg, err := cons.Next(jetstream.FetchMaxWait(30 * time.Second))
		if err != nil {
			t.Fatalf("no %s event after %+v: %v", last, out, err)
		}
		var env contract.Envelope
		if err := json.Unmarshal(msg.Data(), &env); err != nil {
			t.Fatal(err)
		}
		meta, _ := msg.Metadata()
		out = append(out, consumed{env.Data.Type, env.Subject, meta})
		if err := msg.DoubleAck(context.Background()); err != nil {
			t.Fatal(err)
		}
		if env.Data.Type == last {
			return out
		}
	}
}

// integrator is a JetStream client of the stack's NATS on a connection of
// its own, as a system submitting cases has.
func integrator(t *testing.T, app *devstack.App) jetstream.JetStream {
	t.Helper()
	js, err := jetstream.New(connect(t, app))
	if err != nil {
		t.Fatal(err)
	}
	return js
}

// connect opens a connection to the stack's NATS that reconnects forever.
func connect(t *testing.T, app *devstack.App) *nats.Conn {
	t.Helper()
	nc, err := nats.Connect(app.NATSURL, nats.MaxReconnects(-1), nats.ReconnectWait(50*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(nc.Close)
	return nc
}

func shortenDuplicateWindow(t *testing.T, app *devstack.App, window time.Duration) {
	t.Helper()
	ctx := context.Background()
	stream, err := app.Bus().JS.Stream(ctx, bus.StreamIntake)
	if err != nil {
		t.Fatal(err)
	}
	cfg := stream.CachedInfo().Config
	cfg.Duplicates = window
	if _, err := app.Bus().JS.UpdateStream(ctx, cfg); err != nil {
		t.Fatal(err)
	}
}

// publishAcked publishes a submission until JetStream acknowledges it,
// as an integrator retrying under the same Nats-Msg-Id does.
func publishAcked(t *testing.T, js jetstream.JetStream, msgID string, data []byte) *jetstream.PubAck {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		msg := nats.NewMsg(bus.SubjectSubmit)
		msg.Data = data
		if msgID != "" {
			msg.Header.Set(jetstream.MsgIDHeader, msgID)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		ack, err := js.PublishMsg(ctx, msg)
		cancel()
		if err == nil {
			return ack
		}
		if time.Now().After(deadline) {
			t.Fatalf("publish %s: %v", msgID, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// publishNew publishes a submission until JetStream stores it as a new
// message rather than drop it as a duplicate within its window.
func publishNew(t *testing.T, js jetstream.JetStream, msgID string, data []byte) {
	t.Helper()
	for range 20 {
		if ack := publishAcked(t, js, msgID, data); !ack.Duplicate {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("JetStream still drops %s as a duplicate", msgID)
}

// intakeState is the state of the bridge's durable consumer.
func intakeState(app *devstack.App) (*jetstream.ConsumerInfo, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	cons, err := app.Bus().JS.Consumer(ctx, bus.StreamIntake, bridge.Consumer)
	if err != nil {
		return nil, err
	}
	return cons.Info(ctx)
}

// waitIntakeDone waits until the bridge has acknowledged (or dead-lettered)
// every submission stored.
func waitIntakeDone(t *testing.T, app *devstack.App) *jetstream.ConsumerInfo {
	t.Helper()
	var info *jetstream.ConsumerInfo
	within(t, 30*time.Second, "bridge done", func() (err error) {
		info, err = intakeState(app)
		if err == nil && (info.NumPending > 0 || info.NumAckPending > 0) {
			err = fmt.Errorf("%d submissions not delivered, %d not acknowledged", info.NumPending, info.NumAckPending)
		}
		return err
	})
	return info
}

// within retries check until it passes or d is over.
func within(t *testing.T, d time.Duration, what string, check func() error) {
	t.Helper()
	deadline := time.Now().Add(d)
	for {
		err := check()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: %v", what, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// oneRun checks that Temporal knows one workflow execution, open or
// closed, for each case id.
func oneRun(app *devstack.App, ids ...string) error {
	for _, id := range ids {
		resp, err := app.Client().ListWorkflow(context.Background(), &workflowservice.ListWorkflowExecutionsRequest{
			Query: fmt.Sprintf("WorkflowId = '%s'", id)})
		if err != nil {
			return err
		}
		if n := len(resp.Executions); n != 1 {
			return fmt.Errorf("case %s has %d workflow executions, want 1", id, n)
		}
	}
	return nil
}

// eventsOfType counts, by case, the events of type typ kept on DOSSIER_EVENTS.
func eventsOfType(t *testing.T, app *devstack.App, typ string) map[string]int {
	t.Helper()
	ctx := context.Background()
	stream, err := app.Bus().JS.Stream(ctx, bus.StreamEvents)
	if err != nil {
		t.Fatal(err)
	}
	info, err := stream.Info(ctx)
	if err != nil {
		t.Fatal(err)
	}
	counts := map[string]int{}
	for seq := info.State.FirstSeq; seq <= info.State.LastSeq && info.State.Msgs > 0; seq++ {
		msg, err := stream.GetMsg(ctx, seq)
		if err != nil {
			t.Fatalf("event %d: %v", seq, err)
		}
		var env contract.Envelope
		if err := json.Unmarshal(msg.Data, &env); err != nil {
			t.Fatalf("event %d: %v", seq, err)
		}
		if env.Data.Type == typ {
			counts[env.Subject]++
		}
	}
	return counts
}
