package legacysim

import (
	"context"
	"encoding/json"
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
	s.print, err = takeTasks(nc, "legacy-print", "dossier.tasks.print", s.printJob)
	return err
}

// takeTasks consumes the delegated tasks on subject durably, as the legacy
// system that performs them.
func takeTasks(nc *nats.Conn, durable, subject string, handle func(jetstream.JetStream, jetstream.Msg)) (jetstream.ConsumeContext, error) {
	js, err := jetstream.New(nc)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	cons, err := js.CreateOrUpdateConsumer(ctx, "DOSSIER_TASKS", jetstream.ConsumerConfig{
		Durable: durable, FilterSubject: subject, AckPolicy: jetstream.AckExplicitPolicy, AckWait: 30 * time.Second,
	})
	if err != nil {
		return nil, fmt.Errorf("legacysim: tasks on %s: %w", subject, err)
	}
	return cons.Consume(func(m jetstream.Msg) { handle(js, m) })
}

func (s *Sim) printJob(js jetstream.JetStream, m jetstream.Msg) {
	if s.isDown("print") {
		_ = m.NakWithDelay(time.Second)
		return
	}
	var job contract.PrintJob
	if err := json.Unmarshal(m.Data(), &job); err != nil || job.Token == "" {
		_ = m.Term()
		return
	}
	time.Sleep(printDelay)
	raw, _ := json.Marshal(contract.PrintResult{Token: job.Token, Status: "posted", Tracking: tracking(job.CaseID)})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := js.Publish(ctx, "dossier.tasks.print.done", raw, jetstream.WithMsgID(job.CaseID+".print.done."+job.Document.SHA256)); err != nil {
		_ = m.NakWithDelay(time.Second)
		return
	}
	_ = m.Ack()
}

// tracking is a La Poste-style tracking number for a case.
func tracking(caseID string) string {
	h := fnv.New64a()
	h.Write([]byte(caseID))
	return fmt.Sprintf("2C %011d", h.Sum64()%100000000000)
}
