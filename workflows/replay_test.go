package workflows

import (
	"path/filepath"
	"testing"

	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"github.com/dossier/dossier/internal/contract"
)

// historyFiles are the stored case histories, one per path a case can
// take, recorded from the real dev stack by
// `go test ./internal/devstack -record-histories`.
func historyFiles(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob("testdata/histories/*.json")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 13 {
		t.Fatalf("found %d stored histories, want one per path (approve, reject, changes requested, failed prefill, legacy not found, "+
			"prefill conflict, model draft edited, escalated and assigned, deadline timers cancelled, two approvals)", len(files))
	}
	return files
}

// TestReplayStoredHistories replays every stored history against the
// current workflow code: a change that is not behind workflow.GetVersion
// fails here.
func TestReplayStoredHistories(t *testing.T) {
	for _, file := range historyFiles(t) {
		t.Run(filepath.Base(file), func(t *testing.T) {
			replayer := worker.NewWorkflowReplayer()
			replayer.RegisterWorkflowWithOptions(CaseWorkflow, workflow.RegisterOptions{Name: contract.WorkflowName})
			if err := replayer.ReplayWorkflowHistoryFromJSONFile(nil, file); err != nil {
				t.Fatalf("replay %s: %v", file, err)
			}
		})
	}
}

// TestReplayCatchesChangedWorkflow proves the replay test can fail: a
// workflow that skips the submitted event diverges from every history.
func TestReplayCatchesChangedWorkflow(t *testing.T) {
	changed := func(ctx workflow.Context, in contract.CaseInput) (contract.CaseState, error) {
		c := newCaseRun(in)
		if err := c.setup(ctx); err != nil {
			return c.state, err
		}
		if err := c.prefillStage(ctx); err != nil { // no "submitted" event first
			return c.state, c.fail(ctx, err)
		}
		return c.state, nil
	}
	for _, file := range historyFiles(t) {
		replayer := worker.NewWorkflowReplayer()
		replayer.RegisterWorkflowWithOptions(changed, workflow.RegisterOptions{Name: contract.WorkflowName})
		if err := replayer.ReplayWorkflowHistoryFromJSONFile(nil, file); err == nil {
			t.Errorf("%s: a changed workflow replayed without error", filepath.Base(file))
		}
	}
}
