package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"runtime"
	"runtime/pprof"
	"runtime/trace"
	"time"

	"github.com/dossier/dossier/config"
	"github.com/dossier/dossier/internal/app"
	"github.com/dossier/dossier/internal/cases"
	"github.com/dossier/dossier/internal/devstack"
)

// benchLoad is how the benchmarks on the embedded stack load it and
// report.
type benchLoad struct {
	Concurrency int    `help:"Cases in flight at once." default:"32"`
	Data        string `help:"Data directory of the embedded stack; a fresh temporary one when empty." type:"path"`
	JSON        bool   `help:"Print the figures as JSON."`
}

func (l benchLoad) check(n int) error {
	if n < 1 || l.Concurrency < 1 {
		return fmt.Errorf("--n and --concurrency must be at least 1")
	}
	return nil
}

// benchStack is the embedded stack a benchmark runs on, and the case
// service over it.
type benchStack struct {
	*devstack.App
	cases *cases.Service
	dir   string
	done  func()
}

// startBenchStack starts the embedded stack with opts, quiet, on free
// ports, in dir or a fresh temporary directory that done removes.
func startBenchStack(ctx context.Context, dir string, opts devstack.Options, logger *slog.Logger) (*benchStack, error) {
	cleanup := func() {}
	if dir == "" {
		tmp, err := os.MkdirTemp("", "dossier-bench-")
		if err != nil {
			return nil, err
		}
		dir, cleanup = tmp, func() { os.RemoveAll(tmp) }
	}
	devstack.LimitMemory()
	opts.DataDir, opts.HTTPAddr, opts.NoUI, opts.NoDemo = dir, "127.0.0.1:0", true, true
	opts.Logger = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError}))
	stack := devstack.New(opts)
	sctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	if err := stack.Start(sctx); err != nil {
		cleanup()
		return nil, err
	}
	deps, err := app.NewDeps(stack.Client(), stack.Bus(), config.Dev(), logger)
	if err != nil {
		stack.Close()
		cleanup()
		return nil, err
	}
	return &benchStack{App: stack, cases: deps.Cases(), dir: dir, done: func() { stack.Close(); cleanup() }}, nil
}

func writeJSON(out io.Writer, v any) error {
	enc := json.NewEncoder(out)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d)/float64(time.Millisecond)) }

// startCPUProfile profiles the process into path until stop is called.
func startCPUProfile(path string) (stop func(), err error) {
	return record(path, pprof.StartCPUProfile, pprof.StopCPUProfile)
}

// startTrace writes an execution trace of the process into path until
// stop is called.
func startTrace(path string) (stop func(), err error) {
	return record(path, trace.Start, trace.Stop)
}

// record starts writing what start records into the file path; stop ends
// it and closes the file.
func record(path string, start func(io.Writer) error, end func()) (stop func(), err error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	if err := start(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() { end(); f.Close() }, nil
}

// writeHeapProfile writes the live heap, as of the last collection, to
// path.
func writeHeapProfile(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	runtime.GC()
	if err := pprof.WriteHeapProfile(f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
