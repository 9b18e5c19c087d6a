package devstack_test

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"sync"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/workflowservice/v1"
	sdkclient "go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"github.com/dossier/dossier/internal/cases"
	"github.com/dossier/dossier/internal/contract"
	"github.com/dossier/dossier/internal/devstack"
)

// BenchmarkInbox measures the caseworkers' inbox over a backlog of cases
// awaiting approval (DOSSIER_BENCH_BACKLOG, default 10000), each with a
// legal deadline, against the inbox of the same caseworker over 100 cases
// in the same run. The backlog is made of case workflows started with
// their search attributes on a stack whose worker is stopped, so that only
// visibility is measured.
//
//	go test -run '^$' -bench Inbox -benchtime 20x ./internal/devstack
func BenchmarkInbox(b *testing.B) {
	n := 10000
	if v, err := strconv.Atoi(os.Getenv("DOSSIER_BENCH_BACKLOG")); err == nil {
		n = v
	}
	app := workerlessStack(b)
	svc := &cases.Service{Temporal: app.Client(), TemplateIDs: []string{"accuse-reception", "demande-pieces", "communication-documents",
		"subvention-attribution", "subvention-refus", "occupation-domaine-public"}}
	camille := contract.Actor{ID: "camille", Roles: []string{contract.RoleCaseworker}, Services: []string{"relations-usagers"}}
	for _, size := range []int{100, n} {
		backlog(b, app.Client(), size)
		for deadline := time.Now().Add(time.Minute); ; time.Sleep(200 * time.Millisecond) {
			page, err := svc.Inbox(context.Background(), camille, cases.Filter{})
			if err == nil && page.Counts.Total >= size || time.Now().After(deadline) {
				break
			}
		}
		b.Run(fmt.Sprintf("cases=%d", size), func(b *testing.B) {
			for b.Loop() {
				page, err := svc.Inbox(context.Background(), camille, cases.Filter{})
				if err != nil || page.Counts.Total < size {
					b.Fatalf("inbox: %v, %d cases", err, page.Counts.Total)
				}
			}
		})
	}
}

var started int

// backlog starts cases until there are total, awaiting approval, due at
// 23:00 on one of 120 days.
func backlog(b testing.TB, c sdkclient.Client, total int) {
	b.Helper()
	backlogDue(b, c, total, func(i int) time.Time { return time.Date(2027, 1, 1, 23, 0, 0, 0, time.UTC).AddDate(0, 0, i%120) })
}

// backlogDue starts cases until there are total, awaiting approval, case
// i due at deadline(i).
func backlogDue(b testing.TB, c sdkclient.Client, total int, deadline func(i int) time.Time) {
	b.Helper()
	var wg sync.WaitGroup
	jobs := make(chan int)
	for range 16 {
		wg.Go(func() {
			for i := range jobs {
				_, err := c.ExecuteWorkflow(context.Background(), sdkclient.StartWorkflowOptions{
					ID: fmt.Sprintf("00000000-0000-4000-8000-%012d", i), TaskQueue: contract.TaskQueue,
					WorkflowIDConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING,
					TypedSearchAttributes: temporal.NewSearchAttributes(
						contract.SearchStage.ValueSet(string(contract.StageAwaitingApproval)),
						contract.SearchTemplate.ValueSet("accuse-reception"),
						contract.SearchService.ValueSet("relations-usagers"),
						contract.SearchDeadline.ValueSet(deadline(i)),
					),
					Memo: map[string]any{"applicant": fmt.Sprintf("Demandeur %d", i)},
				}, contract.WorkflowName, contract.CaseInput{CaseID: fmt.Sprint(i)})
				if err != nil {
					b.Error(err)
				}
			}
		})
	}
	for i := started; i < total; i++ {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	started = max(started, total)
}

// workerlessStack starts the dev stack without a worker, so that the
// cases a test starts stay as it left them, and counts them from zero; it
// stops when the test ends.
func workerlessStack(t testing.TB) *devstack.App {
	t.Helper()
	app := devstack.New(devstack.Options{DataDir: t.TempDir(), HTTPAddr: "127.0.0.1:0", NoUI: true, NoDemo: true, NoLegacySim: true})
	if err := app.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(app.Close)
	app.StopWorker()
	started = 0
	return app
}

// TestInboxOverALargeBacklog: with more cases than a deadline window may
// hold, the inbox splits its windows, and its pages are still the cases
// nearest their deadline, in order, as sorting the whole backlog gives.
func TestInboxOverALargeBacklog(t *testing.T) {
	app := workerlessStack(t)
	const n = 600 // three times the rows a window may hold
	backlog(t, app.Client(), n)
	svc := &cases.Service{Temporal: app.Client(), TemplateIDs: []string{"accuse-reception"}}
	camille := contract.Actor{ID: "camille", Roles: []string{contract.RoleCaseworker}, Services: []string{"relations-usagers"}}
	var all []cases.Item
	for deadline := time.Now().Add(time.Minute); ; time.Sleep(500 * time.Millisecond) {
		page, err := svc.Inbox(context.Background(), camille, cases.Filter{PageSize: 100, Page: 1})
		if err == nil && page.Matching == n {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("inbox: %v, %d cases, want %d", err, page.Matching, n)
		}
	}
	for p := 1; p <= 6; p++ {
		page, err := svc.Inbox(context.Background(), camille, cases.Filter{PageSize: 100, Page: p})
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, page.Items...)
	}
	if len(all) != n {
		t.Fatalf("six pages of 100 hold %d cases, want %d", len(all), n)
	}
	seen := map[string]bool{}
	for i, it := range all {
		if seen[it.ID] {
			t.Fatalf("case %s listed twice", it.ID)
		}
		seen[it.ID] = true
		if it.Deadline == nil {
			t.Fatalf("item %d has no deadline", i)
		}
		if i > 0 && it.Deadline.Before(*all[i-1].Deadline) {
			t.Fatalf("item %d (deadline %v) comes after one due %v", i, it.Deadline, all[i-1].Deadline)
		}
	}
}

// TestInboxOverACrowd: with more cases due at one instant than a page
// reads, the inbox reads the newest of them only, and its pages are
// still those that sorting them all gives (newest first). A case closed
// by hand while it awaited approval is no one's work: it is left out.
func TestInboxOverACrowd(t *testing.T) {
	app := workerlessStack(t)
	const n = 300
	due := time.Date(2027, 3, 1, 22, 59, 59, 0, time.UTC)
	backlogDue(t, app.Client(), n+1, func(int) time.Time { return due })
	closed := fmt.Sprintf("00000000-0000-4000-8000-%012d", 150)
	if err := app.Client().TerminateWorkflow(context.Background(), closed, "", "closed by hand"); err != nil {
		t.Fatal(err)
	}
	waitVisible(t, app.Client(), "ExecutionStatus = 'Running'", n)
	waitVisible(t, app.Client(), "ExecutionStatus = 'Terminated'", 1)
	svc := &cases.Service{Temporal: app.Client(), TemplateIDs: []string{"accuse-reception"}}
	camille := contract.Actor{ID: "camille", Roles: []string{contract.RoleCaseworker}, Services: []string{"relations-usagers"}}
	var all []cases.Item
	for deadline := time.Now().Add(time.Minute); len(all) < n; time.Sleep(500 * time.Millisecond) {
		page, err := svc.Inbox(context.Background(), camille, cases.Filter{PageSize: 200, Page: 1})
		if err == nil && page.Matching == n {
			all = page.Items
			page, err = svc.Inbox(context.Background(), camille, cases.Filter{PageSize: 200, Page: 2})
			all = append(all, page.Items...)
		}
		if time.Now().After(deadline) {
			t.Fatalf("inbox: %v, %d cases, want %d", err, page.Matching, n)
		}
	}
	for i := range n {
		if all[i].ID == closed {
			t.Fatalf("case %s, closed, is in the inbox", closed)
		}
		if i > 0 && all[i].SubmittedAt.After(all[i-1].SubmittedAt) {
			t.Fatalf("case %d (started %v) comes after one started %v", i, all[i].SubmittedAt, all[i-1].SubmittedAt)
		}
	}
	for read := range 2 { // the second time from what the first found: the crowd's cases submitted since
		for p := 1; p <= 3; p++ {
			page, err := svc.Inbox(context.Background(), camille, cases.Filter{PageSize: 25, Page: p})
			if err != nil {
				t.Fatal(err)
			}
			for i, it := range page.Items {
				if want := all[(p-1)*25+i]; it.ID != want.ID {
					t.Fatalf("read %d, page %d, case %d: %s, want %s", read+1, p, i, it.ID, want.ID)
				}
			}
		}
	}
}

// waitVisible waits until visibility counts n cases of query.
func waitVisible(t *testing.T, c sdkclient.Client, query string, n int64) {
	t.Helper()
	for deadline := time.Now().Add(time.Minute); ; time.Sleep(100 * time.Millisecond) {
		resp, err := c.CountWorkflow(context.Background(), &workflowservice.CountWorkflowExecutionsRequest{Query: query})
		if err == nil && resp.GetCount() == n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("visibility counts %d cases of %q, want %d (%v)", resp.GetCount(), query, n, err)
		}
	}
}
