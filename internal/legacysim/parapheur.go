package legacysim

import (
	"context"
	"encoding/json"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/dossier/dossier/internal/contract"
)

// signDelay is how long the simulated elected official takes to sign.
const signDelay = 300 * time.Millisecond

// startParapheur makes the simulator the elected officials' e-signature
// tool: it takes the tasks on dossier.tasks.parapheur, sends a heartbeat
// ("in the mayor's signature folder"), and answers on
// dossier.tasks.parapheur.done with the visa, unless the "parapheur"
// system is down, in which case the tasks wait for it.
func (s *Sim) startParapheur(nc *nats.Conn) (err error) {
	s.parapheur, err = takeTasks(nc, "legacy-parapheur", "dossier.tasks.parapheur", s.sign)
	return err
}

func (s *Sim) sign(js jetstream.JetStream, m jetstream.Msg) {
	if s.isDown("parapheur") {
		_ = m.NakWithDelay(time.Second)
		return
	}
	var task contract.Task
	if err := json.Unmarshal(m.Data(), &task); err != nil || task.Token == "" {
		_ = m.Term()
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	hb, _ := json.Marshal(contract.TaskHeartbeat{Token: task.Token, Progress: "dans le parapheur du maire"})
	if _, err := js.Publish(ctx, "dossier.tasks.parapheur.heartbeat", hb); err != nil {
		_ = m.NakWithDelay(time.Second)
		return
	}
	time.Sleep(signDelay)
	answer := contract.TaskAnswer{Token: task.Token, Status: "done", Result: map[string]string{
		"signed_by": "Le maire", "signed_at": time.Now().UTC().Format(time.RFC3339)}}
	raw, _ := json.Marshal(answer)
	if _, err := js.Publish(ctx, "dossier.tasks.parapheur.done", raw, jetstream.WithMsgID(m.Headers().Get(jetstream.MsgIDHeader)+".done")); err != nil {
		_ = m.NakWithDelay(time.Second)
		return
	}
	_ = m.Ack()
}
