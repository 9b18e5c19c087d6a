package bench_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/dossier/dossier/internal/bench"
	"github.com/dossier/dossier/internal/contract"
	"github.com/dossier/dossier/internal/devstack"
)

// TestCasesBenchmark runs a handful of cases and baseline workflows on the
// real embedded stack: every case reaches its notification, the figures
// are filled in, and progress is reported. Timings are not judged here.
func TestCasesBenchmark(t *testing.T) {
	app, s := stack(t, devstack.Options{})
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	baseline, err := bench.StartBaseline(app.Client())
	if err != nil {
		t.Fatal(err)
	}
	defer baseline.Stop()
	var progress strings.Builder
	s.Baseline = baseline
	res, err := bench.Cases(ctx, s,
		bench.CasesOptions{N: 6, Concurrency: 3, Progress: &progress})
	if err != nil {
		t.Fatal(err)
	}
	for _, run := range []bench.Run{res.Dossier, res.Baseline, res.BaselineLean} {
		if run.Failed != 0 || run.CasesPerS <= 0 || run.CPUPerCase <= 0 || run.ToAwaiting.P50 <= 0 || run.ToNotified.P99 < run.ToNotified.P50 {
			t.Errorf("%s: %+v", run.Name, run)
		}
	}
	if res.Ratio <= 0 || res.RatioLean <= 0 {
		t.Errorf("ratios %v, %v", res.Ratio, res.RatioLean)
	}
	// At a fixed rate: 5 cases started 10 a second take at least 0.4 s.
	rated, err := bench.Cases(ctx, s, bench.CasesOptions{N: 5, Rate: 10})
	if err != nil {
		t.Fatal(err)
	}
	if rated.Dossier.Failed != 0 || rated.Dossier.Elapsed < 400*time.Millisecond || rated.Options.Rate != 10 || rated.Options.Concurrency != 0 {
		t.Errorf("at a rate: %+v", rated)
	}
	auditor := contract.Actor{ID: "alex", Roles: []string{contract.RoleAuditor}}
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(200 * time.Millisecond) {
		list, err := s.Cases.List(ctx, auditor, "completed") // visibility follows a moment later
		if err == nil && len(list) == 11 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d completed cases after the benchmarks (%v), want 11", len(list), err)
		}
	}
}
