package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"text/tabwriter"

	"github.com/dossier/dossier/internal/bridge"
	"github.com/dossier/dossier/internal/bus"
)

// dlqCmd lets an operator inspect and resubmit the submissions that could
// not become cases.
type dlqCmd struct {
	List   dlqListCmd   `cmd:"" help:"List the dead letters with their reason and field errors."`
	Replay dlqReplayCmd `cmd:"" help:"Publish a dead letter again on the subject it came on, as it was or fixed, under its first idempotency key."`
}

type dlqNATS struct {
	NATS string `name:"nats" help:"NATS server URL." default:"nats://127.0.0.1:4222" env:"DOSSIER_NATS_URL"`
}

type dlqListCmd struct {
	dlqNATS
	JSON bool `help:"Print JSON."`
}

func (c *dlqListCmd) Run(ctx context.Context, out io.Writer) error {
	b, err := bus.Dial(c.NATS, "dossier-dlq", bus.AuthFromEnv())
	if err != nil {
		return err
	}
	defer b.Close()
	letters, err := bridge.ListDeadLetters(ctx, b.JS)
	if err != nil {
		return err
	}
	if c.JSON {
		enc := json.NewEncoder(out)
		enc.SetIndent("", "  ")
		return enc.Encode(letters)
	}
	w := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "SEQ\tRECEIVED\tKEY\tREASON")
	for _, d := range letters {
		fmt.Fprintf(w, "%d\t%s\t%s\t%s\n", d.Seq, d.At.Format("2006-01-02 15:04:05"), d.IdempotencyKey, d.Reason)
	}
	return w.Flush()
}

type dlqReplayCmd struct {
	dlqNATS
	Seq     uint64 `arg:"" help:"Sequence of the dead letter (see dlq list)."`
	Payload string `help:"File holding the fixed submission (JSON); the original one when empty." type:"existingfile"`
}

func (c *dlqReplayCmd) Run(ctx context.Context, out io.Writer) error {
	var payload []byte
	if c.Payload != "" {
		raw, err := os.ReadFile(c.Payload)
		if err != nil {
			return err
		}
		payload = raw
	}
	b, err := bus.Dial(c.NATS, "dossier-dlq", bus.AuthFromEnv())
	if err != nil {
		return err
	}
	defer b.Close()
	if err := bridge.ReplayDeadLetter(ctx, b.JS, c.Seq, payload); err != nil {
		return err
	}
	fmt.Fprintf(out, "dead letter %d submitted again; it is checked like any submission (see dlq list if it comes back)\n", c.Seq)
	return nil
}
