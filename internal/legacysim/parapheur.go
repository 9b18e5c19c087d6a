package legacysim

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"time"

	"github.com/nats-io/nats.go"

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
	s.parapheur, err = s.takeTasks(nc, "parapheur", "dossier.tasks.parapheur", sign)
	return err
}

// sign says the letter is in the mayor's folder, then answers with the visa.
func sign(raw []byte, send send) error {
	var task contract.Task
	if err := json.Unmarshal(raw, &task); err != nil || task.Token == "" {
		return errBadTask
	}
	err := send("dossier.tasks.parapheur.heartbeat", "", contract.TaskHeartbeat{Token: task.Token, Progress: "dans le parapheur du maire"})
	if err != nil {
		return err
	}
	time.Sleep(signDelay)
	sum := sha256.Sum256([]byte(task.Token)) // one answer per hand-over of the task
	return send("dossier.tasks.parapheur.done", task.CaseID+".parapheur.done."+hex.EncodeToString(sum[:12]),
		contract.TaskAnswer{Token: task.Token, Status: "done", Result: map[string]string{
			"signed_by": "Le maire", "signed_at": time.Now().UTC().Format(time.RFC3339)}})
}
