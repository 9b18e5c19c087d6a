package audit_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"go.temporal.io/sdk/workflow"

	"github.com/dossier/dossier/internal/audit"
	"github.com/dossier/dossier/internal/contract"
)

// stored is the folder of the histories recorded from the dev stack.
const stored = "../../workflows/testdata/histories"

func TestReplayStoredHistories(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(stored, "*.json"))
	histories, err := audit.Files([]string{stored})
	if err != nil {
		t.Fatal(err)
	}
	var report, progress bytes.Buffer
	s := audit.Replay(context.Background(), histories, audit.Options{Parallel: 4, Report: &report, Progress: &progress, ProgressEvery: time.Nanosecond})
	if len(files) < 16 || s.OK != len(files) || s.Diverged != 0 || s.Unreadable != 0 || s.Failed() {
		t.Fatalf("%d stored histories: %s\n%s", len(files), s, report.String())
	}
	lines := strings.Split(strings.TrimSpace(report.String()), "\n")
	for i, file := range files {
		if want := "history " + file + ": ok"; i >= len(lines) || lines[i] != want {
			t.Errorf("report line %d: want %q in name order; report:\n%s", i+1, want, report.String())
			break
		}
	}
	if want := "replayed " + strconv.Itoa(len(files)) + "/" + strconv.Itoa(len(files)); !strings.Contains(progress.String(), want) {
		t.Errorf("progress %q lacks %q", progress.String(), want)
	}
	if want := strconv.Itoa(len(files)) + " replayed, " + strconv.Itoa(len(files)) + " ok, 0 diverged in "; !strings.HasPrefix(s.String(), want) {
		t.Errorf("summary %q, want it to start with %q", s, want)
	}
}

func TestReplayNamesTheFirstDivergingEvent(t *testing.T) {
	dir := t.TempDir()
	renamed, renamedAt := diverging(t, dir, "approved", "Render", "RenderV2")
	skipAll := func(workflow.Context, contract.CaseInput) (contract.CaseState, error) {
		return contract.CaseState{}, nil
	}
	tests := []struct {
		name     string
		files    []string // the last one diverges
		workflow any
		want     audit.Divergence
	}{
		{"an activity renamed in the history", []string{filepath.Join(stored, "two-approvals.json"), renamed}, nil,
			audit.Divergence{EventID: renamedAt, EventType: "ActivityTaskScheduled"}},
		// The first command of every case publishes its submitted event.
		{"a workflow that does nothing", []string{filepath.Join(stored, "rejected.json")}, skipAll,
			audit.Divergence{EventID: 5, EventType: "ActivityTaskScheduled"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			histories, err := audit.Files(tt.files)
			if err != nil {
				t.Fatal(err)
			}
			var report bytes.Buffer
			s := audit.Replay(context.Background(), histories, audit.Options{Workflow: tt.workflow, Report: &report})
			if !s.Failed() || s.Diverged != 1 || s.OK != len(tt.files)-1 {
				t.Fatalf("summary %s, want the last history to diverge", s)
			}
			file := tt.files[len(tt.files)-1]
			got := s.Results[len(s.Results)-1]
			if got.Status != audit.Diverged || got.At != tt.want || got.Name != file {
				t.Errorf("result %+v, want %s diverging %s", got, file, tt.want)
			}
			line := "history " + file + ": diverges " + tt.want.String() + ": [TMPRL1100] "
			if !strings.Contains(report.String(), line) {
				t.Errorf("report lacks %q:\n%s", line, report.String())
			}
		})
	}
}

func TestReplayRefusesWhatIsNotAHistory(t *testing.T) {
	if _, err := audit.Files([]string{filepath.Join(stored, "lost.json")}); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("a missing file: %v, want it named as not existing", err)
	}
	if _, err := audit.Files([]string{t.TempDir()}); !errors.Is(err, audit.ErrNoHistories) {
		t.Errorf("a folder without histories: %v, want ErrNoHistories", err)
	}
	dir := t.TempDir()
	raw, err := os.ReadFile(filepath.Join(stored, "approved.json"))
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{
		"letter.json":  []byte("%PDF-1.7"),
		"empty.json":   []byte(`{"events": []}`),
		"payroll.json": bytes.Replace(raw, []byte(`"CaseWorkflow"`), []byte(`"PayrollWorkflow"`), 1),
	}
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), content, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	histories, err := audit.Files([]string{dir})
	if err != nil {
		t.Fatal(err)
	}
	var report bytes.Buffer
	s := audit.Replay(context.Background(), histories, audit.Options{Report: &report})
	if s.Unreadable != len(files) || s.OK+s.Diverged != 0 || !s.Failed() {
		t.Fatalf("summary %s, want all %d unreadable", s, len(files))
	}
	for _, r := range s.Results {
		if !errors.Is(r.Err, audit.ErrNotCaseHistory) || !strings.Contains(report.String(), "history "+r.Name+": cannot be read: audit: not a case history") {
			t.Errorf("%s: %v, want it named as not a case history; report:\n%s", r.Name, r.Err, report.String())
		}
	}
}

// diverging writes to dir a copy of the stored history name in which the
// activity from is scheduled as to instead, and returns its path and the
// id of the event changed.
func diverging(t *testing.T, dir, name, from, to string) (string, int64) {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(stored, name+".json"))
	if err != nil {
		t.Fatal(err)
	}
	var hist struct {
		Events []map[string]any `json:"events"`
	}
	if err := json.Unmarshal(raw, &hist); err != nil {
		t.Fatal(err)
	}
	for _, e := range hist.Events {
		attrs, _ := e["activityTaskScheduledEventAttributes"].(map[string]any)
		if typ, _ := attrs["activityType"].(map[string]any); typ != nil && typ["name"] == from {
			typ["name"] = to
			id, _ := strconv.ParseInt(e["eventId"].(string), 10, 64)
			path := filepath.Join(dir, name+"-diverging.json")
			out, _ := json.Marshal(hist)
			if err := os.WriteFile(path, out, 0o644); err != nil {
				t.Fatal(err)
			}
			return path, id
		}
	}
	t.Fatalf("%s schedules no %s activity", name, from)
	return "", 0
}
