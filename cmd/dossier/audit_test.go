package main_test

import (
	"bytes"
	"errors"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"github.com/dossier/dossier/internal/contract"
	"github.com/dossier/dossier/workflows"
)

const storedHistories = "../../workflows/testdata/histories"

// run runs the dossier binary with args and the environment variables env
// added, and returns what it printed and its exit status.
func run(t *testing.T, env []string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	cmd := exec.Command(buildDossier(t), args...)
	cmd.Env = append(os.Environ(), env...)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		return out.String(), errOut.String(), exit.ExitCode()
	}
	if err != nil {
		t.Fatalf("dossier %v: %v", args, err)
	}
	return out.String(), errOut.String(), 0
}

// TestAuditReplayFiles replays the stored histories and a copy of one in
// which an activity was renamed, and refuses what it cannot replay.
func TestAuditReplayFiles(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(storedHistories, "*.json"))
	n := strconv.Itoa(len(files))
	out, errOut, code := run(t, nil, "audit", "replay", storedHistories)
	if code != 0 || !strings.Contains(out, n+" replayed, "+n+" ok, 0 diverged in ") || strings.Count(out, ": ok\n") != len(files) {
		t.Fatalf("replay of the stored histories: exit %d\n%s%s", code, out, errOut)
	}

	dir := t.TempDir()
	raw, err := os.ReadFile(filepath.Join(storedHistories, "approved.json"))
	if err != nil {
		t.Fatal(err)
	}
	renamed := bytes.Replace(raw, []byte(`"name":  "Render"`), []byte(`"name":  "RenderV2"`), 1)
	if bytes.Equal(renamed, raw) {
		t.Fatal("approved.json schedules no Render activity")
	}
	diverging := filepath.Join(dir, "approved-renamed.json")
	if err := os.WriteFile(diverging, renamed, 0o644); err != nil {
		t.Fatal(err)
	}
	out, errOut, code = run(t, nil, "audit", "replay", filepath.Join(storedHistories, "rejected.json"), diverging)
	for _, want := range []string{"history " + diverging + ": diverges at event 42 (ActivityTaskScheduled): [TMPRL1100]",
		"Name:RenderV2", "2 replayed, 1 ok, 1 diverged in "} {
		if code != 1 || !strings.Contains(out, want) {
			t.Errorf("replay of a renamed activity: exit %d, want 1 and %q\n%s%s", code, want, out, errOut)
		}
	}

	notHistory := filepath.Join(dir, "letter.json")
	if err := os.WriteFile(notHistory, []byte("%PDF-1.7"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		args     []string
		wantCode int
		want     string
	}{
		{"missing file", []string{"audit", "replay", filepath.Join(dir, "lost.json")}, 1, "lost.json: no such file or directory"},
		{"not a history", []string{"audit", "replay", notHistory}, 1, "history " + notHistory + ": cannot be read: audit: not a case history"},
		{"no source", []string{"audit", "replay"}, 2, "give one source: history files or folders, --case ID or --all"},
		{"two sources", []string{"audit", "replay", "--all", storedHistories}, 2, "give one source"},
		{"since without all", []string{"audit", "replay", "--since", "2026-11-20", storedHistories}, 2, "--since goes with --all"},
		{"since not a date", []string{"audit", "replay", "--all", "--since", "yesterday"}, 2, "want a duration ago"},
		{"export without a case", []string{"audit", "export"}, 2, "expected \"<case>\""},
	}
	for _, tt := range tests {
		out, errOut, code := run(t, nil, tt.args...)
		if code != tt.wantCode || !strings.Contains(out+errOut, tt.want) {
			t.Errorf("%s: exit %d, want %d and %q\n%s%s", tt.name, code, tt.wantCode, tt.want, out, errOut)
		}
	}
}

// TestAuditAgainstDevStack exports and replays the cases of a running
// `dossier dev`: one completed, the three demo cases still open.
func TestAuditAgainstDevStack(t *testing.T) {
	dev := startDev(t, buildDossier(t), t.TempDir())
	status, created := dev.call(t, "POST", "/api/v1/cases", "dev-legacy", submission)
	id, _ := created["id"].(string)
	if status != http.StatusCreated {
		t.Fatalf("submit: %d %v", status, created)
	}
	dev.waitStage(t, id, "awaiting_approval")
	if status, res := dev.call(t, "POST", "/api/v1/cases/"+id+"/review", "dev-camille", `{"decision":"approve","version":1}`); status != http.StatusOK {
		t.Fatalf("approve: %d %v", status, res)
	}
	dev.waitStage(t, id, "completed")
	temporal := "--temporal=" + dev.temporal

	dir := t.TempDir()
	file := filepath.Join(dir, id+".json")
	if _, errOut, code := run(t, nil, "audit", "export", id, "-o", file, temporal); code != 0 || !strings.Contains(errOut, "written to "+file) {
		t.Fatalf("export: exit %d\n%s", code, errOut)
	}
	events := replays(t, file)
	out, errOut, code := run(t, []string{"DOSSIER_TEMPORAL_ADDRESS=" + dev.temporal}, "audit", "export", id)
	stdout := filepath.Join(dir, "stdout.json")
	_ = os.WriteFile(stdout, []byte(out), 0o644)
	if code != 0 || replays(t, stdout) != events {
		t.Errorf("export to standard output, Temporal's address from the environment: exit %d, not the %d events of the file\n%s", code, events, errOut)
	}
	os.Remove(stdout)

	unknown := filepath.Join(dir, "unknown.json")
	if _, errOut, code := run(t, nil, "audit", "export", "no-such-case", "-o", unknown, temporal); code != 1 || !strings.Contains(errOut, "no such case in Temporal: no-such-case") {
		t.Errorf("export of an unknown case: exit %d, want 1 and the case named\n%s", code, errOut)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("export of an unknown case left files behind: %v", entries)
	}
	if _, errOut, code := run(t, nil, "audit", "export", id, "--namespace", "elsewhere", temporal); code != 1 || !strings.Contains(errOut, "elsewhere") {
		t.Errorf("export from an unknown namespace: exit %d, want 1 naming it\n%s", code, errOut)
	}

	yesterday, tomorrow := time.Now().AddDate(0, 0, -1).Format(time.DateOnly), time.Now().AddDate(0, 0, 1).Format(time.DateOnly)
	tests := []struct {
		name     string
		args     []string
		wantCode int
		want     []string
	}{
		{"exported file", []string{file}, 0, []string{"history " + file + ": ok", "1 replayed, 1 ok, 0 diverged"}},
		{"one case", []string{"--case", id, temporal}, 0, []string{"history " + id + ": ok", "1 replayed, 1 ok, 0 diverged"}},
		{"all cases, closed and open", []string{"--all", temporal}, 0, []string{"history " + id + ": ok", "4 replayed, 4 ok, 0 diverged"}},
		{"all cases since yesterday", []string{"--all", "--since", yesterday, temporal}, 0, []string{"4 replayed, 4 ok, 0 diverged"}},
		{"all cases since tomorrow", []string{"--all", "--since", tomorrow, temporal}, 0, []string{"No case to replay."}},
		{"unknown case", []string{"--case", "no-such-case", temporal}, 1, []string{"history no-such-case: cannot be read: audit: no such case in Temporal: no-such-case"}},
	}
	for _, tt := range tests {
		out, errOut, code := run(t, nil, append([]string{"audit", "replay"}, tt.args...)...)
		for _, want := range tt.want {
			if code != tt.wantCode || !strings.Contains(out, want) {
				t.Errorf("replay %s: exit %d, want %d and %q\n%s%s", tt.name, code, tt.wantCode, want, out, errOut)
			}
		}
	}
}

// replays checks that file holds a history Temporal's SDK reads and
// replays against the case workflow, and returns its number of events.
func replays(t *testing.T, file string) int {
	t.Helper()
	raw, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	hist, err := client.HistoryFromJSON(bytes.NewReader(raw), client.HistoryJSONOptions{})
	if err != nil || len(hist.GetEvents()) == 0 {
		t.Fatalf("%s is not a history: %v", file, err)
	}
	replayer := worker.NewWorkflowReplayer()
	replayer.RegisterWorkflowWithOptions(workflows.CaseWorkflow, workflow.RegisterOptions{Name: contract.WorkflowName})
	if err := replayer.ReplayWorkflowHistory(nil, hist); err != nil {
		t.Fatalf("%s does not replay: %v", file, err)
	}
	return len(hist.GetEvents())
}
