// Package bench measures Dossier on the machine it runs on, against
// baselines run in the same process, on the same servers: `dossier bench`.
package bench

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go"
	"go.temporal.io/sdk/client"

	"github.com/dossier/dossier/internal/cases"
	"github.com/dossier/dossier/internal/contract"
	"github.com/dossier/dossier/internal/intake"
)

// CasesOptions are the knobs of the cases benchmark.
type CasesOptions struct {
	N           int
	Concurrency int
	// Rate, when set, starts the cases at that many a second, whatever
	// is in flight, instead of Concurrency at a time.
	Rate float64
	// Progress receives a line a second while the benchmark runs.
	Progress io.Writer
}

// Run is the outcome of one side of the benchmark (Dossier or the
// baseline).
type Run struct {
	Name       string        `json:"name"`
	Cases      int           `json:"cases"`
	Failed     int           `json:"failed"`
	Elapsed    time.Duration `json:"elapsed_ns"`
	CasesPerS  float64       `json:"cases_per_s"`
	CPUPerCase time.Duration `json:"cpu_per_case_ns"`
	// ToAwaiting is submit → awaiting approval; ToNotified approval → the
	// citizen notified (for the baseline: start → the Update's wait point,
	// and the Update → the workflow's end).
	ToAwaiting Latencies `json:"submit_to_awaiting"`
	ToNotified Latencies `json:"approval_to_notified"`
}

// CasesResult is the cases benchmark's report: Dossier, the plan's
// baseline (a case's steps as ordinary activities) and its ratio to it,
// and the baseline of the lean case's shape (local activities where the
// case runs them) and its ratio to it.
type CasesResult struct {
	Dossier      Run     `json:"dossier"`
	Baseline     Run     `json:"baseline"`
	Ratio        float64 `json:"ratio"`
	BaselineLean Run     `json:"baseline_lean"`
	RatioLean    float64 `json:"ratio_lean"`
	Options      struct {
		N           int     `json:"n"`
		Concurrency int     `json:"concurrency,omitempty"`
		Rate        float64 `json:"rate,omitempty"`
	} `json:"options"`
}

// caseDriver pushes one case through its life, returning its two latencies.
type caseDriver func(ctx context.Context, i int) (toAwaiting, toNotified time.Duration, err error)

// drive runs n cases through driver, concurrency at a time, and measures them.
func drive(ctx context.Context, name string, o CasesOptions, driver caseDriver) Run {
	run := Run{Name: name, Cases: o.N}
	var awaiting, notified []time.Duration
	var mu sync.Mutex
	var done, failed atomic.Int64
	stop := progress(o.Progress, name, o.N, &done)
	cpu0, _ := cpuTime()
	start := time.Now()
	one := func(i int) {
		a, n, err := driver(ctx, i)
		done.Add(1)
		if err != nil {
			failed.Add(1)
			return
		}
		mu.Lock()
		awaiting, notified = append(awaiting, a), append(notified, n)
		mu.Unlock()
	}
	if o.Rate > 0 {
		openLoop(o.N, o.Rate, start, one)
	} else {
		closedLoop(o.N, o.Concurrency, one)
	}
	run.Elapsed = time.Since(start)
	stop()
	run.Failed = int(failed.Load())
	run.CasesPerS = float64(o.N-run.Failed) / run.Elapsed.Seconds()
	if o.N > 0 {
		cpu1, _ := cpuTime()
		run.CPUPerCase = (cpu1 - cpu0) / time.Duration(o.N)
	}
	run.ToAwaiting, run.ToNotified = summarize(awaiting), summarize(notified)
	return run
}

// closedLoop runs n cases, concurrency at a time: each starts as soon as
// one ends, so the machine's capacity sets the rate.
func closedLoop(n, concurrency int, one func(int)) {
	jobs := make(chan int)
	var wg sync.WaitGroup
	for range max(1, concurrency) {
		wg.Go(func() {
			for i := range jobs {
				one(i)
			}
		})
	}
	for i := range n {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
}

// openLoop starts n cases at rate a second, from start, whatever the
// cases in flight, as citizens' requests arrive: latencies are then those
// of that load, queueing included.
func openLoop(n int, rate float64, start time.Time, one func(int)) {
	var wg sync.WaitGroup
	for i := range n {
		time.Sleep(time.Until(start.Add(time.Duration(float64(i) / rate * float64(time.Second)))))
		wg.Go(func() { one(i) })
	}
	wg.Wait()
}

// progress prints how many cases are done once a second until stopped.
func progress(w io.Writer, name string, n int, done *atomic.Int64) (stop func()) {
	if w == nil {
		return func() {}
	}
	quit := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		t := time.NewTicker(time.Second)
		defer t.Stop()
		for {
			select {
			case <-quit:
				return
			case <-t.C:
				fmt.Fprintf(w, "%s: %d/%d cases\n", name, done.Load(), n)
			}
		}
	})
	return func() { close(quit); wg.Wait() }
}

// Stack is what the cases benchmark needs of a running Dossier.
type Stack struct {
	Cases    *cases.Service
	NATS     *nats.Conn
	Temporal client.Client
	Baseline *Baseline
}

// Cases runs n cases through Dossier, each approved as soon as it awaits
// approval through the review Update a caseworker's approval uses, then
// the baselines on the same servers, and reports them.
func Cases(ctx context.Context, s Stack, o CasesOptions) (CasesResult, error) {
	var res CasesResult
	res.Options.N, res.Options.Concurrency, res.Options.Rate = o.N, o.Concurrency, o.Rate
	if o.Rate > 0 {
		res.Options.Concurrency = 0
	}
	w, err := watchEvents(s.NATS)
	if err != nil {
		return res, err
	}
	defer w.close()
	res.Dossier = drive(ctx, "dossier", o, func(ctx context.Context, i int) (time.Duration, time.Duration, error) {
		return oneCase(ctx, s.Cases, w, i)
	})
	res.Baseline = drive(ctx, "baseline", o, s.Baseline.driver(ShapeActivities))
	res.BaselineLean = drive(ctx, "baseline-lean", o, s.Baseline.driver(ShapeLean))
	res.Ratio, res.RatioLean = ratio(res.Dossier, res.Baseline), ratio(res.Dossier, res.BaselineLean)
	if res.Dossier.Failed > 0 {
		return res, fmt.Errorf("bench: %d of %d cases failed", res.Dossier.Failed, o.N)
	}
	return res, nil
}

// ratio is a's throughput over b's, 0 when b served nothing.
func ratio(a, b Run) float64 {
	if b.CasesPerS <= 0 {
		return 0
	}
	return a.CasesPerS / b.CasesPerS
}

// The actors of the benchmark's cases: a legacy system submits, a
// caseworker of the relations-usagers service approves.
var (
	benchSubmitter = contract.Actor{ID: "bench-legacy", Name: "Banc d'essai", Roles: []string{contract.RoleIntegrator}}
	benchReviewer  = contract.Actor{ID: "bench-camille", Name: "Camille Martin", Roles: []string{contract.RoleCaseworker},
		Services: []string{"relations-usagers"}}
)

// oneCase submits case i, approves it once it awaits approval, and waits
// for its citizen to be notified.
func oneCase(ctx context.Context, svc *cases.Service, w *eventWatch, i int) (time.Duration, time.Duration, error) {
	t, err := runCase(ctx, svc, w, i, nil, true)
	return t.toAwaiting, t.toNotified, err
}

// timing is how long a benchmark case took to reach its caseworkers, and
// from its approval to its citizen.
type timing struct {
	id                     string
	submitted              time.Time
	toAwaiting, toNotified time.Duration
}

// runCase submits case i and waits until it awaits approval (the submit
// call included); then runs atAwaiting, when given, on the case; then,
// with approveIt, approves it and waits until its citizen is notified.
func runCase(ctx context.Context, svc *cases.Service, w *eventWatch, i int, atAwaiting func(id string) error, approveIt bool) (timing, error) {
	key := fmt.Sprintf("bench-%d-%d", time.Now().UnixNano(), i)
	id := intake.CaseID("bench", benchSubmitter.ID, key)
	ch := w.wait(id) // before the submission: its events may come at once
	defer w.forget(id)
	start := time.Now()
	t := timing{id: id, submitted: start}
	if _, _, err := svc.Submit(ctx, cases.Submission{Body: benchSubmission(i), By: benchSubmitter, Channel: "bench", Key: key}); err != nil {
		return t, err
	}
	if err := waitEvent(ctx, ch, contract.EventDrafted); err != nil {
		return t, err
	}
	t.toAwaiting = time.Since(start)
	if atAwaiting != nil {
		if err := atAwaiting(id); err != nil {
			return t, err
		}
	}
	if !approveIt {
		return t, nil
	}
	approved := time.Now()
	if err := approve(ctx, svc, id); err != nil {
		return t, err
	}
	if err := waitEvent(ctx, ch, contract.EventNotified); err != nil {
		return t, err
	}
	t.toNotified = time.Since(approved)
	return t, nil
}

// benchSubmission is the acknowledgement of receipt case i asks for. The
// requests were received over the last 40 days, so that their legal
// deadlines spread as a service's do (an inbox reads by deadline).
func benchSubmission(i int) contract.Submission {
	received := time.Now().AddDate(0, 0, -1-i%40).Format(time.DateOnly)
	return contract.Submission{Template: "accuse-reception", Language: "fr",
		Applicant: contract.Applicant{Name: fmt.Sprintf("Usager %d", i), Email: "usager@example.org", Address: []string{"1 place de la Mairie", "49000 Montreuil-sur-Loire"}},
		Facts:     map[string]string{"request_subject": "inscription sur les listes électorales", "received_on": received}}
}

// approve approves version 1; the drafted event comes a moment before the
// case enters awaiting_approval, so a refusal for that reason is tried again.
func approve(ctx context.Context, svc *cases.Service, id string) error {
	for {
		_, err := svc.Review(ctx, benchReviewer, id, contract.ReviewInput{Decision: contract.DecisionApprove, Version: 1})
		var ce *cases.Error
		if err == nil || !errors.As(err, &ce) || ce.Kind != cases.KindConflict {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(5 * time.Millisecond):
		}
	}
}

func waitEvent(ctx context.Context, ch <-chan string, typ string) error {
	for {
		select {
		case got := <-ch:
			if got == typ {
				return nil
			}
			if got == contract.EventFailed {
				return fmt.Errorf("bench: case failed")
			}
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(2 * time.Minute):
			return fmt.Errorf("bench: no %s event in 2 minutes", typ)
		}
	}
}

// eventWatch routes the stage events of watched cases to their channels.
type eventWatch struct {
	sub *nats.Subscription
	mu  sync.Mutex
	chs map[string]chan string
}

func watchEvents(nc *nats.Conn) (*eventWatch, error) {
	w := &eventWatch{chs: map[string]chan string{}}
	sub, err := nc.Subscribe("dossier.events.>", func(m *nats.Msg) {
		var env contract.Envelope
		if json.Unmarshal(m.Data, &env) != nil {
			return
		}
		w.mu.Lock()
		ch := w.chs[env.Subject]
		w.mu.Unlock()
		if ch != nil {
			select {
			case ch <- env.Data.Type:
			default: // nobody waits for the other events
			}
		}
	})
	if err != nil {
		return nil, fmt.Errorf("bench: watch events: %w", err)
	}
	sub.SetPendingLimits(-1, -1)
	w.sub = sub
	return w, nc.Flush()
}

func (w *eventWatch) wait(id string) <-chan string {
	w.mu.Lock()
	defer w.mu.Unlock()
	if ch, ok := w.chs[id]; ok {
		return ch
	}
	ch := make(chan string, 16)
	w.chs[id] = ch
	return ch
}

func (w *eventWatch) forget(id string) {
	w.mu.Lock()
	delete(w.chs, id)
	w.mu.Unlock()
}

func (w *eventWatch) close() { _ = w.sub.Unsubscribe() }
