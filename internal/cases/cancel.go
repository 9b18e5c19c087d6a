package cases

import (
	"context"

	"github.com/dossier/dossier/internal/contract"
)

// Cancel withdraws case id before its letter goes out. Only whoever may
// see the case (for an integrator: the cases it submitted) may cancel it,
// and only while it is open; the reason is kept with the refusals' audit
// trail as a cancellation.
func (s *Service) Cancel(ctx context.Context, actor contract.Actor, id, reason string) error {
	st, err := s.Get(ctx, actor, id)
	if err != nil {
		return err
	}
	switch st.Stage {
	case contract.StageCompleted, contract.StageRejected, contract.StageFailed, contract.StageCancelled,
		contract.StageRendering, contract.StageNotifying:
		return errorf(KindConflict, "case %s is %s: it can no longer be cancelled", id, st.Stage)
	}
	if err := s.Temporal.CancelWorkflow(ctx, id, ""); err != nil {
		return wrapTemporal(err, "cancel case", id)
	}
	if s.Refusals != nil {
		_ = s.Refusals.Refused(context.WithoutCancel(ctx), Refusal{CaseID: id, Actor: actor, Action: "cancel", Reason: reason, At: s.now()})
	}
	return nil
}
