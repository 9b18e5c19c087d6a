package workflows

import (
	"fmt"
	"slices"
	"time"

	"go.temporal.io/sdk/workflow"

	"github.com/dossier/dossier/internal/contract"
)

// versionDeadlineTimers guards watching the legal deadline: the
// CaseDeadline and CaseEscalated search attributes, the timers, and the
// reminder and escalation events. Cases started before it have none.
const versionDeadlineTimers = "deadline-timers"

// paris is the zone legal deadlines are counted in.
var paris = contract.Paris

// The kinds of DeadlineNotice.
const (
	kindReminder   = "reminder"
	kindEscalation = "escalation"
)

// notice is a reminder or the escalation, and when it is due.
type notice struct {
	kind string
	at   time.Time
}

// watchDeadline keeps the legal deadline of a case in view while it waits
// for a decision: it sends at once what is already due (the escalation,
// when its threshold is past), and leaves the later reminders and the
// escalation to a coroutine whose timers end when the case is decided.
func (c *caseRun) watchDeadline(ctx workflow.Context) {
	day, ok := c.recordDeadline(ctx)
	if !ok {
		return
	}
	notices := schedule(day, c.policy(), workflow.Now(ctx))
	if c.state.Escalated { // watched again after missing documents came: escalated once is enough
		notices = slices.DeleteFunc(notices, func(n notice) bool { return n.kind == kindEscalation })
	}
	for len(notices) > 0 && !notices[0].at.After(workflow.Now(ctx)) {
		c.notice(ctx, notices[0].kind, day)
		notices = notices[1:]
	}
	if len(notices) > 0 {
		workflow.Go(ctx, func(ctx workflow.Context) { c.remind(ctx, day, notices) })
	}
}

// recordDeadline returns the deadline's day (00:00 in Paris), and keeps
// its end, 23:59:59 in Paris, as CaseDeadline. It reports false for a case
// without a deadline, or started before deadlines were watched.
func (c *caseRun) recordDeadline(ctx workflow.Context) (time.Time, bool) {
	d := c.state.Deadline
	if d == nil || !c.has(ctx, versionDeadlineTimers) {
		return time.Time{}, false
	}
	day, err := time.ParseInLocation(time.DateOnly, d.Date, paris)
	if err != nil {
		workflow.GetLogger(ctx).Error("legal deadline is not a date", "date", d.Date, "error", err)
		return time.Time{}, false
	}
	end := time.Date(day.Year(), day.Month(), day.Day(), 23, 59, 59, 0, paris)
	c.upsert(ctx, contract.SearchDeadline.ValueSet(end))
	return day, true
}

// policy is the case's deadline policy, or the default when it has none.
func (c *caseRun) policy() contract.DeadlinePolicy {
	p := c.in.Deadlines
	if len(p.ReminderDays) == 0 && p.EscalationDays == 0 {
		return contract.DefaultDeadlinePolicy
	}
	return p
}

// schedule lists the notices due for a deadline on day (00:00 in Paris),
// in the order they fall due: a reminder so many days before, at 00:00 in
// Paris that day, unless that is already past at now (reminders are not
// sent late); and the escalation, at its threshold or at once (now) when
// that is past.
func schedule(day time.Time, p contract.DeadlinePolicy, now time.Time) []notice {
	var out []notice
	for _, n := range p.ReminderDays {
		if at := day.AddDate(0, 0, -n); !at.Before(now) {
			out = append(out, notice{kind: kindReminder, at: at})
		}
	}
	escalation := day.AddDate(0, 0, -p.EscalationDays)
	if !escalation.After(now) {
		escalation = now
	}
	out = append(out, notice{kind: kindEscalation, at: escalation})
	slices.SortStableFunc(out, func(a, b notice) int { return a.at.Compare(b.at) })
	return out
}

// remind sleeps until each notice is due and sends it, and stops as soon
// as the case is decided or the workflow cancelled.
func (c *caseRun) remind(ctx workflow.Context, day time.Time, notices []notice) {
	for _, n := range notices {
		if !c.sleepUntil(ctx, n) || c.decided() {
			return
		}
		c.notice(ctx, n.kind, day)
	}
}

// sleepUntil waits for n to fall due and reports true, or cancels its
// timer and reports false once the case is decided or the workflow
// cancelled. (workflow.AwaitWithTimeout leaves its timer running in this
// SDK version: its flag to cancel it is not enabled yet.)
func (c *caseRun) sleepUntil(ctx workflow.Context, n notice) bool {
	wait := n.at.Sub(workflow.Now(ctx))
	if wait <= 0 {
		return true
	}
	tctx, cancel := workflow.WithCancel(ctx)
	defer cancel()
	timer := workflow.NewTimerWithOptions(tctx, wait, workflow.TimerOptions{Summary: "deadline " + n.kind})
	err := workflow.Await(ctx, func() bool { return timer.IsReady() || c.decided() })
	return err == nil && timer.IsReady() && timer.Get(ctx, nil) == nil
}

// decided reports whether the case no longer waits for a decision.
func (c *caseRun) decided() bool {
	return c.state.Stage != contract.StagePrefilling && c.state.Stage != contract.StageDrafting &&
		c.state.Stage != contract.StageAwaitingApproval
}

// notice records a reminder or the escalation in the state and announces
// it (deadline_reminder, escalated); the escalation also sets CaseEscalated.
func (c *caseRun) notice(ctx workflow.Context, kind string, day time.Time) {
	left := daysLeft(day, workflow.Now(ctx))
	c.state.Reminders = append(c.state.Reminders, contract.DeadlineNotice{Kind: kind, At: workflow.Now(ctx), DaysLeft: left})
	e := contract.Event{Version: c.draftVersion(), Reason: daysLeftText(left)}
	if kind == kindReminder {
		c.reminders++
		e.Seq = c.reminders
		c.publish(ctx, contract.EventDeadlineReminder, e)
		return
	}
	c.state.Escalated = true
	if err := workflow.UpsertTypedSearchAttributes(ctx, contract.SearchEscalated.ValueSet(true)); err != nil {
		workflow.GetLogger(ctx).Error("upsert escalated search attribute", "error", err)
	}
	c.publish(ctx, contract.EventEscalated, e)
}

// daysLeft counts the calendar days, in Paris, from now to day: 0 on the
// deadline day itself, negative once it has passed.
func daysLeft(day, now time.Time) int {
	y, m, d := now.In(paris).Date()
	today := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	last := time.Date(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, time.UTC)
	return int(last.Sub(today) / (24 * time.Hour))
}

// daysLeftText says how long is left, as events carry it.
func daysLeftText(n int) string {
	switch {
	case n > 1:
		return fmt.Sprintf("%d days left", n)
	case n == 1:
		return "1 day left"
	case n == 0:
		return "0 days left: the deadline is today"
	default:
		return fmt.Sprintf("deadline passed %d days ago", -n)
	}
}
