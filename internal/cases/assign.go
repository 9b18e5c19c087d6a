package cases

import (
	"context"
	"time"

	"github.com/dossier/dossier/internal/contract"
)

// Assign makes assignee hold case id (a caseworker claims a case for
// themself; a supervisor assigns it to anyone, or to nobody with ""). Any
// other role is forbidden whatever the stage; the workflow's validator has
// the last word; refusals are logged.
func (s *Service) Assign(ctx context.Context, actor contract.Actor, id, assignee string) (string, error) {
	if _, err := s.Get(ctx, actor, id); err != nil {
		return "", err
	}
	if !actor.HasRole(contract.RoleCaseworker, contract.RoleSupervisor) {
		err := errorf(KindForbidden, "%s may not assign cases: a caseworker or supervisor role is required", actor.ID)
		s.refused(ctx, actor, id, "assign", err)
		return "", err
	}
	var got string
	err := s.update(ctx, actor, id, contract.UpdateAssign, "assign", contract.AssignInput{Assignee: assignee, By: actor}, &got)
	return got, err
}

// Refusal is an attempt the case refused: who, when, what and why.
// Temporal records no refused Update, so Dossier keeps them itself.
type Refusal struct {
	CaseID string         `json:"case_id"`
	Actor  contract.Actor `json:"actor"`
	Action string         `json:"action"`
	Kind   Kind           `json:"kind"`
	Reason string         `json:"reason"`
	At     time.Time      `json:"at"`
}

// RefusalLog keeps refused attempts.
type RefusalLog interface {
	Refused(ctx context.Context, r Refusal) error
}

// refused logs a refused attempt of actor on case id; internal errors are
// not refusals.
func (s *Service) refused(ctx context.Context, actor contract.Actor, id, action string, err error) {
	kind := KindOf(err)
	if s.Refusals == nil || kind == KindInternal || kind == KindNotFound {
		return
	}
	msg := err.Error()
	if ce, ok := err.(*Error); ok {
		msg = ce.Message
	}
	_ = s.Refusals.Refused(context.WithoutCancel(ctx), Refusal{CaseID: id, Actor: actor, Action: action, Kind: kind, Reason: msg, At: s.now()})
}
