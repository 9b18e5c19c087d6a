package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"time"

	"go.temporal.io/sdk/client"

	"github.com/dossier/dossier/internal/cases"
)

// ModelStub is an OpenAI-compatible endpoint that answers every draft
// after a fixed latency with the reference text the prompt carries (the
// template drafter's letter), which passes the guardrails: the benchmark
// then measures Dossier around a model of known speed.
type ModelStub struct {
	Latency time.Duration
	srv     *http.Server
	ln      net.Listener
}

// StartModelStub listens on a free loopback port.
func StartModelStub(latency time.Duration) (*ModelStub, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	m := &ModelStub{Latency: latency, ln: ln}
	m.srv = &http.Server{Handler: http.HandlerFunc(m.serve), ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = m.srv.Serve(ln) }()
	return m, nil
}

// URL is the stub's OpenAI-compatible base URL.
func (m *ModelStub) URL() string { return "http://" + m.ln.Addr().String() + "/v1" }

// Close stops the stub.
func (m *ModelStub) Close() { _ = m.srv.Close() }

func (m *ModelStub) serve(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Model    string `json:"model"`
		Messages []struct {
			Content string `json:"content"`
		} `json:"messages"`
	}
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	text := ""
	for _, msg := range req.Messages {
		if _, after, ok := strings.Cut(msg.Content, "<<<REFERENCE\n"); ok {
			text, _, _ = strings.Cut(after, "\nREFERENCE>>>")
		}
	}
	select {
	case <-time.After(m.Latency):
	case <-r.Context().Done():
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{
		"id": "bench", "object": "chat.completion", "created": time.Now().Unix(), "model": req.Model,
		"choices": []map[string]any{{"index": 0, "finish_reason": "stop", "message": map[string]string{"role": "assistant", "content": text}}},
		"usage":   map[string]int{"prompt_tokens": 800, "completion_tokens": 300, "total_tokens": 1100},
	})
}

// OverheadResult is the overhead benchmark's report: how much of a case's
// time to reach its caseworkers is the model's, and how much is Dossier's.
type OverheadResult struct {
	Cases        int           `json:"cases"`
	ModelLatency time.Duration `json:"model_latency_ns"`
	// ToAwaiting is submit → awaiting approval; Model the model calls'
	// time in it, as the draft's provenance records it; Ours the rest.
	ToAwaiting Latencies `json:"submit_to_awaiting"`
	Model      Latencies `json:"model"`
	Ours       Latencies `json:"ours"`
	// OursShare is the median of each case's share of its time to
	// awaiting approval that is not the model's.
	OursShare  float64   `json:"ours_share"`
	ToNotified Latencies `json:"approval_to_notified"`
	// Phases split submit → awaiting approval by the cases' histories.
	Phases []Phase `json:"phases"`
	// Baseline is the same run's bare workflow of a lean case's shape up
	// to awaiting approval, run between the cases; empty without one.
	Baseline OverheadBaseline `json:"baseline"`
}

// OverheadBaseline is what the bare workflow took: from its start to its
// drafted step; the model's wait in it, measured by the activity to the
// nanosecond; and the rest, which is Temporal's.
type OverheadBaseline struct {
	Runs       int       `json:"runs"`
	ToAwaiting Latencies `json:"start_to_drafted"`
	Model      Latencies `json:"model"`
	Rest       Latencies `json:"rest"`
	RestShare  float64   `json:"rest_share"`
	// Phases split its time as a case's are split.
	Phases []Phase `json:"phases"`
}

// OverheadOptions says how many cases to run, the stub model's latency,
// and where to print progress (nowhere when nil).
type OverheadOptions struct {
	N        int
	Latency  time.Duration
	Progress io.Writer
}

// Overhead runs n cases drafted by the stub model (the stack must be
// configured with it), one at a time so that the cases do not wait for one
// another, and compares their time to reach the caseworkers with the
// model's own time. With a baseline, a bare workflow of the same shape
// runs after each case, also alone.
func Overhead(ctx context.Context, s Stack, o OverheadOptions) (OverheadResult, error) {
	n, latency := o.N, o.Latency
	res := OverheadResult{Cases: n, ModelLatency: latency}
	w, err := watchEvents(s.NATS)
	if err != nil {
		return res, err
	}
	defer w.close()
	var done atomic.Int64
	defer progress(o.Progress, "overhead", n, &done)()
	var cases, base overheadRuns
	var notified []time.Duration
	for i := range n {
		t, m, err := overheadCase(ctx, s.Cases, w, i)
		if err != nil {
			return res, err
		}
		notified = append(notified, t.toNotified)
		if err := cases.add(ctx, s.Temporal, t, m); err != nil {
			return res, err
		}
		if s.Temporal != nil {
			// The case's last steps run after its notification: the next
			// run waits for them.
			if err := s.Temporal.GetWorkflow(ctx, t.id, "").Get(ctx, nil); err != nil {
				return res, err
			}
		}
		if s.Baseline != nil {
			t, m, err := s.Baseline.draftCase(ctx, i, latency)
			if err != nil {
				return res, err
			}
			if err := base.add(ctx, s.Temporal, t, m); err != nil {
				return res, err
			}
		}
		done.Add(1)
	}
	res.ToAwaiting, res.Model, res.Ours = summarize(cases.toAwaiting), summarize(cases.model), summarize(cases.rest)
	res.ToNotified, res.OursShare, res.Phases = summarize(notified), median(cases.shares), medianPhases(cases.phases)
	res.Baseline = OverheadBaseline{Runs: len(base.toAwaiting), ToAwaiting: summarize(base.toAwaiting), Model: summarize(base.model),
		Rest: summarize(base.rest), RestShare: median(base.shares), Phases: medianPhases(base.phases)}
	return res, nil
}

// overheadRuns gathers the runs of the cases, or of the baseline: each
// one's time to awaiting approval, the model's time in it, the rest and
// its share, and, with a Temporal client, the rest split by its history.
type overheadRuns struct {
	toAwaiting, model, rest []time.Duration
	shares                  []float64
	phases                  []map[string]time.Duration
}

func (r *overheadRuns) add(ctx context.Context, c client.Client, t timing, model time.Duration) error {
	a := t.toAwaiting
	r.toAwaiting, r.model, r.rest = append(r.toAwaiting, a), append(r.model, model), append(r.rest, a-model)
	r.shares = append(r.shares, float64(a-model)/float64(a))
	if c == nil {
		return nil
	}
	events, err := history(ctx, c, t.id)
	if err != nil {
		return err
	}
	r.phases = append(r.phases, casePhases(events, t.submitted, t.submitted.Add(a), model))
	return nil
}

func overheadCase(ctx context.Context, svc *cases.Service, w *eventWatch, i int) (t timing, model time.Duration, err error) {
	modelTime := func(id string) error {
		st, err := svc.Get(ctx, benchReviewer, id)
		if err != nil {
			return err
		}
		if st.Draft == nil || st.Draft.Drafter != "llm" {
			return fmt.Errorf("bench: case %s was not drafted by the model: %+v", id, st.Draft)
		}
		model = time.Duration(st.Draft.LatencyMS) * time.Millisecond
		return nil
	}
	t, err = runCase(ctx, svc, w, i, modelTime, true)
	return t, model, err
}
