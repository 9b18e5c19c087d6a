package activities

import (
	"context"
	"errors"
	"maps"

	"go.temporal.io/sdk/temporal"

	"github.com/dossier/dossier/internal/contract"
	"github.com/dossier/dossier/internal/intake"
)

// Prefill validates the submission and returns the facts the letter is
// drafted from, pinned to the template version in force. An invalid
// submission fails for good (no retry) with the field errors as details.
func (a *Activities) Prefill(ctx context.Context, in contract.CaseInput) (contract.PrefillResult, error) {
	if err := a.Validator.Validate(in.Submission); err != nil {
		var invalid *intake.InvalidError
		if errors.As(err, &invalid) {
			return contract.PrefillResult{}, temporal.NewNonRetryableApplicationError(
				err.Error(), contract.ErrTypeInvalidSubmission, nil, invalid.Fields)
		}
		return contract.PrefillResult{}, err
	}
	t, err := a.Catalog.Get(in.Submission.Template)
	if err != nil {
		return contract.PrefillResult{}, err
	}
	return contract.PrefillResult{TemplateVersion: t.Version, Facts: maps.Clone(in.Submission.Facts)}, nil
}
