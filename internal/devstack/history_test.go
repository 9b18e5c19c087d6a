package devstack_test

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	sdkclient "go.temporal.io/sdk/client"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"github.com/dossier/dossier/internal/contract"
	"github.com/dossier/dossier/internal/devstack"
	"github.com/dossier/dossier/internal/engine"
	"github.com/dossier/dossier/workflows"
)

var recordHistories = flag.Bool("record-histories", false,
	"store the end-to-end cases' histories in workflows/testdata/histories (new names only: stored ones are never replaced)")

// keepHistory waits for case id to close, exports its history, and replays
// it against the current workflow code. With -record-histories it also
// stores it as workflows/testdata/histories/<name>.json, where the
// workflows package's replay test keeps checking it.
func keepHistory(t *testing.T, app *devstack.App, id, name string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	waitClosed(t, ctx, app.Client(), id)
	raw, err := engine.ExportHistory(ctx, app.Client(), id)
	if err != nil {
		t.Fatal(err)
	}
	hist, err := sdkclient.HistoryFromJSON(bytes.NewReader(raw), sdkclient.HistoryJSONOptions{})
	if err != nil {
		t.Fatalf("exported history does not parse: %v", err)
	}
	replayer := worker.NewWorkflowReplayer()
	replayer.RegisterWorkflowWithOptions(workflows.CaseWorkflow, workflow.RegisterOptions{Name: contract.WorkflowName})
	if err := replayer.ReplayWorkflowHistory(nil, hist); err != nil {
		t.Fatalf("history of %s does not replay: %v", id, err)
	}
	if *recordHistories {
		// A stored history was made by older workflow code: replacing it
		// would stop checking that the current code still replays it.
		path := filepath.Join("..", "..", "workflows", "testdata", "histories", name+".json")
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
		if errors.Is(err, fs.ErrExist) {
			return
		}
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		if _, err := f.Write(raw); err != nil {
			t.Fatal(err)
		}
	}
}

func waitClosed(t *testing.T, ctx context.Context, c sdkclient.Client, id string) {
	t.Helper()
	for {
		desc, err := c.DescribeWorkflowExecution(ctx, id, "")
		if err == nil && desc.GetWorkflowExecutionInfo().GetStatus() != enumspb.WORKFLOW_EXECUTION_STATUS_RUNNING {
			return
		}
		select {
		case <-ctx.Done():
			t.Fatalf("case %s still running: %v", id, err)
		case <-time.After(100 * time.Millisecond):
		}
	}
}
