package templates

import "fmt"

// Example is a template's example submission, as its manifest gives it:
// realistic data that `dossier templates check` validates and renders in
// every language, and that the golden tests print.
type Example struct {
	Template  string `yaml:"template"`
	Language  string `yaml:"language"`
	Applicant struct {
		Name    string   `yaml:"name"`
		Email   string   `yaml:"email"`
		Address []string `yaml:"address"`
	} `yaml:"applicant"`
	Facts map[string]string `yaml:"facts"`
}

// ExampleSubmission decodes the manifest's example.
// It fails when the manifest has none or it does not decode.
func (t *Template) ExampleSubmission() (Example, error) {
	var ex Example
	if t.Example.IsZero() {
		return ex, fmt.Errorf("templates: %s has no example", t.Key())
	}
	if err := t.Example.Decode(&ex); err != nil {
		return ex, fmt.Errorf("templates: %s example: %w", t.Key(), err)
	}
	if ex.Template != t.ID {
		return ex, fmt.Errorf("templates: %s example is for template %q", t.Key(), ex.Template)
	}
	return ex, nil
}

// DataFor returns the data a body is executed with for facts received by
// the service, with the legal deadline computed from the manifest.
//
// Every declared field is present in Data.Facts, empty when it was not
// given, so bodies can test optional facts with {{if .Facts.x}}.
func (t *Template) DataFor(reference string, app Applicant, facts map[string]string, svc Service) (Data, error) {
	all := make(map[string]string, len(t.Fields))
	for _, f := range t.Fields {
		all[f.Name] = facts[f.Name]
	}
	data := Data{Reference: reference, Applicant: app, Facts: all, Service: svc}
	if t.Deadline != nil {
		d, err := t.DeadlineFor(facts[t.Deadline.From])
		if err != nil {
			return data, err
		}
		data.Deadline = d
	}
	return data, nil
}
