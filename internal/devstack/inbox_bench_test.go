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
	app := devstack.New(devstack.Options{DataDir: b.TempDir(), HTTPAddr: "127.0.0.1:0", NoUI: true, NoDemo: true, NoLegacySim: true})
	if err := app.Start(context.Background()); err != nil {
		b.Fatal(err)
	}
	defer app.Close()
	app.StopWorker()
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

// backlog starts cases until there are total, awaiting approval.
func backlog(b *testing.B, c sdkclient.Client, total int) {
	b.Helper()
	var wg sync.WaitGroup
	jobs := make(chan int)
	for range 16 {
		wg.Go(func() {
			for i := range jobs {
				deadline := time.Date(2027, 1, 1, 23, 0, 0, 0, time.UTC).AddDate(0, 0, i%120)
				_, err := c.ExecuteWorkflow(context.Background(), sdkclient.StartWorkflowOptions{
					ID: fmt.Sprintf("00000000-0000-4000-8000-%012d", i), TaskQueue: contract.TaskQueue,
					WorkflowIDConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING,
					TypedSearchAttributes: temporal.NewSearchAttributes(
						contract.SearchStage.ValueSet(string(contract.StageAwaitingApproval)),
						contract.SearchTemplate.ValueSet("accuse-reception"),
						contract.SearchService.ValueSet("relations-usagers"),
						contract.SearchDeadline.ValueSet(deadline),
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
