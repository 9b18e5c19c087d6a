package legacysim

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/dossier/dossier/internal/contract"
)

// printDelay is how long the simulated print system takes to post a letter.
const printDelay = 300 * time.Millisecond

// startPrint makes the simulator the print system: it takes the print
// jobs on dossier.tasks.print and answers on dossier.tasks.print.done with
// a tracking number, unless the "print" system is down, in which case the
// jobs wait for it.
func (s *Sim) startPrint(nc *nats.Conn) (err error) {
	s.print, err = s.takeTasks(nc, "print", "dossier.tasks.print", s.printJob)
	return err
}

// send publishes a system's message about a task it took: a sign of
// life, or its answer (msgID, when given, deduplicates a repeated answer).
type send func(subject, msgID string, v any) error

// errBadTask is a task the system can never do.
var errBadTask = errors.New("legacysim: not a task")

// takeTasks consumes the delegated tasks on subject durably, as the legacy
// system that performs them: work does each with send; a task the system
// cannot read is dropped, one it could not answer is taken again a second
// later, and while the system is down its tasks wait.
func (s *Sim) takeTasks(nc *nats.Conn, system, subject string, work func(raw []byte, send send) error) (jetstream.ConsumeContext, error) {
	js, err := jetstream.New(nc)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	cons, err := js.CreateOrUpdateConsumer(ctx, "DOSSIER_TASKS", jetstream.ConsumerConfig{
		Durable: "legacy-" + system, FilterSubject: subject, AckPolicy: jetstream.AckExplicitPolicy, AckWait: 30 * time.Second,
	})
	if err != nil {
		return nil, fmt.Errorf("legacysim: tasks on %s: %w", subject, err)
	}
	return cons.Consume(func(m jetstream.Msg) {
		if s.isDown(system) {
			_ = m.NakWithDelay(time.Second)
			return
		}
		err := work(m.Data(), func(subject, msgID string, v any) error {
			raw, _ := json.Marshal(v)
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			var opts []jetstream.PublishOpt
			if msgID != "" {
				opts = append(opts, jetstream.WithMsgID(msgID))
			}
			_, err := js.Publish(ctx, subject, raw, opts...)
			return err
		})
		switch {
		case errors.Is(err, errBadTask):
			_ = m.Term()
		case err != nil:
			_ = m.NakWithDelay(time.Second)
		default:
			_ = m.Ack()
		}
	})
}

// printJob posts a letter and answers with its tracking number.
func (s *Sim) printJob(raw []byte, send send) error {
	var job contract.PrintJob
	if err := json.Unmarshal(raw, &job); err != nil || job.Token == "" {
		return errBadTask
	}
	time.Sleep(printDelay)
	return send("dossier.tasks.print.done", job.CaseID+".print.done."+job.Document.SHA256,
		contract.PrintResult{Token: job.Token, Status: "posted", Tracking: tracking(job.CaseID)})
}

// tracking is a La Poste-style tracking number for a case.
func tracking(caseID string) string {
	h := fnv.New64a()
	h.Write([]byte(caseID))
	return fmt.Sprintf("2C %011d", h.Sum64()%100000000000)
}
