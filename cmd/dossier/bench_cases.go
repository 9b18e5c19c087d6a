package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"runtime/pprof"
	"text/tabwriter"
	"time"

	"github.com/dossier/dossier/internal/bench"
	"github.com/dossier/dossier/internal/devstack"
)

type benchCasesCmd struct {
	N           int     `help:"Number of cases." default:"1000"`
	Concurrency int     `help:"Cases in flight at once." default:"32"`
	Rate        float64 `help:"Start this many cases a second instead, whatever is in flight (latency under a given load)."`
	Data        string  `help:"Data directory of the embedded stack; a fresh temporary one when empty." type:"path"`
	JSON        bool    `help:"Print the figures as JSON."`
	CPUProfile  string  `name:"cpuprofile" help:"Write a CPU profile of the whole process (stack and driver) to this file." type:"path"`
}

func (c *benchCasesCmd) Validate() error {
	if c.N < 1 || c.Concurrency < 1 || c.Rate < 0 {
		return fmt.Errorf("--n and --concurrency must be at least 1, --rate positive")
	}
	return nil
}

func (c *benchCasesCmd) Run(ctx context.Context, out io.Writer, logger *slog.Logger) error {
	stack, _, done, err := benchStackIn(ctx, c.Data, devstack.Options{})
	if err != nil {
		return err
	}
	defer done()
	svc, err := benchCases(stack, logger)
	if err != nil {
		return err
	}
	baseline, err := bench.StartBaseline(stack.Client())
	if err != nil {
		return err
	}
	defer baseline.Stop()
	if c.CPUProfile != "" {
		stop, err := startCPUProfile(c.CPUProfile)
		if err != nil {
			return err
		}
		defer stop()
	}
	if c.Rate > 0 {
		fmt.Fprintf(os.Stderr, "Running %d cases, %.1f a second, then the baseline…\n", c.N, c.Rate)
	} else {
		fmt.Fprintf(os.Stderr, "Running %d cases, %d at a time, then the baseline…\n", c.N, c.Concurrency)
	}
	res, err := bench.Cases(ctx, bench.Stack{Cases: svc, NATS: stack.Bus().Conn, Baseline: baseline},
		bench.CasesOptions{N: c.N, Concurrency: c.Concurrency, Rate: c.Rate, Progress: os.Stderr})
	if c.JSON {
		if err := writeJSON(out, res); err != nil {
			return err
		}
	} else {
		printCases(out, res)
	}
	return err
}

// benchStackIn starts the embedded stack with opts, quiet, on free ports,
// in dir or a fresh temporary directory that done removes; it returns the
// directory used.
func benchStackIn(ctx context.Context, dir string, opts devstack.Options) (*devstack.App, string, func(), error) {
	cleanup := func() {}
	if dir == "" {
		tmp, err := os.MkdirTemp("", "dossier-bench-")
		if err != nil {
			return nil, "", nil, err
		}
		dir, cleanup = tmp, func() { os.RemoveAll(tmp) }
	}
	opts.DataDir, opts.HTTPAddr, opts.NoUI, opts.NoDemo = dir, "127.0.0.1:0", true, true
	opts.Logger = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError}))
	stack := devstack.New(opts)
	sctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	if err := stack.Start(sctx); err != nil {
		cleanup()
		return nil, "", nil, err
	}
	return stack, dir, func() { stack.Close(); cleanup() }, nil
}

func printCases(out io.Writer, r bench.CasesResult) {
	w := tabwriter.NewWriter(out, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(w, "\tcases/s\tCPU/case\tsubmit→awaiting p50\tp95\tp99\tapproval→notified p50\tp95\tp99\tfailed\t")
	for _, run := range []bench.Run{r.Dossier, r.Baseline} {
		fmt.Fprintf(w, "%s\t%.1f\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%d\t\n", run.Name, run.CasesPerS, ms(run.CPUPerCase),
			ms(run.ToAwaiting.P50), ms(run.ToAwaiting.P95), ms(run.ToAwaiting.P99),
			ms(run.ToNotified.P50), ms(run.ToNotified.P95), ms(run.ToNotified.P99), run.Failed)
	}
	_ = w.Flush()
	how := fmt.Sprintf("%d at a time", r.Options.Concurrency)
	if r.Options.Rate > 0 {
		how = fmt.Sprintf("started %.1f a second: throughput is the rate asked when the machine keeps up", r.Options.Rate)
	}
	fmt.Fprintf(out, "\nDossier runs at %.2f × the baseline's throughput (%d cases, %s).\n", r.Ratio, r.Options.N, how)
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d)/float64(time.Millisecond)) }

// startCPUProfile profiles the process into path until stop is called.
func startCPUProfile(path string) (stop func(), err error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() { pprof.StopCPUProfile(); f.Close() }, nil
}
