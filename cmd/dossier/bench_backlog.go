package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"time"

	"github.com/dossier/dossier/internal/app"
	"github.com/dossier/dossier/internal/bench"
	"github.com/dossier/dossier/internal/devstack"
	"github.com/dossier/dossier/internal/llm"
)

type benchBacklogCmd struct {
	N int `help:"Number of cases left waiting for approval." default:"20000"`
	benchLoad
	InboxRuns  int    `help:"Reads of a caseworker's inbox once the cases wait." default:"20"`
	MemProfile string `name:"memprofile" help:"Write a heap profile of the whole process (stack and driver) to this file once the cases wait." type:"path"`
}

func (c *benchBacklogCmd) Run(ctx context.Context, out io.Writer, logger *slog.Logger) error {
	if err := c.check(c.N); err != nil {
		return err
	}
	stack, err := startBenchStack(ctx, c.Data, devstack.Options{}, logger)
	if err != nil {
		return err
	}
	defer stack.done()
	fmt.Fprintf(os.Stderr, "Leaving %d cases waiting for approval, %d submitted at a time…\n", c.N, c.Concurrency)
	res, err := bench.Backlog(ctx, bench.Stack{Cases: stack.cases, NATS: stack.Bus().Conn},
		bench.BacklogOptions{N: c.N, Concurrency: c.Concurrency, InboxRuns: c.InboxRuns, DataDir: stack.dir, Progress: os.Stderr})
	if err != nil {
		return err
	}
	if c.MemProfile != "" {
		if err := writeHeapProfile(c.MemProfile); err != nil {
			return err
		}
	}
	if c.JSON {
		return writeJSON(out, res)
	}
	fmt.Fprintf(out, "cases waiting        %d\n", res.Cases)
	fmt.Fprintf(out, "start rate           %.1f cases/s (submitted to awaiting approval)\n", res.StartRate)
	fmt.Fprintf(out, "inbox, first read    %s (%d cases in the caseworker's inbox)\n", ms(res.InboxFirst), res.InboxTotal)
	fmt.Fprintf(out, "inbox, next reads    p50 %s, p95 %s\n", ms(res.Inbox.P50), ms(res.Inbox.P95))
	fmt.Fprintf(out, "process RSS          %.0f MiB (Temporal, NATS and the worker, cache of %d cases)\n", float64(res.RSS)/(1<<20), app.DefaultWorkflowCache)
	m := res.Memory
	fmt.Fprintf(out, "  of which Go        %.0f MiB: heap %.0f MiB (%.0f MiB live), stacks %.0f MiB; outside Go %.0f MiB (SQLite)\n",
		mib(m.Total), mib(m.Heap), mib(m.HeapLive), mib(m.Stacks), mib(res.RSS-m.Total))
	fmt.Fprintf(out, "disk per case        %.1f KB\n", float64(res.DiskPerCase)/1000)
	return nil
}

func mib(n int64) float64 { return float64(n) / (1 << 20) }

type benchOverheadCmd struct {
	N          int           `help:"Number of cases, run one after another." default:"20"`
	LLMLatency time.Duration `name:"llm-latency" help:"Latency of the stub model endpoint." default:"2s"`
	JSON       bool          `help:"Print the figures as JSON."`
	CPUProfile string        `name:"cpuprofile" help:"Write a CPU profile of the whole process (stack and driver) while the cases run to this file." type:"path"`
	Trace      string        `name:"trace" help:"Write an execution trace of the whole process while the cases run to this file (go tool trace)." type:"path"`
}

func (c *benchOverheadCmd) Run(ctx context.Context, out io.Writer, logger *slog.Logger) error {
	if c.N < 1 {
		return fmt.Errorf("--n must be at least 1")
	}
	model, err := bench.StartModelStub(c.LLMLatency)
	if err != nil {
		return err
	}
	defer model.Close()
	models := llm.Registry{Default: "bench", Models: map[string]llm.Model{"bench": {URL: model.URL(), Model: "bench-model", Timeout: c.LLMLatency + 30*time.Second}}}
	stack, err := startBenchStack(ctx, "", devstack.Options{Models: models}, logger)
	if err != nil {
		return err
	}
	defer stack.done()
	stop, err := c.profile()
	if err != nil {
		return err
	}
	defer stop()
	fmt.Fprintf(os.Stderr, "Running %d cases drafted by a model that answers in %s…\n", c.N, c.LLMLatency)
	baseline, err := bench.StartBaseline(stack.Client())
	if err != nil {
		return err
	}
	defer baseline.Stop()
	res, err := bench.Overhead(ctx, bench.Stack{Cases: stack.cases, NATS: stack.Bus().Conn, Temporal: stack.Client(), Baseline: baseline},
		bench.OverheadOptions{N: c.N, Latency: c.LLMLatency, Progress: os.Stderr})
	stop()
	if err != nil {
		return err
	}
	if c.JSON {
		return writeJSON(out, res)
	}
	fmt.Fprintf(out, "cases                       %d, one at a time\n", res.Cases)
	fmt.Fprintf(out, "submit → awaiting approval  p50 %s, p95 %s\n", ms(res.ToAwaiting.P50), ms(res.ToAwaiting.P95))
	fmt.Fprintf(out, "  of which the model        p50 %s\n", ms(res.Model.P50))
	fmt.Fprintf(out, "  of which Dossier          p50 %s, p95 %s: %.1f %% of the case's time\n", ms(res.Ours.P50), ms(res.Ours.P95), 100*res.OursShare)
	fmt.Fprintf(out, "approval → notified         p50 %s, p95 %s (no model)\n", ms(res.ToNotified.P50), ms(res.ToNotified.P95))
	if b := res.Baseline; b.Runs > 0 {
		fmt.Fprintf(out, "baseline, same run          %d bare workflows of a case's shape, one after each case\n", b.Runs)
		fmt.Fprintf(out, "  start → drafted step      p50 %s, of which the model's wait p50 %s\n", ms(b.ToAwaiting.P50), ms(b.Model.P50))
		fmt.Fprintf(out, "  of which Temporal         p50 %s, p95 %s: %.1f %% of its time\n", ms(b.Rest.P50), ms(b.Rest.P95), 100*b.RestShare)
		fmt.Fprintf(out, "Dossier above it            %s (difference of the p50s)\n", ms(res.Ours.P50-b.Rest.P50))
	}
	fmt.Fprintf(out, "\nWhere Dossier's part of submit → awaiting approval goes (medians, from the histories):\n")
	base := map[string]time.Duration{}
	for _, p := range res.Baseline.Phases {
		base[p.Name] = p.P50
	}
	fmt.Fprintf(out, "  %-55s %10s %10s\n", "", "Dossier", "baseline")
	for _, p := range res.Phases {
		b := "–"
		if d, ok := base[p.Name]; ok {
			b = ms(d)
		}
		fmt.Fprintf(out, "  %-55s %10s %10s\n", p.Name, ms(p.P50), b)
	}
	return nil
}

// profile starts the CPU profile and the execution trace asked for; stop
// ends them, and may be called more than once.
func (c *benchOverheadCmd) profile() (stop func(), err error) {
	var stops []func()
	stop = func() {
		for _, s := range stops {
			s()
		}
		stops = nil
	}
	if c.CPUProfile != "" {
		s, err := startCPUProfile(c.CPUProfile)
		if err != nil {
			return nil, err
		}
		stops = append(stops, s)
	}
	if c.Trace != "" {
		s, err := startTrace(c.Trace)
		if err != nil {
			stop()
			return nil, err
		}
		stops = append(stops, s)
	}
	return stop, nil
}
