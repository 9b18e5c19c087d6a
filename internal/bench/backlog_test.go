package bench_test

import (
	"context"
	"io"
	"log/slog"
	"slices"
	"testing"
	"time"

	"github.com/dossier/dossier/config"
	dossierapp "github.com/dossier/dossier/internal/app"
	"github.com/dossier/dossier/internal/bench"
	"github.com/dossier/dossier/internal/devstack"
	"github.com/dossier/dossier/internal/llm"
)

// stack starts the embedded stack with opts for a benchmark test.
func stack(t *testing.T, opts devstack.Options) (*devstack.App, bench.Stack) {
	t.Helper()
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	opts.DataDir, opts.HTTPAddr, opts.NoUI, opts.NoDemo, opts.Logger = t.TempDir(), "127.0.0.1:0", true, true, logger
	app := devstack.New(opts)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if err := app.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(app.Close)
	deps, err := dossierapp.NewDeps(app.Client(), app.Bus(), config.Dev(), logger)
	if err != nil {
		t.Fatal(err)
	}
	return app, bench.Stack{Cases: deps.Cases(), NATS: app.Bus().Conn, Temporal: app.Client()}
}

// TestBacklogBenchmark leaves a few cases waiting and reads the inbox over
// them: the caseworker sees them all, and memory and disk are measured.
func TestBacklogBenchmark(t *testing.T) {
	app, s := stack(t, devstack.Options{})
	res, err := bench.Backlog(context.Background(), s, bench.BacklogOptions{N: 8, Concurrency: 4, InboxRuns: 3, DataDir: app.DataDir()})
	if err != nil {
		t.Fatal(err)
	}
	if res.InboxTotal != 8 || res.StartRate <= 0 || res.RSS <= 0 || res.DiskPerCase <= 0 || res.Inbox.P50 <= 0 {
		t.Errorf("backlog %+v, want 8 cases in the inbox and every figure measured", res)
	}
}

// TestOverheadBenchmark drafts cases with the stub model: the draft is the
// model's, and the time the model took is told apart from Dossier's. The
// bare workflow runs after each case and waits as the model does.
func TestOverheadBenchmark(t *testing.T) {
	model, err := bench.StartModelStub(300 * time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	defer model.Close()
	models := llm.Registry{Default: "bench", Models: map[string]llm.Model{"bench": {URL: model.URL(), Model: "bench-model"}}}
	_, s := stack(t, devstack.Options{Models: models})
	if s.Baseline, err = bench.StartBaseline(s.Temporal); err != nil {
		t.Fatal(err)
	}
	defer s.Baseline.Stop()
	res, err := bench.Overhead(context.Background(), s, bench.OverheadOptions{N: 2, Latency: model.Latency})
	if err != nil {
		t.Fatal(err)
	}
	if res.Model.P50 < 300*time.Millisecond || res.ToAwaiting.P50 <= res.Model.P50 || res.OursShare <= 0 || res.OursShare >= 1 {
		t.Errorf("overhead %+v, want the model's 300 ms inside the case's time", res)
	}
	// The phases split Dossier's part: the draft activity is among them,
	// and none is longer than Dossier's part of the slowest case.
	var draft bool
	for _, p := range res.Phases {
		draft = draft || p.Name == "activity: Draft, besides the model"
		if p.P50 < 0 || p.P50 > res.Ours.Max {
			t.Errorf("phase %q: %v, Dossier's part at most %v", p.Name, p.P50, res.Ours.Max)
		}
	}
	if len(res.Phases) < 4 || !draft {
		t.Errorf("phases %+v, want the history's split with the draft activity", res.Phases)
	}
	b := res.Baseline
	if b.Runs != 2 || b.Model.P50 < 300*time.Millisecond || b.ToAwaiting.P50 <= b.Model.P50 ||
		b.Rest.P50 <= 0 || b.Rest.Max >= b.ToAwaiting.Max || b.RestShare <= 0 || b.RestShare >= 1 {
		t.Errorf("baseline %+v, want 2 runs, each waiting the model's 300 ms inside its time", b)
	}
	if !slices.ContainsFunc(b.Phases, func(p bench.Phase) bool { return p.Name == "activity: Draft, besides the model" }) {
		t.Errorf("baseline phases %+v, want its wait split as a case's draft is", b.Phases)
	}
}
