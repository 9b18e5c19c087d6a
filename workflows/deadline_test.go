package workflows

import (
	"testing"
	"time"

	"go.temporal.io/sdk/workflow"

	"github.com/dossier/dossier/internal/contract"
)

// at is a time in Paris.
func at(day string, hour int) time.Time {
	d, err := time.ParseInLocation(time.DateOnly, day, paris)
	if err != nil {
		panic(err)
	}
	return d.Add(time.Duration(hour) * time.Hour)
}

// withDeadline makes the case's prefill carry a legal deadline on day,
// and starts the case at start.
func (s *caseSuite) withDeadline(start time.Time, day string) {
	s.prefill.Deadline = &contract.LegalDeadline{Rule: "SVR", Months: 1, Date: day}
	s.env.SetStartTime(start)
}

// The default policy reminds 15 and 7 days before the deadline and
// escalates 3 days before, at 00:00 in Paris those days, while the case
// waits for a decision.
func (s *caseSuite) TestRemindersAndEscalation() {
	s.withDeadline(at("2026-11-02", 9), "2026-11-30")
	s.review(26*24*time.Hour, approve(1, camille)) // 28 November, 09:00
	s.env.ExecuteWorkflow(contract.WorkflowName, input(legacy))
	st := s.finalState()
	s.Equal(contract.StageCompleted, st.Stage)
	s.Equal([]string{"submitted", "drafted", "deadline_reminder", "deadline_reminder", "escalated",
		"approved", "rendered", "notified", "completed"}, s.events)
	for i, want := range []struct {
		at     time.Time
		reason string
	}{{at("2026-11-15", 0), "15 days left"}, {at("2026-11-23", 0), "7 days left"}, {at("2026-11-27", 0), "3 days left"}} {
		e := s.published[2+i]
		s.True(want.at.Equal(e.Time), "%s at %v, want %v", e.Type, e.Time, want.at)
		s.Equal(want.reason, e.Reason)
		s.Equal(1, e.Version, "the draft waiting for a decision")
	}
	s.Equal([]int{1, 2, 0}, []int{s.published[2].Seq, s.published[3].Seq, s.published[4].Seq})
	s.Require().Len(st.Reminders, 3)
	s.Equal([]string{"reminder", "reminder", "escalation"}, []string{st.Reminders[0].Kind, st.Reminders[1].Kind, st.Reminders[2].Kind})
	s.Equal([]int{15, 7, 3}, []int{st.Reminders[0].DaysLeft, st.Reminders[1].DaysLeft, st.Reminders[2].DaysLeft})
	s.True(st.Escalated)
	s.Equal(&contract.LegalDeadline{Rule: "SVR", Months: 1, Date: "2026-11-30"}, st.Deadline)
	deadline, _ := s.attrs[contract.SearchDeadline.GetName()].(time.Time)
	s.True(at("2026-11-30", 0).Add(24*time.Hour-time.Second).Equal(deadline), "CaseDeadline = %v", deadline)
	s.Equal(true, s.attrs[contract.SearchEscalated.GetName()])
}

// A case that starts with its escalation threshold past escalates at once,
// before it is drafted; its reminders, past too, are skipped.
func (s *caseSuite) TestEscalatesAtOnceNearItsDeadline() {
	s.withDeadline(at("2026-11-28", 9), "2026-11-30")
	s.review(time.Hour, approve(1, camille))
	s.env.ExecuteWorkflow(contract.WorkflowName, input(legacy))
	st := s.finalState()
	s.Equal([]string{"submitted", "escalated", "drafted", "approved", "rendered", "notified", "completed"}, s.events)
	s.Equal("2 days left", s.published[1].Reason)
	s.True(at("2026-11-28", 9).Equal(s.published[1].Time))
	s.Require().Len(st.Reminders, 1)
	s.Equal(contract.DeadlineNotice{Kind: "escalation", At: st.Reminders[0].At, DaysLeft: 2}, st.Reminders[0])
	s.True(st.Escalated)
}

// A custom policy is followed, and a deadline already passed escalates
// at once, saying so.
func (s *caseSuite) TestPassedDeadlineEscalatesAtOnce() {
	s.withDeadline(at("2026-12-03", 10), "2026-11-30")
	s.review(time.Hour, approve(1, camille))
	in := input(legacy)
	in.Deadlines = contract.DeadlinePolicy{ReminderDays: []int{10}, EscalationDays: 5}
	s.env.ExecuteWorkflow(contract.WorkflowName, in)
	s.Equal([]string{"submitted", "escalated", "drafted", "approved", "rendered", "notified", "completed"}, s.events)
	s.Equal("deadline passed 3 days ago", s.published[1].Reason)
	s.Equal(-3, s.finalState().Reminders[0].DaysLeft)
}

// Once the case is decided, its timers are cancelled: nothing is sent
// after the approval, even while notifying the citizen takes until past
// the deadline.
func (s *caseSuite) TestTimersStopOnceApproved() {
	s.withDeadline(at("2026-11-02", 9), "2026-11-30")
	s.notifyTakes = 20 * 24 * time.Hour
	s.review(14*24*time.Hour, approve(1, camille)) // 16 November: one reminder sent
	s.env.ExecuteWorkflow(contract.WorkflowName, input(legacy))
	st := s.finalState()
	s.Equal([]string{"submitted", "drafted", "deadline_reminder", "approved", "rendered", "notified", "completed"}, s.events)
	s.Len(st.Reminders, 1)
	s.False(st.Escalated)
	s.True(s.env.Now().After(at("2026-12-01", 0)), "notifying ended %v, past the deadline", s.env.Now())
}

// Rejecting a case stops its timers too.
func (s *caseSuite) TestTimersStopOnceRejected() {
	s.withDeadline(at("2026-11-02", 9), "2026-11-30")
	s.review(time.Hour, contract.ReviewInput{Decision: contract.DecisionReject, Version: 1, Comment: "hors compétence", Reviewer: camille})
	s.env.ExecuteWorkflow(contract.WorkflowName, input(legacy))
	s.Equal([]string{"submitted", "drafted", "rejected"}, s.events)
	s.Empty(s.finalState().Reminders)
}

// Cases that reached their deadline's watch before it existed have no
// timers and no deadline attribute.
func (s *caseSuite) TestDeadlineBeforeTheVersionIsNotWatched() {
	s.withDeadline(at("2026-11-28", 9), "2026-11-30")
	s.env.OnGetVersion(versionDeadlineTimers, workflow.DefaultVersion, 1).Return(workflow.DefaultVersion)
	s.env.OnGetVersion(versionLeanCase, workflow.DefaultVersion, 1).Return(workflow.DefaultVersion) // a case from before both
	s.review(time.Hour, approve(1, camille))
	s.env.ExecuteWorkflow(contract.WorkflowName, input(legacy))
	s.Equal([]string{"submitted", "drafted", "approved", "rendered", "notified", "completed"}, s.events)
	s.NotContains(s.attrs, contract.SearchDeadline.GetName())
}

func TestSchedule(t *testing.T) {
	day := at("2026-11-30", 0)
	tests := []struct {
		name   string
		policy contract.DeadlinePolicy
		now    time.Time
		want   []notice
	}{
		{"all ahead", contract.DefaultDeadlinePolicy, at("2026-11-02", 9), []notice{
			{kindReminder, at("2026-11-15", 0)}, {kindReminder, at("2026-11-23", 0)}, {kindEscalation, at("2026-11-27", 0)}}},
		{"first reminder past", contract.DefaultDeadlinePolicy, at("2026-11-20", 9), []notice{
			{kindReminder, at("2026-11-23", 0)}, {kindEscalation, at("2026-11-27", 0)}}},
		{"on the threshold", contract.DefaultDeadlinePolicy, at("2026-11-23", 0), []notice{
			{kindReminder, at("2026-11-23", 0)}, {kindEscalation, at("2026-11-27", 0)}}},
		{"just past the threshold", contract.DefaultDeadlinePolicy, at("2026-11-23", 0).Add(time.Second), []notice{
			{kindEscalation, at("2026-11-27", 0)}}},
		{"escalation past", contract.DefaultDeadlinePolicy, at("2026-11-28", 9), []notice{
			{kindEscalation, at("2026-11-28", 9)}}},
		{"reminders in any order, one after the escalation", contract.DeadlinePolicy{ReminderDays: []int{1, 10}, EscalationDays: 2}, at("2026-11-02", 9), []notice{
			{kindReminder, at("2026-11-20", 0)}, {kindEscalation, at("2026-11-28", 0)}, {kindReminder, at("2026-11-29", 0)}}},
		{"across the change to winter time", contract.DeadlinePolicy{ReminderDays: []int{30}, EscalationDays: 3}, at("2026-10-01", 9), []notice{
			{kindReminder, at("2026-10-31", 0)}, {kindEscalation, at("2026-11-27", 0)}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := schedule(day, tt.policy, tt.now)
			if len(got) != len(tt.want) {
				t.Fatalf("schedule = %v, want %v", got, tt.want)
			}
			for i := range got {
				if got[i].kind != tt.want[i].kind || !got[i].at.Equal(tt.want[i].at) {
					t.Errorf("notice %d = %s at %v, want %s at %v", i, got[i].kind, got[i].at, tt.want[i].kind, tt.want[i].at)
				}
			}
		})
	}
}

func TestDaysLeft(t *testing.T) {
	day := at("2026-11-30", 0)
	tests := []struct {
		now  time.Time
		want int
	}{
		{at("2026-11-15", 0), 15},
		{at("2026-11-29", 23).Add(59 * time.Minute), 1},
		{time.Date(2026, 11, 29, 23, 30, 0, 0, time.UTC), 0}, // 00:30 on the 30th in Paris
		{at("2026-12-03", 10), -3},
	}
	for _, tt := range tests {
		if got := daysLeft(day, tt.now); got != tt.want {
			t.Errorf("daysLeft(%v) = %d, want %d", tt.now, got, tt.want)
		}
	}
}
