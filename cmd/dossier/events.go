package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/alecthomas/kong"

	"github.com/dossier/dossier/internal/bus"
	"github.com/dossier/dossier/internal/contract"
)

// eventsCmd lets an operator or an integrator watch the stage events.
type eventsCmd struct {
	Tail eventsTailCmd `cmd:"" help:"Print the stage events as they are published, or from a time or a stream sequence."`
}

type eventsTailCmd struct {
	dlqNATS
	Case  string    `help:"Only the events of this case." placeholder:"ID"`
	Since sinceFlag `help:"Start from a time: a duration ago (30m, 2h) or an RFC 3339 time." placeholder:"DURATION|TIME" xor:"from"`
	Seq   uint64    `help:"Start from this sequence of the DOSSIER_EVENTS stream." placeholder:"N" xor:"from"`
	JSON  bool      `help:"Print each event's CloudEvents envelope as one line of JSON."`
}

// Run prints events until ctx ends (Ctrl-C, SIGTERM), then returns nil.
func (c *eventsTailCmd) Run(ctx context.Context, out io.Writer) error {
	b, err := bus.Dial(c.NATS, "dossier-events-tail", bus.AuthFromEnv())
	if err != nil {
		return err
	}
	defer b.Close()
	tail, err := bus.TailEvents(ctx, b.JS, bus.Tail{Seq: c.Seq, Since: c.Since.Time, CaseID: c.Case})
	if err != nil {
		return err
	}
	defer tail.Stop()
	fmt.Fprintf(os.Stderr, "Following %s %s (Ctrl-C to stop).\n", bus.SubjectEvents, c.from())
	for {
		e, err := tail.Next(ctx)
		if ctx.Err() != nil {
			return nil
		}
		if err != nil {
			return err
		}
		if e.Err != nil {
			fmt.Fprintf(os.Stderr, "dossier: stream message %d skipped: %v\n", e.Seq, e.Err)
			continue
		}
		if err := c.print(out, e); err != nil {
			return err
		}
	}
}

func (c *eventsTailCmd) from() string {
	switch {
	case c.Seq > 0:
		return fmt.Sprintf("from sequence %d", c.Seq)
	case !c.Since.IsZero():
		return "since " + c.Since.Format(time.RFC3339)
	}
	return "from now"
}

func (c *eventsTailCmd) print(out io.Writer, e bus.StageEvent) error {
	if c.JSON {
		var line bytes.Buffer
		if err := json.Compact(&line, e.Raw); err != nil {
			return err
		}
		line.WriteByte('\n')
		_, err := out.Write(line.Bytes())
		return err
	}
	_, err := fmt.Fprintln(out, eventLine(e.Envelope.Data))
	return err
}

// eventLine is an event on one line: time, case, type, stage and actor,
// then the draft version and the reason when the event has them.
func eventLine(e contract.Event) string {
	actor := e.Actor
	if actor == "" {
		actor = "-"
	}
	line := fmt.Sprintf("%s  %s  %-19s  %-17s  %s", e.Time.Local().Format("2006-01-02 15:04:05"), e.CaseID, e.Type, e.Stage, actor)
	if e.Version > 0 {
		line += fmt.Sprintf("  v%d", e.Version)
	}
	if e.Reason != "" {
		line += fmt.Sprintf("  reason=%q", e.Reason)
	}
	return line
}

// sinceFlag is a time given as a duration ago (30m), a date (local
// midnight) or in RFC 3339.
type sinceFlag struct{ time.Time }

// Decode reads the flag's value; a bad one is a usage error.
func (s *sinceFlag) Decode(ctx *kong.DecodeContext) error {
	var v string
	if err := ctx.Scan.PopValueInto("since", &v); err != nil {
		return err
	}
	if d, err := time.ParseDuration(v); err == nil && d > 0 {
		s.Time = time.Now().Add(-d)
		return nil
	}
	if d, err := time.ParseInLocation(time.DateOnly, v, time.Local); err == nil {
		s.Time = d
		return nil
	}
	t, err := time.Parse(time.RFC3339, v)
	if err != nil {
		return fmt.Errorf("want a duration ago such as 30m or 2h, a date such as 2026-11-20, or a time such as 2026-11-20T09:00:00+01:00; got %q", v)
	}
	s.Time = t
	return nil
}
