package audit

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	historypb "go.temporal.io/api/history/v1"
	sdklog "go.temporal.io/sdk/log"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"github.com/dossier/dossier/internal/contract"
	"github.com/dossier/dossier/workflows"
)

// History is one history to replay, named by its file or its case id.
type History struct {
	Name string
	// Execution is the case's workflow execution, when known; the replay
	// then runs under its real id.
	Execution workflow.Execution
	Load      func(ctx context.Context) (*historypb.History, error)
}

// Options tune Replay. The zero value replays one history at a time
// against workflows.CaseWorkflow and writes nothing.
type Options struct {
	// Workflow is the workflow code the histories are checked against;
	// nil means workflows.CaseWorkflow.
	Workflow any
	// Parallel is how many histories are loaded and replayed at once.
	Parallel int
	// Report gets one line per history, in the order given.
	Report io.Writer
	// Progress gets "replayed N/M" at most every ProgressEvery (a second
	// when zero).
	Progress      io.Writer
	ProgressEvery time.Duration
}

// Status says how a history fared.
type Status int

// The statuses of a replayed history.
const (
	OK         Status = iota // the current code makes the same decisions
	Diverged                 // the current code does not reproduce the history
	Unreadable               // the history could not be loaded
)

// Result is how one history replayed.
type Result struct {
	Name   string
	Status Status
	// At is where the history and the code part ways, when Diverged.
	At  Divergence
	Err error
}

// String is the result on one line, naming the history.
func (r Result) String() string {
	switch r.Status {
	case Diverged:
		return fmt.Sprintf("history %s: diverges %s: %v", r.Name, r.At, r.Err)
	case Unreadable:
		return fmt.Sprintf("history %s: cannot be read: %v", r.Name, r.Err)
	}
	return fmt.Sprintf("history %s: ok", r.Name)
}

// Summary is the outcome of a Replay.
type Summary struct {
	// Results are in the order of the histories given; when ctx ended
	// early, only those replayed.
	Results                  []Result
	OK, Diverged, Unreadable int
	Took                     time.Duration
}

// Failed reports whether a history diverged or could not be read.
func (s Summary) Failed() bool { return s.Diverged+s.Unreadable > 0 }

// String is the summary on one line.
func (s Summary) String() string {
	line := fmt.Sprintf("%d replayed, %d ok, %d diverged in %s", s.OK+s.Diverged, s.OK, s.Diverged, s.Took.Round(time.Millisecond))
	if s.Unreadable > 0 {
		line += fmt.Sprintf("; %d could not be read", s.Unreadable)
	}
	return line
}

// Replay replays histories against the current workflow code and reports
// each on o.Report as soon as those before it are done. It stops taking
// new histories when ctx ends.
func Replay(ctx context.Context, histories []History, o Options) Summary {
	start := time.Now()
	results := make([]Result, len(histories))
	done := make(chan int)
	var next atomic.Int64
	var wg sync.WaitGroup
	for range max(o.Parallel, 1) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := newReplayer(o.Workflow)
			for i := int(next.Add(1) - 1); i < len(histories) && ctx.Err() == nil; i = int(next.Add(1) - 1) {
				results[i] = replayOne(ctx, r, histories[i])
				done <- i
			}
		}()
	}
	go func() { wg.Wait(); close(done) }()
	return collect(results, done, o, start)
}

// collect reports results in order as they arrive and counts them.
func collect(results []Result, done <-chan int, o Options, start time.Time) Summary {
	var s Summary
	finished := make([]bool, len(results))
	progress := newProgress(o.Progress, o.ProgressEvery, len(results))
	reported := 0
	for i := range done {
		finished[i] = true
		for ; reported < len(results) && finished[reported]; reported++ {
			s.count(results[reported])
			if o.Report != nil {
				fmt.Fprintln(o.Report, results[reported])
			}
			progress.show(reported + 1)
		}
	}
	s.Results, s.Took = results[:reported], time.Since(start)
	return s
}

func (s *Summary) count(r Result) {
	switch r.Status {
	case OK:
		s.OK++
	case Diverged:
		s.Diverged++
	case Unreadable:
		s.Unreadable++
	}
}

// quiet drops the replayer's logs: a diverging history makes it log the
// panic and its stack, which the result already says.
var quiet = sdklog.NewStructuredLogger(slog.New(slog.DiscardHandler))

func newReplayer(wf any) worker.WorkflowReplayer {
	if wf == nil {
		wf = workflows.CaseWorkflow
	}
	r := worker.NewWorkflowReplayer()
	r.RegisterWorkflowWithOptions(wf, workflow.RegisterOptions{Name: contract.WorkflowName})
	return r
}

func replayOne(ctx context.Context, r worker.WorkflowReplayer, h History) Result {
	hist, err := h.Load(ctx)
	if err == nil {
		err = checkCase(hist)
	}
	if err != nil {
		return Result{Name: h.Name, Status: Unreadable, Err: err}
	}
	err = r.ReplayWorkflowHistoryWithOptions(quiet, hist, worker.ReplayWorkflowHistoryOptions{OriginalExecution: h.Execution})
	if err != nil {
		msg := firstLine(err.Error())
		return Result{Name: h.Name, Status: Diverged, At: locate(hist, msg), Err: fmt.Errorf("%s", msg)}
	}
	return Result{Name: h.Name}
}

// progress writes "replayed N/M" lines, at most one per interval, and a
// last one at the end of a run long enough to have shown one.
type progress struct {
	w        io.Writer
	every    time.Duration
	total    int
	lastShow time.Time
	shown    bool
}

func newProgress(w io.Writer, every time.Duration, total int) *progress {
	if every == 0 {
		every = time.Second
	}
	return &progress{w: w, every: every, total: total, lastShow: time.Now()}
}

func (p *progress) show(n int) {
	due := time.Since(p.lastShow) >= p.every || (n == p.total && p.shown)
	if p.w == nil || !due {
		return
	}
	p.lastShow, p.shown = time.Now(), true
	fmt.Fprintf(p.w, "replayed %d/%d\n", n, p.total)
}
