package workflows

import (
	"fmt"

	"go.temporal.io/sdk/workflow"

	"github.com/dossier/dossier/internal/contract"
)

// versionTwoApprovals guards counting approvals: before it, a case
// delivered its letter on the first approval whatever its template said.
const versionTwoApprovals = "two-approvals"

// awaitReview blocks until the review Update has accepted a decision, and
// returns it; it fails only when the workflow is cancelled.
func (c *caseRun) awaitReview(ctx workflow.Context) (contract.Review, error) {
	c.deciding = false
	if err := workflow.Await(ctx, func() bool { return c.pending != nil }); err != nil {
		return contract.Review{}, err
	}
	review := *c.pending
	c.pending, c.deciding = nil, true
	c.state.Reviews = append(c.state.Reviews, review)
	return review, nil
}

// decide waits for reviews until one settles the current draft: a
// rejection, a request for changes, or the approval that completes the
// count the template asks for. Approvals short of that count are kept in
// the state and the case goes on waiting; a rejection or a request for
// changes clears them.
func (c *caseRun) decide(ctx workflow.Context) (contract.Review, error) {
	for {
		review, err := c.awaitReview(ctx)
		if err != nil {
			return review, err
		}
		if review.Decision != contract.DecisionApprove {
			c.state.Approvals = nil
			return review, nil
		}
		if !c.recordApproval(ctx, review) {
			return review, nil
		}
	}
}

// recordApproval counts an approval when the template asks for more than
// one. It reports true when more are still needed: the approval is kept
// and announced (approval_recorded). An approval with an edited body makes
// a new version of the draft whose only approval so far is the editor's.
// Single-approval templates, and cases started before approvals were
// counted, report false at once: the first approval delivers.
func (c *caseRun) recordApproval(ctx workflow.Context, review contract.Review) bool {
	need := c.state.Approval.Approvals
	if need <= 1 || !c.has(ctx, versionTwoApprovals) {
		return false
	}
	if edited(c.state.Draft, review) {
		c.approvedDraft(review)
		c.state.Approvals = nil
	}
	approval := review
	approval.Version = c.state.Draft.Version
	c.state.Approvals = append(c.state.Approvals, approval)
	if len(c.state.Approvals) >= need {
		return false
	}
	c.publish(ctx, contract.EventApprovalRecorded, contract.Event{
		Actor: review.Reviewer.ID, Version: c.state.Draft.Version, Seq: len(c.state.Approvals),
		Reason: fmt.Sprintf("%d of %d approvals", len(c.state.Approvals), need),
	})
	c.recorded++
	return true
}

// approvedBy reports whether id approved the current draft already.
func (c *caseRun) approvedBy(id string) bool {
	for _, a := range c.state.Approvals {
		if a.Reviewer.ID == id {
			return true
		}
	}
	return false
}

// edited reports whether an approval changes the draft's text.
func edited(d *contract.Draft, review contract.Review) bool {
	return review.Body != "" && review.Body != d.Body
}

// approvedBody is the text the reviewer approved.
func approvedBody(d *contract.Draft, review contract.Review) string {
	if review.Body != "" {
		return review.Body
	}
	return d.Body
}

// approvedDraft is the reviewed draft, or a new version carrying the
// reviewer's edits when they changed the text before approving.
func (c *caseRun) approvedDraft(review contract.Review) contract.Draft {
	draft := *c.state.Draft
	if !edited(&draft, review) {
		return draft
	}
	draft.Version++
	draft.Body = review.Body
	draft.EditedBy = review.Reviewer.ID
	c.keepPrevious()
	c.state.Draft = &draft
	return draft
}

// keepPrevious keeps the current draft among the previous ones, so that
// the case page can show what changed between versions.
func (c *caseRun) keepPrevious() {
	if c.state.Draft != nil {
		c.state.PreviousDrafts = append(c.state.PreviousDrafts, *c.state.Draft)
	}
}
