package cases

import (
	"context"

	"github.com/dossier/dossier/internal/contract"
)

// DocumentsReceived tells case id, waiting for missing documents, that
// they arrived, through the documents-received Update, and returns the
// stage it went back to. Only whoever may see the case may say so (for an
// integrator: the cases it submitted), and an auditor, who sees every
// case, never may (forbidden, whatever the stage); the workflow refuses a
// case that waits for nothing (conflict), a receipt from someone outside
// the case's service (forbidden) and a malformed one (invalid). Refusals
// are kept on the audit trail.
func (s *Service) DocumentsReceived(ctx context.Context, actor contract.Actor, id string, in contract.DocumentsReceived) (contract.ReviewResult, error) {
	st, err := s.Get(ctx, actor, id)
	if err != nil {
		return contract.ReviewResult{}, err
	}
	if !actor.HasRole(contract.RoleIntegrator, contract.RoleCaseworker, contract.RoleSupervisor) {
		err := errorf(KindForbidden, "%s may not declare documents received: an integrator, caseworker or supervisor role is required", actor.ID)
		s.refused(ctx, actor, id, "documents-received", err)
		return contract.ReviewResult{}, err
	}
	if st.Stage != contract.StageAwaitingDocuments { // closed cases take no Update at all
		err := errorf(KindConflict, "case %s is %s: it is not waiting for documents", id, st.Stage)
		s.refused(ctx, actor, id, "documents-received", err)
		return contract.ReviewResult{}, err
	}
	in.By = actor
	var res contract.ReviewResult
	err = s.update(ctx, actor, id, contract.UpdateDocumentsReceived, "documents-received", in, &res)
	return res, err
}
