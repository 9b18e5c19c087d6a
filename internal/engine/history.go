package engine

import (
	"context"
	"fmt"

	enumspb "go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/workflow"
	"google.golang.org/protobuf/encoding/protojson"

	"github.com/dossier/dossier/internal/contract"
)

// ExportHistory returns the full history of case id's latest run in
// Temporal's standard JSON format, the one `temporal workflow show -o json`
// prints and the SDK's replayer reads.
func ExportHistory(ctx context.Context, c client.Client, id string) ([]byte, error) {
	hist, err := History(ctx, c, id, "")
	if err != nil {
		return nil, err
	}
	out, err := protojson.MarshalOptions{Multiline: true, Indent: "  "}.Marshal(hist)
	if err != nil {
		return nil, fmt.Errorf("engine: encode history of %s: %w", id, err)
	}
	return out, nil
}

// History returns every event of run runID of case id (its latest run when
// runID is empty). Temporal's errors come back wrapped: a case Temporal
// does not know is a *serviceerror.NotFound.
func History(ctx context.Context, c client.Client, id, runID string) (*historypb.History, error) {
	iter := c.GetWorkflowHistory(ctx, id, runID, false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	hist := &historypb.History{}
	for iter.HasNext() {
		event, err := iter.Next()
		if err != nil {
			return nil, fmt.Errorf("engine: history of %s: %w", id, err)
		}
		hist.Events = append(hist.Events, event)
	}
	return hist, nil
}

// Cases lists every case, open and closed (its id and latest run), newest
// first, as Temporal's visibility store knows them; query narrows the
// list further (a visibility query such as "StartTime >= '2026-11-01T00:00:00Z'").
func Cases(ctx context.Context, c client.Client, query ...string) ([]workflow.Execution, error) {
	q := "WorkflowType = '" + contract.WorkflowName + "'"
	for _, extra := range query {
		q += " AND " + extra
	}
	var out []workflow.Execution
	req := &workflowservice.ListWorkflowExecutionsRequest{Query: q, PageSize: 1000}
	for {
		resp, err := c.ListWorkflow(ctx, req)
		if err != nil {
			return out, fmt.Errorf("engine: list cases: %w", err)
		}
		for _, e := range resp.GetExecutions() {
			out = append(out, workflow.Execution{ID: e.GetExecution().GetWorkflowId(), RunID: e.GetExecution().GetRunId()})
		}
		if req.NextPageToken = resp.GetNextPageToken(); len(req.NextPageToken) == 0 {
			return out, nil
		}
	}
}
