package workflows

import (
	"os"
	"testing"

	enumspb "go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"
	"go.temporal.io/sdk/client"

	"github.com/dossier/dossier/internal/contract"
)

// leanShape is what a stored history says about the cost of a case: the
// version markers, the activities scheduled, the search attribute upserts
// and the workflow tasks.
type leanShape struct {
	versionMarkers, upserts, workflowTasks int
	activities                             []string
}

func shapeOf(t *testing.T, name string) leanShape {
	t.Helper()
	f, err := os.Open("testdata/histories/" + name + ".json")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	h, err := client.HistoryFromJSON(f, client.HistoryJSONOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var s leanShape
	for _, e := range h.GetEvents() {
		switch e.GetEventType() {
		case enumspb.EVENT_TYPE_MARKER_RECORDED:
			if e.GetMarkerRecordedEventAttributes().GetMarkerName() == "Version" {
				s.versionMarkers++
			}
		case enumspb.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES:
			s.upserts++
		case enumspb.EVENT_TYPE_WORKFLOW_TASK_COMPLETED:
			s.workflowTasks++
		case enumspb.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED:
			s.activities = append(s.activities, activityName(e))
		}
	}
	return s
}

func activityName(e *historypb.HistoryEvent) string {
	return e.GetActivityTaskScheduledEventAttributes().GetActivityType().GetName()
}

// TestLeanCaseCostsLess compares an approved case before and since
// versionLeanCase, both recorded from the dev stack: one version marker
// instead of one per change, the prefill in the first workflow task, and
// the stage's search attributes upserted with the ones set just before it.
func TestLeanCaseCostsLess(t *testing.T) {
	before, lean := shapeOf(t, "approved-local-publish"), shapeOf(t, "approved-lean")
	if lean.versionMarkers != 1 || before.versionMarkers < 3 {
		t.Errorf("version markers: %d before, %d lean; want one for the lean case", before.versionMarkers, lean.versionMarkers)
	}
	for _, a := range lean.activities {
		if a == contract.ActivityPrefill {
			t.Errorf("lean case scheduled the prefill as an activity: %v", lean.activities)
		}
	}
	// one upsert per stage change after the start (drafting, awaiting
	// approval, rendering, notifying, completed) and the version's
	if lean.upserts != 6 || lean.upserts >= before.upserts {
		t.Errorf("upserts: %d before, %d lean; want 6", before.upserts, lean.upserts)
	}
	if lean.workflowTasks != before.workflowTasks-1 {
		t.Errorf("workflow tasks: %d before, %d lean; want one fewer", before.workflowTasks, lean.workflowTasks)
	}
}
