package bridge

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/dossier/dossier/internal/bus"
	"github.com/dossier/dossier/internal/contract"
)

// Completer turns the legacy systems' answers to delegated tasks (print
// jobs, visas, filings) into the completion of the activities waiting for
// them, and their heartbeats into signs of life of those activities.
type Completer struct {
	Bus      *bus.Bus
	Temporal client.Client
	ccs      []jetstream.ConsumeContext
}

// Start consumes dossier.tasks.*.done and dossier.tasks.*.heartbeat durably.
func (c *Completer) Start(ctx context.Context) error {
	for _, s := range []struct {
		durable, filter string
		handle          jetstream.MessageHandler
	}{
		{"dossier-task-completer", "dossier.tasks.*.done", c.complete},
		{"dossier-task-heartbeats", "dossier.tasks.*.heartbeat", c.heartbeat},
	} {
		cons, err := c.Bus.JS.CreateOrUpdateConsumer(ctx, bus.StreamTasks, jetstream.ConsumerConfig{
			Durable: s.durable, AckPolicy: jetstream.AckExplicitPolicy, FilterSubject: s.filter,
			AckWait: 30 * time.Second, MaxDeliver: 20,
		})
		if err != nil {
			return fmt.Errorf("completer: consumer %s: %w", s.durable, err)
		}
		cc, err := cons.Consume(s.handle)
		if err != nil {
			return fmt.Errorf("completer: consume %s: %w", s.durable, err)
		}
		c.ccs = append(c.ccs, cc)
	}
	return nil
}

// Stop stops consuming.
func (c *Completer) Stop() {
	for _, cc := range c.ccs {
		cc.Stop()
	}
}

// complete completes the activity an answer names: with the answer when
// its status is "done" ("posted" for print jobs), as failed otherwise.
func (c *Completer) complete(msg jetstream.Msg) {
	var answer contract.TaskAnswer
	token, err := decodeToken(msg.Data(), &answer, func() string { return answer.Token })
	if err != nil {
		_ = msg.Term() // an answer that can never complete anything
		return
	}
	var failure error
	if answer.Status != "done" && answer.Status != "posted" {
		system := strings.TrimSuffix(strings.TrimPrefix(msg.Subject(), "dossier.tasks."), ".done")
		failure = temporal.NewApplicationError(system+" system: "+answer.Status+": "+answer.Error, "TaskFailed")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c.settle(msg, c.Temporal.CompleteActivity(ctx, token, answer, failure))
}

// heartbeat records a sign of life of the activity a heartbeat names.
func (c *Completer) heartbeat(msg jetstream.Msg) {
	var hb contract.TaskHeartbeat
	token, err := decodeToken(msg.Data(), &hb, func() string { return hb.Token })
	if err != nil {
		_ = msg.Term()
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c.settle(msg, c.Temporal.RecordActivityHeartbeat(ctx, token, hb.Progress))
}

// settle acknowledges a message Temporal took, or whose activity no longer
// waits (it timed out, or its case was cancelled), and retries it later
// when Temporal could not be reached.
func (c *Completer) settle(msg jetstream.Msg, err error) {
	var notFound *serviceerror.NotFound
	if err != nil && !errors.As(err, &notFound) {
		_ = msg.NakWithDelay(5 * time.Second)
		return
	}
	_ = msg.Ack()
}

// decodeToken decodes a JSON answer or heartbeat into v and returns the
// task token that token reads from it, base64-decoded.
func decodeToken(raw []byte, v any, token func() string) ([]byte, error) {
	if err := json.Unmarshal(raw, v); err != nil {
		return nil, err
	}
	t, err := base64.StdEncoding.DecodeString(token())
	if err == nil && len(t) == 0 {
		err = errors.New("empty task token")
	}
	return t, err
}
