// Package bench measures how fast Dossier does its work, for `dossier
// bench` and the figures of docs/benchmarks.md.
package bench

import (
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"slices"
	"time"

	"github.com/dossier/dossier/config"
	"github.com/dossier/dossier/internal/pdf"
	"github.com/dossier/dossier/templates"
)

// LettersOptions says how to measure letter rendering. Zero fields take
// the defaults.
type LettersOptions struct {
	N      int // letters rendered per round by Dossier's renderer (1,000)
	Rounds int // rounds; the report keeps the median (5)
	// Chromium is the Chromium binary; "" looks for chromium,
	// chromium-browser or google-chrome on PATH and skips Chromium when
	// none is found.
	Chromium  string
	ChromiumN int       // letters Chromium prints, one new tab each (45)
	Progress  io.Writer // gets a line per step; nil discards them
}

func (o LettersOptions) withDefaults() LettersOptions {
	o.N = orDefault(o.N, 1000)
	o.Rounds = orDefault(o.Rounds, 5)
	o.ChromiumN = orDefault(o.ChromiumN, 45)
	if o.Progress == nil {
		o.Progress = io.Discard
	}
	return o
}

// orDefault returns v, or def when v is not positive.
func orDefault(v, def int) int {
	if v > 0 {
		return v
	}
	return def
}

// LettersReport is what Letters measured.
type LettersReport struct {
	Examples []string         `json:"examples"`
	Renderer RendererFigures  `json:"renderer"`
	Chromium *ChromiumFigures `json:"chromium,omitempty"`
	// ChromiumSkipped says why Chromium was not measured.
	ChromiumSkipped string `json:"chromium_skipped,omitempty"`
	// Ratio is Chromium's milliseconds per letter divided by the
	// renderer's: how many letters Dossier renders on one core in the
	// time Chromium prints one.
	Ratio float64 `json:"ratio_vs_chromium,omitempty"`
}

// RendererFigures are Dossier's renderer's, on one core.
type RendererFigures struct {
	Letters int `json:"letters"` // rendered in the measured rounds
	// RoundsPerCore is each round's letters per second of CPU time.
	RoundsPerCore []float64 `json:"rounds_letters_per_second_per_core"`
	// PerCore is the median round's letters per second of CPU time.
	PerCore float64 `json:"letters_per_second_per_core"`
	// MsPerLetter is 1000 / PerCore: CPU milliseconds per letter.
	MsPerLetter float64 `json:"ms_per_letter"`
	// P50Ms and P95Ms are elapsed milliseconds per letter.
	P50Ms float64 `json:"p50_ms"`
	P95Ms float64 `json:"p95_ms"`
	// CPUTime is false where CPU time could not be read: the figures
	// then come from elapsed time.
	CPUTime bool `json:"cpu_time"`
	Bytes   int  `json:"bytes_per_letter"` // mean PDF size
}

// Letters renders every template's example letter with the production
// renderer on one core, then, when Chromium is found, prints the same
// letters as HTML through Chromium with a new tab per document. It returns
// the templates' or the renderer's error, and Chromium's errors except a
// binary not found on PATH, which only skips Chromium.
func Letters(ctx context.Context, opts LettersOptions) (LettersReport, error) {
	opts = opts.withDefaults()
	catalog, err := templates.Load()
	if err != nil {
		return LettersReport{}, err
	}
	examples, err := Examples(catalog, config.Dev().Administration)
	if err != nil {
		return LettersReport{}, err
	}
	var rep LettersReport
	for _, ex := range examples {
		rep.Examples = append(rep.Examples, ex.Name)
	}
	if rep.Renderer, err = measureRenderer(ctx, examples, opts); err != nil {
		return rep, err
	}
	path, err := findChromium(opts.Chromium)
	if errors.Is(err, errNoChromium) {
		rep.ChromiumSkipped = err.Error()
		fmt.Fprintf(opts.Progress, "chromium: skipped: %v\n", err)
		return rep, nil
	}
	if err != nil {
		return rep, err
	}
	if rep.Chromium, err = measureChromium(ctx, path, examples, opts); err != nil {
		return rep, err
	}
	rep.Ratio = rep.Chromium.MsPerLetter / rep.Renderer.MsPerLetter
	return rep, nil
}

// measureRenderer renders opts.N letters per round, cycling through the
// examples, with GOMAXPROCS(1), and keeps the median round.
func measureRenderer(ctx context.Context, examples []Example, opts LettersOptions) (RendererFigures, error) {
	r, err := pdf.NewRenderer()
	if err != nil {
		return RendererFigures{}, err
	}
	size := 0
	for _, ex := range examples { // warm-up, and every example must render
		out, err := r.Render(ex.Letter)
		if err != nil {
			return RendererFigures{}, fmt.Errorf("render %s: %w", ex.Name, err)
		}
		size += len(out)
	}
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	fig := RendererFigures{Bytes: size / len(examples), CPUTime: true}
	var elapsed []time.Duration
	for round := 1; round <= opts.Rounds; round++ {
		if err := ctx.Err(); err != nil {
			return fig, err
		}
		perCore, lat, cpu, err := renderRound(r, examples, opts.N)
		if err != nil {
			return fig, err
		}
		fig.CPUTime = fig.CPUTime && cpu
		fig.RoundsPerCore = append(fig.RoundsPerCore, perCore)
		elapsed = append(elapsed, lat...)
		fmt.Fprintf(opts.Progress, "renderer: round %d/%d: %d letters, %.0f letters/s/core\n", round, opts.Rounds, opts.N, perCore)
	}
	fig.Letters = opts.N * opts.Rounds
	fig.PerCore = median(fig.RoundsPerCore)
	fig.MsPerLetter = 1000 / fig.PerCore
	fig.P50Ms, fig.P95Ms = percentileMs(elapsed, 50), percentileMs(elapsed, 95)
	return fig, nil
}

// renderRound renders n letters and returns the letters per second of CPU
// time (of elapsed time when cpu is false) and each letter's elapsed time.
func renderRound(r *pdf.Renderer, examples []Example, n int) (perCore float64, elapsed []time.Duration, cpu bool, err error) {
	runtime.GC() // each round starts from the same heap
	elapsed = make([]time.Duration, 0, n)
	cpu0, cpu := cpuTime()
	start := time.Now()
	for i := range n {
		t := time.Now()
		if _, err := r.Render(examples[i%len(examples)].Letter); err != nil {
			return 0, nil, false, fmt.Errorf("render %s: %w", examples[i%len(examples)].Name, err)
		}
		elapsed = append(elapsed, time.Since(t))
	}
	spent := time.Since(start)
	if cpu1, ok := cpuTime(); cpu && ok {
		spent = cpu1 - cpu0
	}
	return float64(n) / spent.Seconds(), elapsed, cpu, nil
}

// median returns the middle value of xs (the mean of the two middle ones
// for an even count).
func median(xs []float64) float64 {
	s := slices.Sorted(slices.Values(xs))
	if len(s) == 0 {
		return 0
	}
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// percentileMs returns the p-th percentile of ds (nearest rank), in
// milliseconds.
func percentileMs(ds []time.Duration, p int) float64 {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Sorted(slices.Values(ds))
	i := max(0, (len(s)*p+99)/100-1)
	return float64(s[i]) / float64(time.Millisecond)
}
