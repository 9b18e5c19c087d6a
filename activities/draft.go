package activities

import (
	"context"
	"fmt"

	"go.temporal.io/sdk/temporal"

	"github.com/dossier/dossier/internal/contract"
	"github.com/dossier/dossier/internal/drafting"
	"github.com/dossier/dossier/internal/llm"
	"github.com/dossier/dossier/templates"
)

// DrafterTemplate names the deterministic drafter that fills the template
// without any language model.
const DrafterTemplate = drafting.DrafterTemplate

// DraftCache keeps model drafts by case and version.
type DraftCache interface {
	Get(ctx context.Context, key string) (contract.Draft, bool, error)
	Put(ctx context.Context, key string, d contract.Draft) (contract.Draft, error)
}

// Draft writes version in.Version of the letter with the case's pinned
// template version. The template drafter always writes the reference
// letter; when a language model is configured for the template, the model
// rewrites it under the guardrails, and the template's text is kept (with
// a flag) when the model fails them twice or cannot be reached.
//
// A model draft is stored before it is returned: a retry after a crash
// returns the same text, so the history never holds two different drafts
// of one version.
func (a *Activities) Draft(ctx context.Context, in contract.DraftInput) (contract.Draft, error) {
	key := fmt.Sprintf("%s.v%d", in.Case.CaseID, in.Version)
	if d, ok, err := a.cachedDraft(ctx, key); err != nil || ok {
		return d, err
	}
	req, err := a.draftRequest(in)
	if err != nil {
		return contract.Draft{}, err
	}
	d, err := drafting.Draft(ctx, a.completer(req.Template), req)
	if err != nil {
		return contract.Draft{}, fmt.Errorf("draft %s: %w", key, err)
	}
	d.Version, d.Template, d.TemplateVersion, d.Comment = in.Version, req.Template.ID, req.Template.Version, in.Comment
	if d.Drafter == drafting.DrafterTemplate && len(d.Attempts) == 0 {
		return d, nil // deterministic: nothing to keep
	}
	if a.Drafts == nil {
		return d, nil
	}
	return a.Drafts.Put(ctx, key, d)
}

func (a *Activities) cachedDraft(ctx context.Context, key string) (contract.Draft, bool, error) {
	if a.Drafts == nil {
		return contract.Draft{}, false, nil
	}
	return a.Drafts.Get(ctx, key)
}

// draftRequest builds what the drafter needs: the pinned template, the
// data, and the template drafter's letter with the service's contact.
func (a *Activities) draftRequest(in contract.DraftInput) (drafting.Request, error) {
	sub := in.Case.Submission
	t, err := a.Catalog.GetVersion(sub.Template, in.Prefill.TemplateVersion)
	if err != nil {
		return drafting.Request{}, temporal.NewNonRetryableApplicationError(
			fmt.Sprintf("the case is pinned to %s@%d, which this worker does not have: %v", sub.Template, in.Prefill.TemplateVersion, err),
			"TemplateVersionGone", err)
	}
	data, err := t.DataFor(contract.Reference(in.Case.CaseID),
		templates.Applicant{Name: sub.Applicant.Name, Address: sub.Applicant.Address}, in.Prefill.Facts, a.service())
	if err != nil {
		return drafting.Request{}, temporal.NewNonRetryableApplicationError(err.Error(), contract.ErrTypeInvalidSubmission, err)
	}
	letter, err := t.Execute(sub.Language, data)
	if err != nil {
		return drafting.Request{}, fmt.Errorf("draft %s: %w", in.Case.CaseID, err)
	}
	contact, err := a.Catalog.Mentions().Render("contact", sub.Language, templates.MentionData{Contact: a.Administration.Contact})
	if err != nil {
		return drafting.Request{}, err
	}
	letter.Mentions = appendNonEmpty(letter.Mentions, contact)
	return drafting.Request{Language: sub.Language, Template: t, Skeleton: letter, Data: data,
		Sources: in.Prefill.Sources, Comment: in.Comment, PreviousBody: in.PreviousBody}, nil
}

// completer returns the model the template drafts with, or nil for the
// template drafter alone.
func (a *Activities) completer(t *templates.Template) drafting.Completer {
	m, ok := a.Models.For(t.Model)
	if !ok {
		return nil
	}
	return llm.NewClient(m)
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
