package audit_test

import (
	"bytes"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"

	"github.com/dossier/dossier/internal/audit"
	"github.com/dossier/dossier/internal/cases"
	"github.com/dossier/dossier/internal/contract"
	"github.com/dossier/dossier/internal/histtest"
)

// history reads a stored case history, recorded from the dev stack.
func history(t *testing.T, name string) *historypb.History { return histtest.Load(t, name) }

func timeline(t *testing.T, name string) audit.Timeline {
	t.Helper()
	tl, err := audit.TimelineOf(history(t, name))
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	if len(tl.Problems) > 0 {
		t.Errorf("%s: parts not read: %v", name, tl.Problems)
	}
	return tl
}

func stages(tl audit.Timeline) []contract.Stage {
	var out []contract.Stage
	for _, s := range tl.Stages {
		out = append(out, s.Stage)
	}
	return out
}

var delivered = []contract.Stage{contract.StagePrefilling, contract.StageDrafting, contract.StageAwaitingApproval,
	contract.StageRendering, contract.StageNotifying, contract.StageCompleted}

func TestTimelineOfStoredHistories(t *testing.T) {
	tests := []struct {
		name   string
		stages []contract.Stage
		check  func(t *testing.T, tl audit.Timeline)
	}{
		{"approved", delivered, func(t *testing.T, tl audit.Timeline) {
			if len(tl.Reviews) != 1 || tl.Reviews[0].Decision != contract.DecisionApprove || tl.Reviews[0].Reviewer.Name == "" ||
				tl.Reviews[0].Result != contract.StageRendering {
				t.Errorf("reviews %+v, want one approval by a named reviewer that moved the case to rendering", tl.Reviews)
			}
			if tl.Letter == nil || len(tl.Letter.SHA256) != 64 || tl.Letter.Approver.ID != tl.Reviews[0].Reviewer.ID {
				t.Errorf("letter %+v, want its SHA-256 and its approver", tl.Letter)
			}
			if len(tl.Notified) != 1 || !tl.Notified[0].OK || tl.Notified[0].Channel != contract.ChannelEmail || tl.Notified[0].MessageID == "" {
				t.Errorf("notifications %+v, want one email sent", tl.Notified)
			}
			if tl.SubmittedBy.ID != "nats-intake" || tl.Channel != "nats" || tl.Status != "completed" {
				t.Errorf("submitted by %q over %q, status %q", tl.SubmittedBy.ID, tl.Channel, tl.Status)
			}
		}},
		{"approved-local-publish", delivered, func(t *testing.T, tl audit.Timeline) {
			var types []string
			for _, e := range tl.Events {
				types = append(types, e.Type)
			}
			if strings.Join(types, ",") != "submitted,drafted,approved,rendered,notified,completed" {
				t.Errorf("events %v, want the six published from local activities", types)
			}
			if len(tl.Reviews) != 1 || tl.Letter == nil || len(tl.Notified) != 1 {
				t.Errorf("reviews %+v, letter %+v, notifications %+v", tl.Reviews, tl.Letter, tl.Notified)
			}
		}},
		{"rejected", []contract.Stage{contract.StagePrefilling, contract.StageDrafting, contract.StageAwaitingApproval, contract.StageRejected},
			func(t *testing.T, tl audit.Timeline) {
				if len(tl.Reviews) != 1 || tl.Reviews[0].Decision != contract.DecisionReject || tl.Reviews[0].Comment != "Demande hors compétence de la commune." {
					t.Errorf("reviews %+v, want the rejection and its comment", tl.Reviews)
				}
				if tl.Letter != nil || tl.Edits != nil {
					t.Errorf("a rejected case has a letter %+v or edits %+v", tl.Letter, tl.Edits)
				}
			}},
		{"llm-drafted-edited-approved", delivered, func(t *testing.T, tl audit.Timeline) {
			d := tl.Drafts[0]
			if d.Drafter != "llm" || d.Model != "mistral-small-3.2-24b" || d.ModelServed != "mistral-small-3.2-24b-served" || d.Endpoint != "local" ||
				len(d.PromptHash) != 64 || len(d.Guardrails) != 6 || d.PromptTokens == 0 || len(d.Attempts) != 1 {
				t.Errorf("draft provenance %+v", d.Draft)
			}
			e := tl.Edits
			if e == nil || e.Drafter != "llm" || e.KeptRatio != 0.957 || e.AddedWords != 4 || e.RemovedWords != 0 ||
				len(e.Changes) != 1 || e.Changes[0].Added != "que nous vous invitons" {
				t.Errorf("edits %+v, want 4 words added to the model's text, 95.7 %% kept", e)
			}
			if tl.Letter.Version != 2 || tl.Letter.EditedBy != "camille" || tl.Reviews[0].Body == "" {
				t.Errorf("letter v%d edited by %q; the approval must carry the edited body", tl.Letter.Version, tl.Letter.EditedBy)
			}
		}},
		{"changes-requested-then-edited", []contract.Stage{contract.StagePrefilling, contract.StageDrafting, contract.StageAwaitingApproval,
			contract.StageDrafting, contract.StageAwaitingApproval, contract.StageRendering, contract.StageNotifying, contract.StageCompleted},
			func(t *testing.T, tl audit.Timeline) {
				if len(tl.Drafts) != 2 || tl.Drafts[1].Comment != "Préciser le service instructeur." || tl.Reviews[0].Decision != contract.DecisionRequestChanges {
					t.Errorf("drafts %d, reviews %+v: want a second draft answering the request", len(tl.Drafts), tl.Reviews)
				}
				if e := tl.Edits; e == nil || e.DraftVersion != 2 || e.LetterVersion != 3 || e.AddedWords != 8 {
					t.Errorf("edits %+v, want v2 → v3 with one sentence added", e)
				}
			}},
		{"failed-prefill-not-found", []contract.Stage{contract.StagePrefilling, contract.StageFailed}, func(t *testing.T, tl audit.Timeline) {
			if f := tl.Failure; f == nil || !strings.Contains(f.Message, "W499999999") || len(f.Fields) != 1 || f.Fields[0].Field != "facts.rna_number" {
				t.Errorf("failure %+v, want the legacy record not found", f)
			}
			if tl.Status != "failed" || len(tl.Drafts) != 0 {
				t.Errorf("status %s, %d drafts", tl.Status, len(tl.Drafts))
			}
		}},
		{"approved-lean", delivered, func(t *testing.T, tl audit.Timeline) {
			// the prefill ran as a local activity: its facts come from its marker
			i := slices.IndexFunc(tl.Facts, func(f audit.Fact) bool { return f.Name == "request_subject" })
			if i < 0 || tl.Facts[i].Source.Origin != "submission" || tl.TemplateVersion == 0 || tl.Deadline == nil {
				t.Errorf("facts %+v, template version %d, deadline %+v, want the prefill's", tl.Facts, tl.TemplateVersion, tl.Deadline)
			}
			if len(tl.Events) != 6 || len(tl.Reviews) != 1 || tl.Letter == nil || len(tl.Notified) != 1 || !tl.Notified[0].OK {
				t.Errorf("events %d, reviews %+v, letter %+v, notifications %+v", len(tl.Events), tl.Reviews, tl.Letter, tl.Notified)
			}
		}},
		{"failed-prefill-not-found-lean", []contract.Stage{contract.StagePrefilling, contract.StageFailed}, func(t *testing.T, tl audit.Timeline) {
			if f := tl.Failure; f == nil || !strings.Contains(f.Message, "W499999999") || len(f.Fields) != 1 || f.Fields[0].Field != "facts.rna_number" {
				t.Errorf("failure %+v, want the legacy record not found", f)
			}
			if len(tl.Facts) != 0 || len(tl.Drafts) != 0 {
				t.Errorf("facts %+v, %d drafts from a failed prefill", tl.Facts, len(tl.Drafts))
			}
		}},
		{"failed-prefill", []contract.Stage{contract.StagePrefilling, contract.StageFailed}, func(t *testing.T, tl audit.Timeline) {
			if f := tl.Failure; f == nil || len(f.Fields) != 1 || f.Fields[0].Field != "applicant.email" {
				t.Errorf("failure %+v, want the invalid email", f)
			}
		}},
		{"prefilled-with-conflict-approved", delivered, func(t *testing.T, tl audit.Timeline) {
			i := slices.IndexFunc(tl.Facts, func(f audit.Fact) bool { return f.Name == "siret" })
			if i < 0 || tl.Facts[i].Source.Origin != "legacy" || tl.Facts[i].Source.Query != "rna.association" ||
				tl.Facts[i].Source.Key != "W491003456" || tl.Facts[i].Source.At.IsZero() {
				t.Errorf("facts %+v, want the SIRET from legacy.rna.association with its key and time", tl.Facts)
			}
			if len(tl.Flags) != 1 || tl.Flags[0].Kind != "conflict" {
				t.Errorf("flags %+v, want the conflict", tl.Flags)
			}
		}},
		{"cancelled-over-nats", []contract.Stage{contract.StagePrefilling, contract.StageDrafting, contract.StageAwaitingApproval, contract.StageCancelled},
			func(t *testing.T, tl audit.Timeline) {
				if tl.Status != "canceled" || tl.Cancel == nil || tl.Channel != "nats" {
					t.Errorf("status %s, cancel %+v, channel %s", tl.Status, tl.Cancel, tl.Channel)
				}
			}},
		{"documents-received", []contract.Stage{contract.StagePrefilling, contract.StageDrafting, contract.StageAwaitingApproval,
			contract.StageAwaitingDocuments, contract.StageAwaitingApproval, contract.StageRendering, contract.StageNotifying, contract.StageCompleted},
			func(t *testing.T, tl audit.Timeline) {
				if len(tl.Requests) != 1 {
					t.Fatalf("requests %+v", tl.Requests)
				}
				r := tl.Requests[0]
				if len(r.Documents) != 2 || r.Letter == "" || r.DueDate != "2026-12-11" || r.ReceivedOn == "" || r.Note != "déposées au guichet" || r.ReceivedBy != "nats-intake" {
					t.Errorf("request %+v", r)
				}
			}},
		{"delegated-step-silent-then-done", nil, func(t *testing.T, tl audit.Timeline) {
			if len(tl.Steps) != 2 || tl.Steps[0].Status != "failed" || !strings.Contains(tl.Steps[0].Error, "no sign of life") ||
				tl.Steps[1].Status != "done" || tl.Steps[1].Result["visa"] != "VISA-1" || tl.Steps[1].Task != "visa" {
				t.Errorf("steps %+v, want a silent visa, then one done", tl.Steps)
			}
		}},
		{"print-timed-out", delivered, func(t *testing.T, tl audit.Timeline) {
			if len(tl.Notified) != 2 || !tl.Notified[0].OK || tl.Notified[1].Channel != contract.ChannelPostal || tl.Notified[1].OK ||
				!strings.Contains(tl.Notified[1].Error, "timeout") {
				t.Errorf("notifications %+v, want the email sent and the post timed out", tl.Notified)
			}
			if tl.Letter.VerificationCode == "" {
				t.Error("no verification code")
			}
		}},
		{"email-and-post", delivered, func(t *testing.T, tl audit.Timeline) {
			if len(tl.Notified) != 2 || !tl.Notified[1].OK || tl.Notified[1].MessageID == "" {
				t.Errorf("notifications %+v, want the email and the post with its tracking number", tl.Notified)
			}
		}},
		{"email-and-post-lean", delivered, func(t *testing.T, tl audit.Timeline) {
			// the email went in a local activity, the post as an activity
			channels := map[string]bool{}
			for _, n := range tl.Notified {
				channels[n.Channel] = n.OK && n.MessageID != "" && !n.At.IsZero()
			}
			if len(tl.Notified) != 2 || !channels[contract.ChannelEmail] || !channels[contract.ChannelPostal] {
				t.Errorf("notifications %+v, want the email with its message id and the post with its tracking number", tl.Notified)
			}
		}},
		{"two-approvals", delivered, func(t *testing.T, tl audit.Timeline) {
			if len(tl.Reviews) != 2 || tl.Reviews[0].Reviewer.ID == tl.Reviews[1].Reviewer.ID || tl.Reviews[0].Result != contract.StageAwaitingApproval {
				t.Errorf("reviews %+v, want two approvers, the first one keeping the case awaiting approval", tl.Reviews)
			}
			if tl.Approval.Approvals != 2 {
				t.Errorf("approval policy %+v", tl.Approval)
			}
		}},
		{"escalated-assigned", delivered, func(t *testing.T, tl audit.Timeline) {
			if len(tl.Assigned) != 1 || tl.Assigned[0].Assignee != "camille" {
				t.Errorf("assignments %+v", tl.Assigned)
			}
			if !slices.ContainsFunc(tl.Events, func(e contract.Event) bool { return e.Type == contract.EventEscalated }) {
				t.Error("no escalated event")
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tl := timeline(t, tt.name)
			if tt.stages != nil && !slices.Equal(stages(tl), tt.stages) {
				t.Errorf("stages %v, want %v", stages(tl), tt.stages)
			}
			checkDurations(t, tl)
			tt.check(t, tl)
		})
	}
}

// checkDurations checks that each stage lasts until the next one starts,
// and that a closed case's last stage is not ongoing.
func checkDurations(t *testing.T, tl audit.Timeline) {
	t.Helper()
	for i, s := range tl.Stages {
		if i+1 < len(tl.Stages) && s.Start.Add(s.Duration) != tl.Stages[i+1].Start {
			t.Errorf("stage %s lasts %v but the next starts at %v", s.Stage, s.Duration, tl.Stages[i+1].Start)
		}
		if s.Ongoing || s.Duration < 0 {
			t.Errorf("stage %s of a closed case: ongoing %v, duration %v", s.Stage, s.Ongoing, s.Duration)
		}
	}
}

// TestTimelineOfOlderHistory reads a history without the CaseStage search
// attribute, as cases started before it have: the stages come from the
// published events.
func TestTimelineOfOlderHistory(t *testing.T) {
	h := history(t, "approved")
	h.Events = slices.DeleteFunc(h.Events, func(e *historypb.HistoryEvent) bool {
		return e.GetEventType() == enumspb.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES
	})
	tl, err := audit.TimelineOf(h)
	if err != nil {
		t.Fatal(err)
	}
	if got := stages(tl); !slices.Equal(got, delivered) {
		t.Errorf("stages %v, want them from the events", got)
	}
}

// TestTimelineOfRunningCase: the stage a running case is in has no
// duration yet.
func TestTimelineOfRunningCase(t *testing.T) {
	h := history(t, "rejected")
	i := slices.IndexFunc(h.Events, func(e *historypb.HistoryEvent) bool {
		return e.GetEventType() == enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED
	})
	h.Events = h.Events[:i]
	tl, err := audit.TimelineOf(h)
	if err != nil {
		t.Fatal(err)
	}
	last := tl.Stages[len(tl.Stages)-1]
	if tl.Status != "running" || last.Stage != contract.StageAwaitingApproval || !last.Ongoing || len(tl.Reviews) != 0 {
		t.Errorf("status %s, last stage %+v, reviews %d", tl.Status, last, len(tl.Reviews))
	}
}

func TestTimelineKeepsTheCaseRefusals(t *testing.T) {
	tl := timeline(t, "approved")
	at := tl.SubmittedAt
	refused := []cases.Refusal{
		{CaseID: tl.CaseID, Action: "review:approve", Kind: cases.KindForbidden, Reason: "four-eyes rule", At: at.Add(2 * time.Second)},
		{CaseID: "another-case", Action: "review:approve", At: at},
		{CaseID: tl.CaseID, Action: "review:approve", Kind: cases.KindConflict, Reason: "draft version 2 is stale", At: at.Add(time.Second)},
	}
	got, err := audit.TimelineOf(history(t, "approved"), refused...)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Refused) != 2 || got.Refused[0].Kind != cases.KindConflict || got.Refused[1].Kind != cases.KindForbidden {
		t.Errorf("refused %+v, want this case's two, oldest first", got.Refused)
	}
	var out bytes.Buffer
	if err := audit.WriteText(&out, got); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Refused attempts (kept on NATS", "four-eyes rule", "approve by", "SHA-256"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("text timeline lacks %q:\n%s", want, out.String())
		}
	}
}

func TestTimelineOfWhatIsNotACase(t *testing.T) {
	if _, err := audit.TimelineOf(&historypb.History{}); !errors.Is(err, audit.ErrEmpty) {
		t.Errorf("empty history: %v", err)
	}
	h := history(t, "approved")
	h.Events = h.Events[1:]
	if _, err := audit.TimelineOf(h); !errors.Is(err, audit.ErrNotACase) {
		t.Errorf("history without its start: %v", err)
	}
}
