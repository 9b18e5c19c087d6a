// Package templatecheck checks letter templates the way `dossier templates
// check` reports them: every version parses, its validation rules exist,
// its example is a valid submission, every language renders to text
// within the length bounds and to a PDF, and released versions are
// unchanged since they were locked.
package templatecheck

import (
	"fmt"
	"strings"
	"time"

	"github.com/dossier/dossier/internal/contract"
	"github.com/dossier/dossier/internal/intake"
	"github.com/dossier/dossier/internal/pdf"
	"github.com/dossier/dossier/templates"
)

// Result is the outcome for one template version.
type Result struct {
	Key      string
	Dir      string
	Problems []string
}

// OK reports whether the version has no problem.
func (r Result) OK() bool { return len(r.Problems) == 0 }

// Service is the administration the examples are rendered for.
var Service = templates.Service{
	Administration: "Ville de Montreuil-sur-Loire",
	Service:        "Service Relations usagers",
	Contact:        "relations.usagers@montreuil-sur-loire.example",
}

// Check checks every version in the catalogue.
func Check(c *templates.Catalog) ([]Result, error) {
	renderer, err := pdf.NewRenderer()
	if err != nil {
		return nil, err
	}
	v := intake.NewValidator(c)
	lockProblems := map[string][]string{}
	for _, err := range c.CheckLock() {
		key, _, _ := strings.Cut(err.Error(), " ")
		lockProblems[key] = append(lockProblems[key], err.Error())
	}
	var out []Result
	for _, t := range c.All() {
		r := Result{Key: t.Key(), Dir: t.Dir}
		r.Problems = append(r.Problems, checkRules(v, t)...)
		r.Problems = append(r.Problems, checkExample(v, renderer, t)...)
		r.Problems = append(r.Problems, lockProblems[t.Key()]...)
		out = append(out, r)
	}
	return out, nil
}

// checkRules runs each field's rules once, so that a rule unknown to the
// validator is reported here instead of panicking on a citizen's request.
func checkRules(v *intake.Validator, t *templates.Template) (problems []string) {
	for _, f := range t.Fields {
		func() {
			defer func() {
				if p := recover(); p != nil {
					problems = append(problems, fmt.Sprintf("field %s: rule %q: %v", f.Name, f.Validate, p))
				}
			}()
			v.CheckRule(f.Validate)
		}()
	}
	return problems
}

func checkExample(v *intake.Validator, renderer *pdf.Renderer, t *templates.Template) []string {
	ex, err := t.ExampleSubmission()
	if err != nil {
		return []string{err.Error()}
	}
	sub := contract.Submission{Template: ex.Template, Language: ex.Language, Facts: ex.Facts,
		Applicant: contract.Applicant{Name: ex.Applicant.Name, Email: ex.Applicant.Email, Address: ex.Applicant.Address}}
	var problems []string
	if err := v.ValidateCompleteVersion(sub, t); err != nil {
		problems = append(problems, "example: "+err.Error())
	}
	app := templates.Applicant{Name: ex.Applicant.Name, Address: ex.Applicant.Address}
	data, err := t.DataFor("DOS-00000000", app, ex.Facts, Service)
	if err != nil {
		return append(problems, "example: "+err.Error())
	}
	for _, lang := range t.Languages {
		if err := renderLanguage(renderer, t, lang, data); err != nil {
			problems = append(problems, lang+": "+err.Error())
		}
	}
	return problems
}

func renderLanguage(renderer *pdf.Renderer, t *templates.Template, lang string, data templates.Data) error {
	letter, err := t.Execute(lang, data)
	if err != nil {
		return err
	}
	for _, part := range []string{letter.Subject, letter.Body} {
		if strings.Contains(part, "{{") || strings.Contains(part, "}}") || strings.Contains(part, "<no value>") {
			return fmt.Errorf("template code left in the letter: %q", part)
		}
	}
	if n := len([]rune(letter.Body)); (t.Length.Min > 0 && n < t.Length.Min) || (t.Length.Max > 0 && n > t.Length.Max) {
		return fmt.Errorf("body has %d characters, outside the manifest's bounds %d–%d", n, t.Length.Min, t.Length.Max)
	}
	_, err = renderer.Render(pdf.Letter{
		Language: lang, Administration: Service.Administration, Service: Service.Service, ServiceContact: Service.Contact,
		Place: "Montreuil-sur-Loire", Date: time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC), Reference: data.Reference,
		Recipient: append([]string{data.Applicant.Name}, data.Applicant.Address...), Subject: letter.Subject,
		Body: letter.Body, Signatory: "Camille Martin", Mentions: letter.Mentions,
	})
	return err
}
