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
	sub := in.Case.Submission
	t, err := a.Catalog.GetVersion(sub.Template, in.Prefill.TemplateVersion)
	if err != nil {
		return contract.Draft{}, temporal.NewNonRetryableApplicationError(
			fmt.Sprintf("the case is pinned to %s@%d, which this worker does not have: %v", sub.Template, in.Prefill.TemplateVersion, err),
			"TemplateVersionGone", err)
	}
	data, err := t.DataFor(contract.Reference(in.Case.CaseID),
		templates.Applicant{Name: sub.Applicant.Name, Address: sub.Applicant.Address}, in.Prefill.Facts, a.service())
	if err != nil {
		return contract.Draft{}, temporal.NewNonRetryableApplicationError(err.Error(), contract.ErrTypeInvalidSubmission, err)
	}
	letter, err := t.Execute(sub.Language, data)
	if err != nil {
		return contract.Draft{}, fmt.Errorf("draft %s: %w", in.Case.CaseID, err)
	}
	contact, err := a.Catalog.Mentions().Render("contact", sub.Language, templates.MentionData{Contact: a.Administration.Contact})
	if err != nil {
		return contract.Draft{}, err
	}
	return contract.Draft{
		Version: in.Version, Subject: letter.Subject, Body: letter.Body,
		Template: t.ID, TemplateVersion: t.Version, Drafter: DrafterTemplate,
		Mentions: appendNonEmpty(letter.Mentions, contact), Comment: in.Comment,
	}, nil
}

func (a *Activities) service() templates.Service {
	return templates.Service{Administration: a.Administration.Name, Service: a.Administration.Service, Contact: a.Administration.Contact}
}

func appendNonEmpty(list []string, more ...string) []string {
	out := append([]string{}, list...)
	for _, m := range more {
		if m != "" {
			out = append(out, m)
		}
	}
	return out
}
