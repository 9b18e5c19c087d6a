// Package guardrails checks a candidate letter body, typically drafted by a
// language model, before a caseworker sees it: the required facts are there
// verbatim, no template placeholder is left, no number, date, link or email
// address was invented, the letter is in the requested language and its
// length is within bounds.
//
// Every function is pure: no I/O, no clock, no global state beyond
// read-only tables, safe for concurrent use and total on any input
// (including invalid UTF-8).
package guardrails

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Input is one candidate letter body and what it must respect.
type Input struct {
	Language  string   // "fr" or "en": the language the letter must be in
	Draft     string   // the candidate body (plain text, paragraphs separated by blank lines)
	Required  []string // strings that must appear exactly (names, the case reference, formatted dates like "20 novembre 2026", formatted amounts like "4 500,00 €", places), compared after whitespace normalisation
	Allowed   string   // text whose numbers, URLs and email addresses the draft may use (the template drafter's letter, the facts, the reference, the service contact…)
	MinLength int      // bounds on the body in characters (runes); 0 = none
	MaxLength int
	// Quoted is citizen-supplied text the draft may quote verbatim. Inside
	// such a quotation, numbers, links and placeholders are the citizen's
	// words and are not checked; anywhere else they must come from Allowed,
	// which should not contain this text (so that an instruction hidden in
	// it cannot lend its numbers or links to the rest of the letter).
	Quoted []string
}

// Result is the outcome of one check.
type Result struct {
	Check  string `json:"check"` // one of the Check* constants
	OK     bool   `json:"ok"`
	Detail string `json:"detail,omitempty"` // for a failure: precisely what is wrong, quoting the offending text, in English, short enough to be fed back to the model
}

// The checks, in the order Check runs them.
const (
	CheckRequired     = "required_facts"
	CheckPlaceholders = "no_placeholders"
	CheckNumbers      = "no_invented_numbers"
	CheckLinks        = "no_unknown_links"
	CheckLanguage     = "language"
	CheckLength       = "length"
)

// prepared holds the texts every check works on, computed once.
type prepared struct {
	in          Input
	draft       string // Draft in NFC, whitespace untouched, exact quotations masked (for numbers, dates)
	normDraft   string // Draft fully normalised (see normalize)
	normMasked  string // normDraft with the quotations masked (for links, placeholders)
	allowed     string // Allowed in NFC
	normAllowed string // Allowed fully normalised
}

// Check runs every check on in and returns all six results, in the order
// of the Check* constants, whether they pass or not.
func Check(in Input) []Result {
	p := prepare(in)
	return []Result{
		result(CheckRequired, checkRequired(p)),
		result(CheckPlaceholders, checkPlaceholders(p)),
		result(CheckNumbers, checkNumbers(p)),
		result(CheckLinks, checkLinks(p)),
		result(CheckLanguage, checkLanguage(p)),
		result(CheckLength, checkLength(p)),
	}
}

// prepare normalises the draft and the allowed text once for all checks.
func prepare(in Input) prepared {
	draft, allowed := nfc(in.Draft), nfc(in.Allowed)
	norm := collapse(draft)
	return prepared{
		in:          in,
		draft:       maskExact(draft, in.Quoted),
		normDraft:   norm,
		normMasked:  mask(norm, in.Quoted),
		allowed:     allowed,
		normAllowed: collapse(allowed),
	}
}

// maskExact replaces every exact quotation of quoted text in the NFC
// draft by a space, leaving the rest of its whitespace untouched.
func maskExact(draft string, quoted []string) string {
	for _, q := range quoted {
		if q = nfc(q); strings.TrimSpace(q) != "" {
			draft = strings.ReplaceAll(draft, q, " ")
		}
	}
	return draft
}

// mask replaces every verbatim quotation of quoted text in a normalised
// draft by a space.
func mask(norm string, quoted []string) string {
	for _, q := range quoted {
		if q = collapse(nfc(q)); strings.TrimSpace(q) != "" {
			norm = strings.ReplaceAll(norm, q, " ")
		}
	}
	return norm
}

// result builds the Result of check: OK when detail is empty.
func result(check, detail string) Result {
	return Result{Check: check, OK: detail == "", Detail: detail}
}

// Failures returns the results that did not pass, in their order, or nil
// when every check passed.
func Failures(results []Result) []Result {
	var out []Result
	for _, r := range results {
		if !r.OK {
			out = append(out, r)
		}
	}
	return out
}

// Summary returns one line per failed result, "check: detail", joined by
// newlines and without a trailing newline; it is empty when nothing failed.
// The text is meant both for the model's retry prompt and for the flag the
// caseworker sees.
func Summary(results []Result) string {
	var lines []string
	for _, r := range Failures(results) {
		detail := r.Detail
		if detail == "" {
			detail = "failed"
		}
		lines = append(lines, r.Check+": "+detail)
	}
	return strings.Join(lines, "\n")
}

// checkLength reports a trimmed draft whose rune count is outside
// [MinLength, MaxLength]; a bound of 0 or less is no bound.
func checkLength(p prepared) string {
	n := utf8.RuneCountInString(strings.TrimSpace(p.in.Draft))
	switch {
	case p.in.MinLength > 0 && n < p.in.MinLength:
		return fmt.Sprintf("the body is %d characters long, shorter than the minimum of %d", n, p.in.MinLength)
	case p.in.MaxLength > 0 && n > p.in.MaxLength:
		return fmt.Sprintf("the body is %d characters long, longer than the maximum of %d", n, p.in.MaxLength)
	}
	return ""
}
