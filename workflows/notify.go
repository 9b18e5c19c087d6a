package workflows

import (
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/dossier/dossier/internal/contract"
)

// Defaults of the notification policy.
const (
	defaultPrintTimeout  = 72 * time.Hour
	defaultPrintReminder = 24 * time.Hour
)

// notifyChannels sends the letter on every channel the submission chose,
// side by side. A channel that fails after its retries is flagged for the
// caseworker and does not hold the others back.
func (c *caseRun) notifyChannels(ctx workflow.Context, draft contract.Draft, doc contract.Document) {
	channels := contract.ChannelsOf(c.in.Submission)
	done := workflow.NewChannel(ctx)
	for _, ch := range channels {
		workflow.Go(ctx, func(ctx workflow.Context) {
			note, err := c.notifyOn(ctx, ch, draft, doc)
			if err != nil {
				c.channelFailed(ctx, ch, err)
			} else {
				c.state.Notifications = append(c.state.Notifications, note)
				c.publish(ctx, contract.EventNotified, contract.Event{Reason: note.Channel, Version: draft.Version, Seq: len(c.state.Notifications)})
			}
			done.Send(ctx, ch)
		})
	}
	for range channels {
		done.Receive(ctx, nil)
	}
}

func (c *caseRun) notifyOn(ctx workflow.Context, channel string, draft contract.Draft, doc contract.Document) (contract.Notification, error) {
	if channel == contract.ChannelPostal {
		return c.print(ctx, doc)
	}
	ao := workflow.ActivityOptions{
		StartToCloseTimeout: time.Minute,
		RetryPolicy:         &temporal.RetryPolicy{InitialInterval: 5 * time.Second, BackoffCoefficient: 3, MaximumAttempts: 6},
	}
	var note contract.Notification
	err := c.tryLocalFirst(ctx, notifyLocalTimeout, ao, contract.ActivityNotify, contract.NotifyInput{Case: c.in, Draft: draft, Document: doc}, &note)
	return note, err
}

// notifyLocalTimeout bounds the local try of an email: the case cannot be
// read while it runs.
const notifyLocalTimeout = 10 * time.Second

// print hands the letter to the legacy print system and waits for its
// answer, with a reminder if it is slow and a timeout if it never comes.
func (c *caseRun) print(ctx workflow.Context, doc contract.Document) (contract.Notification, error) {
	timeout, reminder := c.in.Notify.PrintTimeout, c.in.Notify.PrintReminder
	if timeout <= 0 {
		timeout = defaultPrintTimeout
	}
	if reminder <= 0 {
		reminder = defaultPrintReminder
	}
	actx := workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: timeout,
		RetryPolicy:         &temporal.RetryPolicy{MaximumAttempts: 1},
	})
	future := workflow.ExecuteActivity(actx, contract.ActivityPrint, contract.NotifyInput{Case: c.in, Document: doc})
	timerCtx, cancel := workflow.WithCancel(ctx)
	defer cancel()
	sel := workflow.NewSelector(ctx)
	sel.AddFuture(future, func(workflow.Future) {})
	sel.AddFuture(workflow.NewTimer(timerCtx, reminder), func(workflow.Future) {
		c.publish(ctx, contract.EventPrintReminder, contract.Event{Reason: "the print system has not answered yet"})
	})
	sel.Select(ctx)
	var result contract.PrintResult
	if err := future.Get(ctx, &result); err != nil {
		return contract.Notification{}, err
	}
	return contract.Notification{Channel: contract.ChannelPostal, MessageID: result.Tracking, Location: "print:" + result.Status}, nil
}

// channelFailed flags a channel that failed for good.
func (c *caseRun) channelFailed(ctx workflow.Context, channel string, err error) {
	msg := "the letter could not be sent by " + channel + ": " + err.Error()
	c.state.Flags = append(c.state.Flags, contract.Flag{Kind: "notification_failed", Field: "channels." + channel, Message: msg})
	c.publish(ctx, contract.EventNotificationFailed, contract.Event{Reason: msg})
}
