package activities

import (
	"context"
	"fmt"

	"go.temporal.io/sdk/temporal"

	"github.com/dossier/dossier/internal/contract"
	"github.com/dossier/dossier/templates"
)

// DrafterTemplate names the deterministic drafter that fills the template
// without any language model.
const DrafterTemplate = "template"

// Draft writes version in.Version of the letter. With no language model
// configured, the template drafter fills the template with the facts and the
// draft says so. A reviewer's comment is kept on the draft it asked for.
func (a *Activities) Draft(ctx context.Context, in contract.DraftInput) (contract.Draft, error) {
	t, err := a.Catalog.Get(in.Case.Submission.Template)
	if err != nil {
		return contract.Draft{}, temporal.NewNonRetryableApplicationError(err.Error(), contract.ErrTypeInvalidSubmission, err)
	}
	if t.Version != in.Prefill.TemplateVersion {
		return contract.Draft{}, temporal.NewNonRetryableApplicationError(
			fmt.Sprintf("template %s is at version %d, the case pinned version %d", t.ID, t.Version, in.Prefill.TemplateVersion),
			"TemplateVersionGone", nil)
	}
	data, err := a.templateData(t, in)
	if err != nil {
		return contract.Draft{}, temporal.NewNonRetryableApplicationError(err.Error(), contract.ErrTypeInvalidSubmission, err)
	}
	letter, err := t.Execute(in.Case.Submission.Language, data)
	if err != nil {
		return contract.Draft{}, fmt.Errorf("draft %s: %w", in.Case.CaseID, err)
	}
	return contract.Draft{
		Version: in.Version, Subject: letter.Subject, Body: letter.Body,
		Template: t.ID, TemplateVersion: t.Version, Drafter: DrafterTemplate,
		Mentions: letter.Mentions, Comment: in.Comment,
	}, nil
}

func (a *Activities) templateData(t *templates.Template, in contract.DraftInput) (templates.Data, error) {
	deadline, err := t.DeadlineFor(in.Prefill.Facts["received_on"])
	if err != nil && t.Deadline != nil {
		return templates.Data{}, err
	}
	app := in.Case.Submission.Applicant
	return templates.Data{
		Reference: contract.Reference(in.Case.CaseID),
		Applicant: templates.Applicant{Name: app.Name, Address: app.Address},
		Facts:     in.Prefill.Facts,
		Service: templates.Service{
			Administration: a.Administration.Name,
			Service:        a.Administration.Service,
			Contact:        a.Administration.Contact,
		},
		Deadline: deadline,
	}, nil
}
