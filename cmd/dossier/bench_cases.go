package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"text/tabwriter"

	"github.com/dossier/dossier/internal/bench"
	"github.com/dossier/dossier/internal/devstack"
)

type benchCasesCmd struct {
	N int `help:"Number of cases." default:"1000"`
	benchLoad
	Rate       float64 `help:"Start this many cases a second instead, whatever is in flight (latency under a given load)."`
	CPUProfile string  `name:"cpuprofile" help:"Write a CPU profile of the whole process (stack and driver) to this file." type:"path"`
}

func (c *benchCasesCmd) Validate() error {
	if c.Rate < 0 {
		return fmt.Errorf("--rate must be positive")
	}
	return c.check(c.N)
}

func (c *benchCasesCmd) Run(ctx context.Context, out io.Writer, logger *slog.Logger) error {
	stack, err := startBenchStack(ctx, c.Data, devstack.Options{}, logger)
	if err != nil {
		return err
	}
	defer stack.done()
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
		fmt.Fprintf(os.Stderr, "Running %d cases, %.1f a second, then the baselines…\n", c.N, c.Rate)
	} else {
		fmt.Fprintf(os.Stderr, "Running %d cases, %d at a time, then the baselines…\n", c.N, c.Concurrency)
	}
	res, err := bench.Cases(ctx, bench.Stack{Cases: stack.cases, NATS: stack.Bus().Conn, Baseline: baseline},
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

func printCases(out io.Writer, r bench.CasesResult) {
	w := tabwriter.NewWriter(out, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(w, "\tcases/s\tCPU/case\tsubmit→awaiting p50\tp95\tp99\tapproval→notified p50\tp95\tp99\tfailed\t")
	for _, run := range []bench.Run{r.Dossier, r.Baseline, r.BaselineLean} {
		fmt.Fprintf(w, "%s\t%.1f\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%d\t\n", run.Name, run.CasesPerS, ms(run.CPUPerCase),
			ms(run.ToAwaiting.P50), ms(run.ToAwaiting.P95), ms(run.ToAwaiting.P99),
			ms(run.ToNotified.P50), ms(run.ToNotified.P95), ms(run.ToNotified.P99), run.Failed)
	}
	_ = w.Flush()
	how := fmt.Sprintf("%d at a time", r.Options.Concurrency)
	if r.Options.Rate > 0 {
		how = fmt.Sprintf("started %.1f a second: throughput is the rate asked when the machine keeps up", r.Options.Rate)
	}
	fmt.Fprintf(out, "\nDossier runs at %.2f × the baseline's throughput (%d cases, %s),\n", r.Ratio, r.Options.N, how)
	fmt.Fprintf(out, "and at %.2f × a bare workflow of its own shape (baseline-lean: local activities where a case runs them).\n", r.RatioLean)
}
