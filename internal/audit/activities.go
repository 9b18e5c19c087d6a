package audit

import (
	"slices"
	"strings"
	"time"

	commonpb "go.temporal.io/api/common/v1"
	failurepb "go.temporal.io/api/failure/v1"
	historypb "go.temporal.io/api/history/v1"

	"github.com/dossier/dossier/internal/contract"
)

// scheduled reads what an activity was asked, when that is what the
// timeline needs: the stage events (published even if publishing later
// failed: the history keeps the transition) and the approved letter.
func (b *builder) scheduled(act *activity) {
	switch act.name {
	case contract.ActivityPublish:
		var e contract.Event
		if b.decode("event published at "+act.at.Format(time.RFC3339), act.input, &e) {
			b.published(e)
		}
	case contract.ActivityRender:
		var in contract.RenderInput
		if b.decode("letter rendered at "+act.at.Format(time.RFC3339), act.input, &in) {
			b.approved(in)
		}
	}
}

// localActivityMarker is the SDK's record of a local activity that ran:
// its type (a field of the marker's "data" detail) and its result.
const localActivityMarker = "LocalActivity"

// marker reads a local activity's marker: the stage events published from
// local activities, whose result is the event published, and the prefill
// and email of a lean case.
func (b *builder) marker(m *historypb.MarkerRecordedEventAttributes, at time.Time) {
	if m.GetMarkerName() != localActivityMarker {
		return
	}
	var data struct{ ActivityType string }
	what := "local activity recorded at " + at.Format(time.RFC3339)
	if !b.decode(what, m.GetDetails()["data"], &data) {
		return
	}
	switch data.ActivityType {
	case contract.ActivityPrefill, contract.ActivityNotify:
		// Lean cases try these once locally; a failed try is followed by
		// the ordinary activity, which the timeline reads as usual.
		if m.GetFailure() == nil {
			b.completed(&activity{name: data.ActivityType, at: at, attempts: 1}, m.GetDetails()["result"], at)
		}
		return
	}
	if data.ActivityType != contract.ActivityPublish {
		return
	}
	if m.GetFailure() != nil {
		b.problem("an event recorded at %s was never published: %s", at.Format(time.RFC3339), failureText(m.GetFailure()))
		return
	}
	var e contract.Event
	if b.decode(what, m.GetDetails()["result"], &e) {
		b.published(e)
	}
}

// approved records the letter as approved and sent to rendering, and the
// edits between the latest draft and it.
func (b *builder) approved(in contract.RenderInput) {
	d := in.Draft
	b.t.Letter = &Letter{Version: d.Version, Subject: d.Subject, Body: d.Body, EditedBy: d.EditedBy,
		Approver: in.Approver, ApprovedAt: in.ApprovedAt}
	if b.drafted != nil {
		b.t.Edits = edits(b.drafted.Draft, d)
	}
}

// completed reads what an activity returned.
func (b *builder) completed(act *activity, result *commonpb.Payloads, at time.Time) {
	what := act.name + " result at " + at.Format(time.RFC3339)
	switch act.name {
	case contract.ActivityPrefill:
		var p contract.PrefillResult
		if b.decode(what, result, &p) {
			b.prefilled(p)
		}
	case contract.ActivityDraft:
		var d contract.Draft
		if b.decode(what, result, &d) {
			b.t.Drafts = append(b.t.Drafts, Draft{Draft: d, RequestedAt: act.at, At: at})
			b.drafted = &b.t.Drafts[len(b.t.Drafts)-1]
		}
	case contract.ActivityRender:
		var doc contract.Document
		if b.decode(what, result, &doc) && b.t.Letter != nil {
			b.t.Letter.Document, b.t.Letter.RenderedAt = doc, at
		}
	case contract.ActivityNotify:
		var n contract.Notification
		if b.decode(what, result, &n) {
			b.t.Notified = append(b.t.Notified, Notification{Notification: n, At: at, OK: true, Attempts: act.attempts})
		}
	case contract.ActivityPrint:
		var r contract.PrintResult
		if b.decode(what, result, &r) {
			n := contract.Notification{Channel: contract.ChannelPostal, MessageID: r.Tracking, Location: "print:" + r.Status}
			b.t.Notified = append(b.t.Notified, Notification{Notification: n, At: at, OK: r.Status == "posted", Error: r.Error, Attempts: act.attempts})
		}
	case contract.ActivityDelegate:
		var answer contract.TaskAnswer
		if b.decode(what, result, &answer) {
			b.step(act, at, contract.Delegation{Status: "done", Result: answer.Result})
		}
	}
}

// activityFailed reads an activity that failed or timed out for good.
func (b *builder) activityFailed(id int64, f *failurepb.Failure, at time.Time) {
	act := b.activities[id]
	if act == nil {
		return
	}
	msg := failureText(f)
	switch act.name {
	case contract.ActivityDraft:
		b.t.Drafts = append(b.t.Drafts, Draft{RequestedAt: act.at, Error: msg})
	case contract.ActivityNotify:
		n := contract.Notification{Channel: contract.ChannelEmail}
		b.t.Notified = append(b.t.Notified, Notification{Notification: n, At: at, Error: msg, Attempts: act.attempts})
	case contract.ActivityPrint:
		n := contract.Notification{Channel: contract.ChannelPostal}
		b.t.Notified = append(b.t.Notified, Notification{Notification: n, At: at, Error: msg, Attempts: act.attempts})
	case contract.ActivityDelegate:
		b.step(act, at, contract.Delegation{Status: "failed", Error: msg})
	case contract.ActivityPublish:
		b.problem("an event scheduled at %s was never published: %s", act.at.Format(time.RFC3339), msg)
	}
}

// step records a delegated step that ended at.
func (b *builder) step(act *activity, at time.Time, d contract.Delegation) {
	var in contract.TaskInput
	if b.decode("delegated step scheduled at "+act.at.Format(time.RFC3339), act.input, &in) {
		d.Task, d.At = in.Step.Task, in.Step.At
	}
	d.StartedAt, d.EndedAt = act.at, at
	b.t.Steps = append(b.t.Steps, d)
}

// prefilled records the facts, their sources and flags, and the template
// version's policy the case is pinned to.
func (b *builder) prefilled(p contract.PrefillResult) {
	t := b.t
	t.TemplateVersion, t.Flags, t.Approval, t.Deadline = p.TemplateVersion, p.Flags, p.Approval, p.Deadline
	for name, value := range p.Facts {
		src := p.Sources[name]
		if src.Origin == "" {
			src.Origin = "submission"
		}
		t.Facts = append(t.Facts, Fact{Name: name, Value: value, Source: src})
	}
	slices.SortFunc(t.Facts, func(a, b Fact) int { return strings.Compare(a.Name, b.Name) })
}

// published records a stage event, and what it says about requests for
// documents and a failure.
func (b *builder) published(e contract.Event) {
	t := b.t
	t.Events = append(t.Events, e)
	switch e.Type {
	case contract.EventDocumentsRequested:
		t.Requests = append(t.Requests, contract.DocumentsRequest{Seq: e.Seq, RequestedAt: e.Time, RequestedBy: e.Actor,
			Documents: e.Documents, DueDate: e.DueDate, Comment: e.Reason, Letter: e.Related})
	case contract.EventDocumentsReceived:
		if r := b.request(e.Seq); r != nil {
			r.Received, r.ReceivedBy, r.Note, r.ReceivedAt = e.Documents, e.Actor, e.Reason, e.Time
			r.ReceivedOn = e.Time.In(contract.Paris).Format(time.DateOnly)
			if b.received != nil && b.received.ReceivedOn != "" {
				r.ReceivedOn = b.received.ReceivedOn
			}
			b.received = nil
		}
	case contract.EventDocumentsOverdue:
		if r := b.request(e.Seq); r != nil {
			r.Overdue = true
		}
	case contract.EventTaskFailed: // says why in words a caseworker can act on
		if i := e.Seq - 1; i >= 0 && i < len(t.Steps) && e.Reason != "" {
			t.Steps[i].Error = e.Reason
		}
	case contract.EventFailed:
		t.Failure = &Failure{Message: e.Reason, Fields: e.Errors, At: e.Time}
	}
}

// request is the request for documents numbered seq, or the latest one.
func (b *builder) request(seq int) *contract.DocumentsRequest {
	for i := range b.t.Requests {
		if b.t.Requests[i].Seq == seq {
			return &b.t.Requests[i]
		}
	}
	if n := len(b.t.Requests); n > 0 {
		return &b.t.Requests[n-1]
	}
	return nil
}
