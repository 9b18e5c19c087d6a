// Package legacysim simulates the administration's legacy systems on NATS,
// so that `dossier dev`, the demo and the tests exercise prefill for real:
// the national register of associations (rna), the population register
// (population) and the road registry (voirie). It answers request/reply on
// legacy.<system>.<query> from a seed data set shipped in the binary,
// including records that are missing, slow, or that contradict what
// citizens typically submit.
package legacysim

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"log/slog"
	"path"
	"strings"
	"sync"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"gopkg.in/yaml.v3"
)

//go:embed seed/*.yaml
var seedFiles embed.FS

// Request is what Dossier sends on legacy.<system>.<query>.
type Request struct {
	Key string `json:"key"`
}

// Reply is what a legacy system answers: a record, "not found", or an error.
type Reply struct {
	Found  bool              `json:"found"`
	Record map[string]string `json:"record,omitempty"`
	Error  string            `json:"error,omitempty"`
}

// entry is one seeded record and how the system answers for it.
type entry struct {
	Record map[string]string `yaml:"record"`
	// Delay makes the system slow for this record.
	Delay time.Duration `yaml:"delay"`
	// Fails makes the system answer with an internal error.
	Fails string `yaml:"fails"`
}

// Query is one seeded query: its subject suffix and its records by key.
type Query struct {
	Query       string           `yaml:"query"`
	Description string           `yaml:"description"`
	Records     map[string]entry `yaml:"records"`
}

// Seed returns the queries of the shipped seed data set.
func Seed() ([]Query, error) {
	names, err := fs.Glob(seedFiles, "seed/*.yaml")
	if err != nil {
		return nil, err
	}
	var out []Query
	for _, name := range names {
		raw, err := fs.ReadFile(seedFiles, name)
		if err != nil {
			return nil, err
		}
		var q Query
		if err := yaml.Unmarshal(raw, &q); err != nil {
			return nil, fmt.Errorf("legacysim: %s: %w", path.Base(name), err)
		}
		if q.Query == "" || strings.Count(q.Query, ".") != 1 {
			return nil, fmt.Errorf("legacysim: %s: query must be <system>.<query>", path.Base(name))
		}
		out = append(out, q)
	}
	return out, nil
}

// Sim is a running simulator.
type Sim struct {
	nc     *nats.Conn
	logger *slog.Logger
	mu     sync.Mutex
	subs   []*nats.Subscription
	print  jetstream.ConsumeContext
	// parapheur takes the signature tasks.
	parapheur jetstream.ConsumeContext
	// down lists systems that do not answer at all (an outage).
	down map[string]bool
}

// Start answers every seeded query on nc. Systems named in down start in
// an outage (no answer, as when the system is off).
func Start(nc *nats.Conn, logger *slog.Logger, down ...string) (*Sim, error) {
	queries, err := Seed()
	if err != nil {
		return nil, err
	}
	s := &Sim{nc: nc, logger: logger, down: map[string]bool{}}
	for _, d := range down {
		s.down[d] = true
	}
	for _, q := range queries {
		sub, err := nc.QueueSubscribe("legacy."+q.Query, "legacy-sim", s.handler(q))
		if err != nil {
			s.Stop()
			return nil, fmt.Errorf("legacysim: subscribe %s: %w", q.Query, err)
		}
		s.subs = append(s.subs, sub)
	}
	if err := s.startPrint(nc); err != nil {
		logger.Warn("legacy-sim: not answering print jobs", "error", err)
	}
	if err := s.startParapheur(nc); err != nil {
		logger.Warn("legacy-sim: not answering signature tasks", "error", err)
	}
	return s, nc.Flush()
}

// SetDown puts a system in an outage (true) or brings it back (false).
func (s *Sim) SetDown(system string, down bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.down[system] = down
}

func (s *Sim) isDown(system string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.down[system]
}

// Stop stops answering.
func (s *Sim) Stop() {
	for _, sub := range s.subs {
		_ = sub.Unsubscribe()
	}
	s.subs = nil
	for _, cc := range []*jetstream.ConsumeContext{&s.print, &s.parapheur} {
		if *cc != nil {
			(*cc).Stop()
			*cc = nil
		}
	}
}

func (s *Sim) handler(q Query) nats.MsgHandler {
	system, _, _ := strings.Cut(q.Query, ".")
	return func(m *nats.Msg) {
		if s.isDown(system) {
			return // an outage: the caller times out
		}
		go s.answer(q, m)
	}
}

func (s *Sim) answer(q Query, m *nats.Msg) {
	var req Request
	reply := Reply{}
	if err := json.Unmarshal(m.Data, &req); err != nil || req.Key == "" {
		reply.Error = `bad request: want {"key": "..."}`
	} else if e, ok := q.Records[req.Key]; ok {
		time.Sleep(e.Delay)
		reply = Reply{Found: e.Fails == "", Record: e.Record, Error: e.Fails}
		if e.Fails != "" {
			reply.Record = nil
		}
	}
	raw, _ := json.Marshal(reply)
	if err := m.Respond(raw); err != nil {
		s.logger.Warn("legacy-sim: respond", "query", q.Query, "error", err)
	}
}
