package bench

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime/metrics"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"go.temporal.io/api/workflowservice/v1"

	"github.com/dossier/dossier/internal/cases"
	"github.com/dossier/dossier/internal/contract"
)

// BacklogOptions are the knobs of the backlog benchmark.
type BacklogOptions struct {
	N           int
	Concurrency int
	// InboxRuns is how many times the inbox is read once the cases wait.
	InboxRuns int
	// DataDir is the stack's data directory, measured for disk per case.
	DataDir  string
	Progress io.Writer
}

// BacklogResult is the backlog benchmark's report.
type BacklogResult struct {
	Cases int `json:"cases"`
	// StartRate is how many cases a second reached their caseworkers.
	StartRate float64 `json:"start_rate_per_s"`
	// InboxFirst is the first read of a caseworker's inbox over the
	// backlog; Inbox the reads after it (the counts are cached 10 s).
	InboxFirst time.Duration `json:"inbox_first_ns"`
	Inbox      Latencies     `json:"inbox"`
	InboxTotal int           `json:"inbox_total"`
	// RSS is the whole process's resident memory (Temporal, NATS,
	// worker), DiskPerCase the data directory's growth per case.
	RSS         int64 `json:"rss_bytes"`
	DiskPerCase int64 `json:"disk_per_case_bytes"`
	// Memory is what of the RSS the Go runtime holds, by class.
	Memory GoMemory `json:"go_memory"`
}

// GoMemory is the Go runtime's memory, from runtime/metrics: the rest of
// the RSS is held outside it (SQLite's page cache and allocations, in C
// translated to Go, map their own memory).
type GoMemory struct {
	// Total is every byte the Go runtime maps, released ones excepted.
	Total int64 `json:"total_bytes"`
	// HeapLive is the heap the last collection found in use; Heap the
	// heap with its free and unswept spans.
	HeapLive int64 `json:"heap_live_bytes"`
	Heap     int64 `json:"heap_bytes"`
	Stacks   int64 `json:"stacks_bytes"`
}

// goMemory reads the Go runtime's memory classes.
func goMemory() GoMemory {
	samples := []metrics.Sample{{Name: "/memory/classes/total:bytes"}, {Name: "/memory/classes/heap/released:bytes"},
		{Name: "/gc/heap/live:bytes"}, {Name: "/memory/classes/heap/objects:bytes"}, {Name: "/memory/classes/heap/free:bytes"},
		{Name: "/memory/classes/heap/unused:bytes"}, {Name: "/memory/classes/heap/stacks:bytes"}}
	metrics.Read(samples)
	v := func(i int) int64 { return int64(samples[i].Value.Uint64()) }
	return GoMemory{Total: v(0) - v(1), HeapLive: v(2), Heap: v(3) + v(4) + v(5), Stacks: v(6)}
}

// Backlog leaves n cases waiting for approval and measures how fast they
// came, how fast a caseworker's inbox reads over them, and what they cost
// in memory and disk.
func Backlog(ctx context.Context, s Stack, o BacklogOptions) (BacklogResult, error) {
	res := BacklogResult{Cases: o.N}
	w, err := watchEvents(s.NATS)
	if err != nil {
		return res, err
	}
	defer w.close()
	disk0 := dirSize(o.DataDir)
	var done, failed atomic.Int64
	stop := progress(o.Progress, "backlog", o.N, &done)
	start := time.Now()
	jobs := make(chan int)
	var wg sync.WaitGroup
	for range max(1, o.Concurrency) {
		wg.Go(func() {
			for i := range jobs {
				if err := waitingCase(ctx, s.Cases, w, i); err != nil {
					failed.Add(1)
				}
				done.Add(1)
			}
		})
	}
	for i := range o.N {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	stop()
	if n := failed.Load(); n > 0 {
		return res, fmt.Errorf("bench: %d of %d cases did not reach their caseworkers", n, o.N)
	}
	res.StartRate = float64(o.N) / time.Since(start).Seconds()
	if err := waitVisible(ctx, s.Cases, o.N); err != nil {
		return res, err
	}
	if err := readInbox(ctx, s.Cases, o.InboxRuns, &res); err != nil {
		return res, err
	}
	res.RSS, res.Memory = rss(), goMemory()
	if o.N > 0 {
		res.DiskPerCase = (dirSize(o.DataDir) - disk0) / int64(o.N)
	}
	return res, nil
}

// waitingCase submits case i and returns once it awaits approval.
func waitingCase(ctx context.Context, svc *cases.Service, w *eventWatch, i int) error {
	_, err := runCase(ctx, svc, w, i, nil, false)
	return err
}

// waitVisible waits until Temporal's visibility store counts the n cases
// as awaiting approval (it follows the workflows by a moment), so that the
// inbox is measured over the whole backlog; it counts directly, so that
// the inbox's own count cache is still cold for the first read.
func waitVisible(ctx context.Context, svc *cases.Service, n int) error {
	deadline := time.Now().Add(time.Minute)
	q := fmt.Sprintf("%s = '%s'", contract.SearchStage.GetName(), contract.StageAwaitingApproval)
	for {
		resp, err := svc.Temporal.CountWorkflow(ctx, &workflowservice.CountWorkflowExecutionsRequest{Query: q})
		if err == nil && resp.GetCount() >= int64(n) {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("bench: visibility counts %d of the %d waiting cases after a minute (%v)", resp.GetCount(), n, err)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// readInbox reads a caseworker's first inbox page runs times, as the web
// app does, and keeps the latencies.
func readInbox(ctx context.Context, svc *cases.Service, runs int, res *BacklogResult) error {
	var lat []time.Duration
	for i := range max(runs, 1) {
		start := time.Now()
		page, err := svc.Inbox(ctx, benchReviewer, cases.Filter{})
		if err != nil {
			return err
		}
		if i == 0 {
			res.InboxFirst, res.InboxTotal = time.Since(start), page.Matching
			continue
		}
		lat = append(lat, time.Since(start))
	}
	res.Inbox = summarize(lat)
	return nil
}

// rss is this process's resident memory, from /proc (0 elsewhere).
func rss() int64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return kb * 1024
		}
	}
	return 0
}

// dirSize is the bytes of the files under dir.
func dirSize(dir string) int64 {
	var n int64
	_ = filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if info, err := d.Info(); err == nil {
				n += info.Size()
			}
		}
		return nil
	})
	return n
}
