package activities

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"strings"

	"go.temporal.io/sdk/temporal"

	"github.com/dossier/dossier/internal/contract"
	"github.com/dossier/dossier/internal/intake"
	"github.com/dossier/dossier/templates"
)

// The error types of a prefill that cannot complete.
const (
	// ErrTypeLegacyUnavailable: a legacy system did not answer. Retried
	// (the case waits) when the field says so, final otherwise.
	ErrTypeLegacyUnavailable = "LegacyUnavailable"
	// ErrTypeLegacyNotFound: the legacy system has no such record.
	ErrTypeLegacyNotFound = "LegacyNotFound"
)

// Prefill validates the submission, completes it from legacy systems as
// its template says, and returns the facts the letter is drafted from,
// each with its source, pinned to the template version in force. A legacy
// value never silently replaces a submitted one: a contradiction becomes a
// flag for the caseworker. An invalid submission, a record not found (when
// the field requires one) or a system down (when the field does not wait)
// fail for good.
func (a *Activities) Prefill(ctx context.Context, in contract.CaseInput) (contract.PrefillResult, error) {
	sub := in.Submission
	if err := a.Validator.Validate(sub); err != nil {
		return contract.PrefillResult{}, invalidSubmission(err)
	}
	t, err := a.Catalog.Get(sub.Template)
	if err != nil {
		return contract.PrefillResult{}, err
	}
	res := contract.PrefillResult{
		TemplateVersion: t.Version,
		Facts:           maps.Clone(sub.Facts),
		Sources:         map[string]contract.Source{},
		Approval:        contract.ApprovalPolicy{Roles: t.Approval.Roles, Approvals: t.Approval.Approvals},
	}
	if res.Facts == nil {
		res.Facts = map[string]string{}
	}
	for name := range res.Facts {
		res.Sources[name] = contract.Source{Origin: "submission"}
	}
	for _, g := range lookups(t, res.Facts) {
		if err := a.prefillGroup(ctx, g, &res); err != nil {
			return contract.PrefillResult{}, err
		}
	}
	sub.Facts = res.Facts
	if err := a.Validator.ValidateComplete(sub); err != nil {
		return contract.PrefillResult{}, invalidSubmission(err)
	}
	if res.Deadline, err = legalDeadline(t, res.Facts); err != nil {
		return contract.PrefillResult{}, err
	}
	return res, nil
}

// legalDeadline is the case's legal deadline, counted from the fact its
// template names, or nil when the template has none. A date that cannot
// be read fails the case as an invalid submission, naming the fact.
func legalDeadline(t *templates.Template, facts map[string]string) (*contract.LegalDeadline, error) {
	if t.Deadline == nil {
		return nil, nil
	}
	d, err := t.DeadlineFor(facts[t.Deadline.From])
	if err != nil {
		field := "facts." + t.Deadline.From
		return nil, temporal.NewNonRetryableApplicationError(fmt.Sprintf("invalid submission: %s: %v", field, err),
			contract.ErrTypeInvalidSubmission, nil,
			[]contract.FieldError{{Field: field, Rule: "datetime=2006-01-02", Message: "the legal deadline is counted from this date, which cannot be read"}})
	}
	return &contract.LegalDeadline{Rule: d.Rule, Months: d.Months, Date: d.Date}, nil
}

func invalidSubmission(err error) error {
	var invalid *intake.InvalidError
	if errors.As(err, &invalid) {
		return temporal.NewNonRetryableApplicationError(err.Error(), contract.ErrTypeInvalidSubmission, nil, invalid.Fields)
	}
	return err
}

// lookup group: the fields one legacy record fills.
type group struct {
	query, key string
	fields     []templates.Field
}

// lookups groups the prefilled fields by record, in manifest order, so that
// each record is asked for once.
func lookups(t *templates.Template, facts map[string]string) []group {
	var out []group
	index := map[string]int{}
	for _, f := range t.Fields {
		if f.Prefill == nil || facts[f.Prefill.Key] == "" {
			continue
		}
		id := f.Prefill.Query + "\x00" + facts[f.Prefill.Key]
		if i, ok := index[id]; ok {
			out[i].fields = append(out[i].fields, f)
			continue
		}
		index[id] = len(out)
		out = append(out, group{query: f.Prefill.Query, key: facts[f.Prefill.Key], fields: []templates.Field{f}})
	}
	return out
}

func (a *Activities) prefillGroup(ctx context.Context, g group, res *contract.PrefillResult) error {
	record, at, err := a.lookup(ctx, g.query, g.key)
	switch {
	case errors.Is(err, errUnavailable):
		return unavailable(g, err)
	case errors.Is(err, errNotFound):
		return notFound(g, res)
	case err != nil:
		return err
	}
	for _, f := range g.fields {
		merge(f, record[f.Prefill.Field], contract.Source{Origin: "legacy", Query: g.query, Key: g.key, At: at}, res)
	}
	return nil
}

// merge fills an empty fact from the legacy value, confirms an equal one,
// and flags one that contradicts what was submitted.
func merge(f templates.Field, legacy string, src contract.Source, res *contract.PrefillResult) {
	submitted := res.Facts[f.Name]
	switch {
	case legacy == "":
		return
	case submitted == "":
		res.Facts[f.Name] = legacy
		res.Sources[f.Name] = src
	case same(submitted, legacy):
		res.Sources[f.Name] = src
	default:
		res.Flags = append(res.Flags, contract.Flag{
			Kind: "conflict", Field: "facts." + f.Name, Query: src.Query, Submitted: submitted, Legacy: legacy,
			Message: fmt.Sprintf("the submitted value differs from legacy.%s (key %s); the submitted value is kept", src.Query, src.Key),
		})
	}
}

// same compares two values: case, accents and words count; surrounding
// and repeated spaces do not.
func same(a, b string) bool {
	return strings.Join(strings.Fields(a), " ") == strings.Join(strings.Fields(b), " ")
}

func unavailable(g group, err error) error {
	msg := fmt.Sprintf("legacy system %s is unavailable for key %s: %v", g.query, g.key, err)
	for _, f := range g.fields {
		if f.Prefill.IfUnavailable == "wait" {
			return temporal.NewApplicationError(msg+"; the case waits and retries", ErrTypeLegacyUnavailable)
		}
	}
	return temporal.NewNonRetryableApplicationError(msg, ErrTypeLegacyUnavailable, nil)
}

func notFound(g group, res *contract.PrefillResult) error {
	for _, f := range g.fields {
		if f.Prefill.IfNotFound == "fail" {
			return temporal.NewNonRetryableApplicationError(
				fmt.Sprintf("legacy.%s has no record %s (needed for %s)", g.query, g.key, f.Name), ErrTypeLegacyNotFound, nil,
				[]contract.FieldError{{Field: "facts." + f.Prefill.Key, Rule: "not_found", Message: fmt.Sprintf("no record %s in legacy.%s", g.key, g.query)}})
		}
		res.Flags = append(res.Flags, contract.Flag{Kind: "not_found", Field: "facts." + f.Name, Query: g.query,
			Message: fmt.Sprintf("legacy.%s has no record %s; the submitted value is kept unchecked", g.query, g.key)})
	}
	return nil
}
