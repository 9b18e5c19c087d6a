package audit

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/workflow"

	"github.com/dossier/dossier/internal/contract"
	"github.com/dossier/dossier/internal/engine"
)

// Errors of the auditors' tools.
var (
	ErrNotFound       = errors.New("audit: no such case in Temporal")
	ErrNotCaseHistory = errors.New("audit: not a case history")
	ErrNoHistories    = errors.New("audit: no histories")
)

// Export returns case id's history (its latest run) in Temporal's JSON
// format; ErrNotFound when Temporal does not know the case.
func Export(ctx context.Context, c client.Client, id string) ([]byte, error) {
	raw, err := engine.ExportHistory(ctx, c, id)
	return raw, notFound(err, id)
}

// Files returns the histories in paths: JSON files as given, and the
// *.json files of directories in name order. A path that does not exist is
// an error, and so is a directory without histories (ErrNoHistories).
func Files(paths []string) ([]History, error) {
	var out []History
	for _, p := range paths {
		info, err := os.Stat(p)
		if err != nil {
			return nil, err
		}
		if !info.IsDir() {
			out = append(out, file(p))
			continue
		}
		names, err := filepath.Glob(filepath.Join(p, "*.json"))
		if err != nil {
			return nil, err
		}
		if len(names) == 0 {
			return nil, fmt.Errorf("%w: no *.json file in %s", ErrNoHistories, p)
		}
		sort.Strings(names)
		for _, name := range names {
			out = append(out, file(name))
		}
	}
	return out, nil
}

func file(path string) History {
	return History{Name: path, Load: func(context.Context) (*historypb.History, error) {
		f, err := os.Open(path)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		hist, err := client.HistoryFromJSON(f, client.HistoryJSONOptions{})
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrNotCaseHistory, err)
		}
		return hist, nil
	}}
}

// Case returns case id's history (its latest run), fetched from Temporal
// when replayed; loading it fails with ErrNotFound for an unknown case.
func Case(c client.Client, id string) History {
	return run(c, workflow.Execution{ID: id})
}

func run(c client.Client, exec workflow.Execution) History {
	return History{Name: exec.ID, Execution: exec, Load: func(ctx context.Context) (*historypb.History, error) {
		hist, err := engine.History(ctx, c, exec.ID, exec.RunID)
		return hist, notFound(err, exec.ID)
	}}
}

// AllCases returns the histories of every case Temporal's visibility
// store lists, open and closed, started at or after since unless it is
// zero; each is fetched when replayed.
func AllCases(ctx context.Context, c client.Client, since time.Time) ([]History, error) {
	var query []string
	if !since.IsZero() {
		query = append(query, fmt.Sprintf("StartTime >= '%s'", since.UTC().Format(time.RFC3339)))
	}
	execs, err := engine.Cases(ctx, c, query...)
	if err != nil {
		return nil, fmt.Errorf("audit: %w", err)
	}
	out := make([]History, 0, len(execs))
	for _, e := range execs {
		out = append(out, run(c, e))
	}
	return out, nil
}

func notFound(err error, id string) error {
	var nf *serviceerror.NotFound
	if errors.As(err, &nf) {
		return fmt.Errorf("%w: %s", ErrNotFound, id)
	}
	return err
}

// checkCase refuses what is not the history of a case: JSON that decodes
// to no events, or another workflow's history.
func checkCase(hist *historypb.History) error {
	events := hist.GetEvents()
	if len(events) == 0 {
		return fmt.Errorf("%w: no events", ErrNotCaseHistory)
	}
	first := events[0]
	if first.GetEventType() != enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED {
		return fmt.Errorf("%w: it starts with %s, not WorkflowExecutionStarted", ErrNotCaseHistory, first.GetEventType())
	}
	if typ := first.GetWorkflowExecutionStartedEventAttributes().GetWorkflowType().GetName(); typ != contract.WorkflowName {
		return fmt.Errorf("%w: workflow type %q, not %s", ErrNotCaseHistory, typ, contract.WorkflowName)
	}
	return nil
}
