package bridge

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/dossier/dossier/internal/bus"
	"github.com/dossier/dossier/internal/contract"
)

// Completer turns the legacy systems' answers to delegated tasks (print
// jobs) into the completion of the activities waiting for them.
type Completer struct {
	Bus      *bus.Bus
	Temporal client.Client
	cc       jetstream.ConsumeContext
}

// Start consumes dossier.tasks.*.done durably.
func (c *Completer) Start(ctx context.Context) error {
	cons, err := c.Bus.JS.CreateOrUpdateConsumer(ctx, bus.StreamTasks, jetstream.ConsumerConfig{
		Durable: "dossier-task-completer", AckPolicy: jetstream.AckExplicitPolicy, FilterSubject: "dossier.tasks.*.done",
		AckWait: 30 * time.Second, MaxDeliver: 20,
	})
	if err != nil {
		return fmt.Errorf("completer: consumer: %w", err)
	}
	c.cc, err = cons.Consume(c.handle)
	return err
}

// Stop stops consuming.
func (c *Completer) Stop() {
	if c.cc != nil {
		c.cc.Stop()
	}
}

func (c *Completer) handle(msg jetstream.Msg) {
	var res contract.PrintResult
	token, err := decodeAnswer(msg.Data(), &res)
	if err != nil {
		_ = msg.Term() // an answer that can never complete anything
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var failure error
	if res.Status != "posted" {
		failure = temporal.NewApplicationError("print system: "+res.Status+": "+res.Error, "PrintFailed")
	}
	err = c.Temporal.CompleteActivity(ctx, token, res, failure)
	var notFound *serviceerror.NotFound
	if err != nil && !errors.As(err, &notFound) {
		_ = msg.NakWithDelay(5 * time.Second)
		return
	}
	_ = msg.Ack() // completed, or no longer waited for (timed out)
}

func decodeAnswer(raw []byte, res *contract.PrintResult) ([]byte, error) {
	if err := json.Unmarshal(raw, res); err != nil {
		return nil, err
	}
	return base64.StdEncoding.DecodeString(res.Token)
}
