package templates

import (
	"bytes"
	"fmt"
	"time"
)

// Data is what a template body and subject are executed with.
type Data struct {
	Reference string
	Applicant Applicant
	Facts     map[string]string
	Service   Service
	Deadline  DeadlineData
}

// Applicant is the letter's addressee, as the template sees it.
type Applicant struct {
	Name    string
	Address []string
}

// Service is the issuing administration, as the template sees it.
type Service struct {
	Administration string
	Service        string
	Contact        string
}

// DeadlineData is the legal deadline computed for one case.
type DeadlineData struct {
	Rule   string
	Months int
	// Date is the deadline's day, as YYYY-MM-DD.
	Date string
}

// Letter is the text a template produced.
type Letter struct {
	Subject  string
	Body     string
	Mentions []string
}

// Execute writes the letter in lang from data.
// It fails if the language is missing or a value the body needs is absent.
func (t *Template) Execute(lang string, data Data) (Letter, error) {
	body, ok := t.bodies[lang]
	if !ok {
		return Letter{}, fmt.Errorf("%w %q in language %q", ErrUnknown, t.ID, lang)
	}
	var subject, text bytes.Buffer
	if err := t.subjects[lang].Execute(&subject, data); err != nil {
		return Letter{}, fmt.Errorf("subject: %w", err)
	}
	if err := body.Execute(&text, data); err != nil {
		return Letter{}, fmt.Errorf("body: %w", err)
	}
	return Letter{Subject: normalize(subject.String()), Body: normalize(text.String()), Mentions: t.Mentions[lang]}, nil
}

// DeadlineFor computes the legal deadline for a request received on
// receivedOn (YYYY-MM-DD). It returns the zero value for templates with none.
func (t *Template) DeadlineFor(receivedOn string) (DeadlineData, error) {
	if t.Deadline == nil {
		return DeadlineData{}, nil
	}
	day, err := time.Parse(time.DateOnly, receivedOn)
	if err != nil {
		return DeadlineData{}, fmt.Errorf("deadline: %w", err)
	}
	due := AddMonths(day, t.Deadline.Months)
	return DeadlineData{Rule: t.Deadline.Rule, Months: t.Deadline.Months, Date: due.Format(time.DateOnly)}, nil
}

// AddMonths adds months to day the way French law counts a deadline in
// months: the same day of the month, or the month's last day when it has
// no such day (31 December + 2 months = 28 or 29 February; code de
// procédure civile, art. 641).
func AddMonths(day time.Time, months int) time.Time {
	first := time.Date(day.Year(), day.Month(), 1, 0, 0, 0, 0, day.Location()).AddDate(0, months, 0)
	last := first.AddDate(0, 1, -1).Day()
	return first.AddDate(0, 0, min(day.Day(), last)-1)
}
