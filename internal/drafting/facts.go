package drafting

import (
	"strings"
	"unicode/utf8"

	"github.com/dossier/dossier/internal/guardrails"
	"github.com/dossier/dossier/templates"
)

// maxRequiredRunes bounds the facts that must appear verbatim: longer
// free text (grounds, purposes) may be worded by the model, as long as it
// adds no number, date or link.
const maxRequiredRunes = 120

// inputFor returns the guardrails' expectations for req: the facts the
// template's own letter shows verbatim must be in the model's letter too
// (names, references, dates and amounts as the template formats them,
// places), and the numbers and links allowed are those of the template's
// letter, the facts and the service.
//
// Free text the citizen typed is Quoted: its numbers and links may appear
// only inside a verbatim quotation of it, never elsewhere in the letter,
// so that an instruction hidden in it cannot lend them to the model.
func inputFor(req Request) guardrails.Input {
	skeleton := squash(req.Skeleton.Body)
	quoted := citizenText(req)
	var required []string
	var allowed strings.Builder
	for _, s := range []string{req.Skeleton.Subject, req.Skeleton.Body, strings.Join(req.Skeleton.Mentions, "\n"),
		req.Data.Service.Contact, req.Data.Service.Administration, req.Data.Service.Service, strings.Join(req.Data.Applicant.Address, "\n")} {
		allowed.WriteString(without(s, quoted) + "\n")
	}
	for _, c := range candidates(req) {
		allowed.WriteString(without(c, quoted) + "\n")
		if c != "" && !strings.Contains(c, "\n") && utf8.RuneCountInString(c) <= maxRequiredRunes && strings.Contains(skeleton, squash(c)) {
			required = append(required, c)
		}
	}
	return guardrails.Input{Language: req.Language, Required: dedupe(required), Allowed: allowed.String(), Quoted: quoted,
		MinLength: req.Template.Length.Min, MaxLength: req.Template.Length.Max}
}

// minQuotedRunes: shorter citizen text is not masked, lest its few
// characters hide the same characters everywhere in the draft.
const minQuotedRunes = 8

// strictRules are the rules that leave a fact no room for free text.
var strictRules = []string{"datetime", "eur", "rna", "oneof", "number", "numeric", "email"}

// citizenText returns the submitted facts that are free text: those whose
// value the citizen typed and whose rule does not pin its form.
func citizenText(req Request) []string {
	var out []string
	for _, f := range req.Template.Fields {
		v := req.Data.Facts[f.Name]
		if utf8.RuneCountInString(v) < minQuotedRunes || req.Sources[f.Name].Origin == "legacy" || strictRule(f.Validate) {
			continue
		}
		out = append(out, v)
	}
	return out
}

func strictRule(rules string) bool {
	for _, r := range strictRules {
		if strings.Contains(rules, r) {
			return true
		}
	}
	return false
}

// without removes every occurrence of the quoted texts from s.
func without(s string, quoted []string) string {
	for _, q := range quoted {
		s = strings.ReplaceAll(s, q, " ")
	}
	return s
}

// candidates are the case's facts as the letter may print them: raw, and
// formatted as dates or amounts in the letter's language.
func candidates(req Request) []string {
	out := []string{req.Data.Reference, req.Data.Applicant.Name, req.Data.Service.Service}
	if d, err := templates.LongDate(req.Language, req.Data.Deadline.Date); err == nil {
		out = append(out, d)
	}
	for _, f := range req.Template.Fields {
		v := req.Data.Facts[f.Name]
		if v == "" {
			continue
		}
		out = append(out, v)
		if strings.Contains(f.Validate, "datetime") {
			if d, err := templates.LongDate(req.Language, v); err == nil {
				out = append(out, d)
			}
		}
		if strings.Contains(f.Validate, "eur") {
			if a, err := templates.FormatEUR(req.Language, v); err == nil {
				out = append(out, a)
			}
		}
	}
	return out
}

func squash(s string) string { return strings.Join(strings.Fields(s), " ") }

func dedupe(list []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range list {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}
