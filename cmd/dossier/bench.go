package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"text/tabwriter"

	"github.com/dossier/dossier/internal/bench"
)

// benchCmd measures Dossier's throughput on this machine
// (docs/benchmarks.md).
type benchCmd struct {
	Cases    benchCasesCmd    `cmd:"" help:"Run N cases through the embedded stack, approving each at once, against bare workflows of the same steps."`
	Backlog  benchBacklogCmd  `cmd:"" help:"Leave N cases waiting for approval: start rate, inbox latency, memory and disk per case."`
	Overhead benchOverheadCmd `cmd:"" help:"With a stub model of fixed latency, the share of a case's time that is Dossier's, and of a bare workflow's that is Temporal's."`
	Letters  benchLettersCmd  `cmd:"" help:"Render every template's example letter on one core, and with Chromium (a new tab per letter) when installed."`
}

// The benchmark plan's targets for letters (docs/benchmarks.md).
const (
	targetPerCore = 1000 // letters per second on one core
	targetRatio   = 100  // times Chromium with a new tab per letter
)

type benchLettersCmd struct {
	N         int    `help:"Letters rendered per round by Dossier's renderer." default:"1000"`
	Rounds    int    `help:"Rounds of N letters; the median round is reported." default:"5"`
	Chromium  string `help:"Chromium binary (default: chromium, chromium-browser or google-chrome on PATH; skipped when none)."`
	ChromiumN int    `name:"chromium-n" help:"Letters printed by Chromium, one new tab each." default:"45"`
	JSON      bool   `name:"json" help:"Write the figures as JSON instead of a table."`
}

// Run measures, with progress on stderr, and prints the figures.
func (c *benchLettersCmd) Run(ctx context.Context, out io.Writer) error {
	rep, err := bench.Letters(ctx, bench.LettersOptions{N: c.N, Rounds: c.Rounds, Chromium: c.Chromium,
		ChromiumN: c.ChromiumN, Progress: os.Stderr})
	if err != nil {
		return fmt.Errorf("bench letters: %w", err)
	}
	if c.JSON {
		return writeJSON(out, rep)
	}
	return printLetters(out, rep)
}

// printLetters writes the report as a table, then the targets.
func printLetters(out io.Writer, rep bench.LettersReport) error {
	r := rep.Renderer
	w := tabwriter.NewWriter(out, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(w, "\tLETTERS\tMS/LETTER\tP50 MS\tP95 MS\tLETTERS/S/CORE\tKB/LETTER\t")
	fmt.Fprintf(w, "Dossier renderer, 1 core (CPU time)\t%d\t%.2f\t%.2f\t%.2f\t%.0f\t%.1f\t\n",
		r.Letters, r.MsPerLetter, r.P50Ms, r.P95Ms, r.PerCore, float64(r.Bytes)/1024)
	if c := rep.Chromium; c != nil {
		fmt.Fprintf(w, "%s, new tab per letter (elapsed)\t%d\t%.1f\t%.1f\t%.1f\t%s\t%.1f\t\n",
			c.Version, c.Letters, c.MsPerLetter, c.P50Ms, c.P95Ms, chromiumPerCore(c), float64(c.Bytes)/1024)
	}
	if err := w.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(out, "\n%d example letters; renderer: median of %d rounds %v letters/s/core.\n",
		len(rep.Examples), len(r.RoundsPerCore), rounded(r.RoundsPerCore))
	fmt.Fprintf(out, "letters/s/core: %.0f (target ≥ %d: %s)\n", r.PerCore, targetPerCore, met(r.PerCore >= targetPerCore))
	if rep.Chromium == nil {
		_, err := fmt.Fprintf(out, "ratio vs Chromium: not measured: %s\n", rep.ChromiumSkipped)
		return err
	}
	_, err := fmt.Fprintf(out, "ratio vs Chromium: %.0f× (target ≥ %d×: %s)\n", rep.Ratio, targetRatio, met(rep.Ratio >= targetRatio))
	return err
}

// chromiumPerCore is Chromium's letters per second of its processes' CPU
// time, when it was read.
func chromiumPerCore(c *bench.ChromiumFigures) string {
	if c.CPUMsPerLetter <= 0 {
		return "-"
	}
	return fmt.Sprintf("%.1f", 1000/c.CPUMsPerLetter)
}

func rounded(xs []float64) []int {
	out := make([]int, len(xs))
	for i, x := range xs {
		out[i] = int(x + 0.5)
	}
	return out
}

func met(ok bool) string {
	if ok {
		return "met"
	}
	return "missed"
}
