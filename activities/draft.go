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
// A model draft is stored before it is returned: a retry after a crash, or
// after a reset of the case, returns the same text, so the history never
// holds two different drafts of one version. The stored draft is read
// while the model is already asked, which takes the read off the case's
// way: when there is one, the model's request is cancelled and the stored
// draft returned. An error reading it fails the attempt, as before.
func (a *Activities) Draft(ctx context.Context, in contract.DraftInput) (contract.Draft, error) {
	key := fmt.Sprintf("%s.v%d", in.Case.CaseID, in.Version)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	cached := a.cachedDraft(ctx, key)
	drafted := make(chan draftResult, 1)
	go func() {
		d, err := a.newDraft(ctx, in, key)
		drafted <- draftResult{d, err}
	}()
	if c := <-cached; c.err != nil || c.found {
		cancel()
		<-drafted // the model's request ends with its context
		return c.draft, c.err
	}
	return a.keep(ctx, key, <-drafted)
}

// draftResult is a draft as written now, not yet stored.
type draftResult struct {
	draft contract.Draft
	err   error
}

// cacheResult is what the draft cache holds for a key.
type cacheResult struct {
	draft contract.Draft
	found bool
	err   error
}

// cachedDraft reads the draft stored under key in the background.
func (a *Activities) cachedDraft(ctx context.Context, key string) <-chan cacheResult {
	out := make(chan cacheResult, 1)
	if a.Drafts == nil {
		out <- cacheResult{}
		return out
	}
	go func() {
		d, ok, err := a.Drafts.Get(ctx, key)
		out <- cacheResult{d, ok, err}
	}()
	return out
}

// newDraft writes the draft of in with the template drafter or the model.
func (a *Activities) newDraft(ctx context.Context, in contract.DraftInput, key string) (contract.Draft, error) {
	req, err := a.draftRequest(in)
	if err != nil {
		return contract.Draft{}, err
	}
	d, err := drafting.Draft(ctx, a.completer(req.Template), req)
	if err != nil {
		return contract.Draft{}, fmt.Errorf("draft %s: %w", key, err)
	}
	d.Version, d.Template, d.TemplateVersion, d.Comment = in.Version, req.Template.ID, req.Template.Version, in.Comment
	return d, nil
}

// keep stores a model draft under key, the first one written winning, and
// returns the draft stored; the template drafter's, deterministic, is not
// stored.
func (a *Activities) keep(ctx context.Context, key string, r draftResult) (contract.Draft, error) {
	d := r.draft
	if r.err != nil || a.Drafts == nil || (d.Drafter == drafting.DrafterTemplate && len(d.Attempts) == 0) {
		return d, r.err
	}
	return a.Drafts.Put(ctx, key, d)
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
