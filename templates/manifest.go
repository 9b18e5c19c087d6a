package templates

import (
	"fmt"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"
)

// Field is one fact a template needs: its validator/v10 rule, its label per
// language, and where it may be prefilled from.
type Field struct {
	Name     string            `yaml:"name"`
	Validate string            `yaml:"validate"`
	Label    map[string]string `yaml:"label"`
	Prefill  *Prefill          `yaml:"prefill,omitempty"`
}

// Prefill says how a field is completed from a legacy system: the NATS
// request legacy.<Query> with the value of the fact Key, reading Field of
// the record that comes back.
type Prefill struct {
	// Query is "<system>.<query>", e.g. "rna.association".
	Query string `yaml:"query"`
	// Key names the fact whose value identifies the record.
	Key string `yaml:"key"`
	// Field is the record's field that fills this fact.
	Field string `yaml:"field"`
	// IfUnavailable is "wait" (the case waits for the system to come back)
	// or "fail" (the case fails with the reason).
	IfUnavailable string `yaml:"if_unavailable"`
	// IfNotFound is "fail", or "keep" to go on with the submitted value and
	// a flag for the caseworker.
	IfNotFound string `yaml:"if_not_found"`
}

// The legal deadline rules: silence means acceptance (SVA) or refusal (SVR).
const (
	RuleSVA = "SVA"
	RuleSVR = "SVR"
)

// Deadline is the legal deadline to answer a request, counted in months
// from the day the request was received (the fact named From).
type Deadline struct {
	Rule   string `yaml:"rule"`
	Months int    `yaml:"months"`
	From   string `yaml:"from"`
}

// Approval is who may approve a letter of this template, and how many
// distinct people must.
type Approval struct {
	Roles     []string `yaml:"roles"`
	Approvals int      `yaml:"approvals"`
}

// Manifest describes one version of a template.
type Manifest struct {
	ID        string              `yaml:"id"`
	Version   int                 `yaml:"version"`
	Languages []string            `yaml:"languages"`
	Title     map[string]string   `yaml:"title"`
	Subject   map[string]string   `yaml:"subject"`
	Fields    []Field             `yaml:"fields"`
	Deadline  *Deadline           `yaml:"deadline"`
	Approval  Approval            `yaml:"approval"`
	Mentions  map[string][]string `yaml:"mentions"`
	// Length bounds the body, in characters, for drafts to be checked against.
	Length Length `yaml:"length"`
	// Model names the configured language model this template drafts with;
	// empty for the default one.
	Model   string    `yaml:"model,omitempty"`
	Example yaml.Node `yaml:"example"`
}

// Length bounds a letter body in characters.
type Length struct {
	Min int `yaml:"min"`
	Max int `yaml:"max"`
}

// Field returns the field named name, or nil.
func (m *Manifest) Field(name string) *Field {
	for i := range m.Fields {
		if m.Fields[i].Name == name {
			return &m.Fields[i]
		}
	}
	return nil
}

var knownRoles = []string{"caseworker", "supervisor"}

// check reports the first inconsistency of a manifest loaded from dir.
func (m *Manifest) check(dir string) error {
	if dir != m.ID && dir != fmt.Sprintf("%s@%d", m.ID, m.Version) {
		return fmt.Errorf("manifest: id must be %q (or the folder %s@%d for a kept version)", dir, m.ID, m.Version)
	}
	if m.Version < 1 || len(m.Languages) == 0 {
		return fmt.Errorf("manifest: version must be >= 1 and at least one language given")
	}
	for _, lang := range m.Languages {
		if m.Subject[lang] == "" || m.Title[lang] == "" {
			return fmt.Errorf("manifest: %s: title and subject are required for every language", lang)
		}
	}
	if err := m.checkFields(); err != nil {
		return err
	}
	if err := m.checkDeadline(); err != nil {
		return err
	}
	return m.checkApproval()
}

func (m *Manifest) checkFields() error {
	seen := map[string]bool{}
	for _, f := range m.Fields {
		if f.Name == "" || seen[f.Name] {
			return fmt.Errorf("manifest: field %q: names must be unique and not empty", f.Name)
		}
		seen[f.Name] = true
		for _, lang := range m.Languages {
			if f.Label[lang] == "" {
				return fmt.Errorf("manifest: field %s: no %s label", f.Name, lang)
			}
		}
		if err := m.checkPrefill(f); err != nil {
			return err
		}
		for _, rule := range strings.Split(f.Validate, ",") {
			other, ok := strings.CutPrefix(rule, "after=")
			if !ok {
				other, ok = strings.CutPrefix(rule, "notabove=")
			}
			if ok && m.Field(other) == nil {
				return fmt.Errorf("manifest: field %s: rule %s names no field", f.Name, rule)
			}
		}
	}
	return nil
}

func (m *Manifest) checkPrefill(f Field) error {
	p := f.Prefill
	if p == nil {
		return nil
	}
	switch {
	case p.Query == "" || p.Field == "":
		return fmt.Errorf("manifest: field %s: prefill needs a query and a field", f.Name)
	case m.Field(p.Key) == nil || p.Key == f.Name:
		return fmt.Errorf("manifest: field %s: prefill key %q must be another field", f.Name, p.Key)
	case !slices.Contains([]string{"wait", "fail"}, p.IfUnavailable):
		return fmt.Errorf("manifest: field %s: if_unavailable must be wait or fail", f.Name)
	case !slices.Contains([]string{"fail", "keep"}, p.IfNotFound):
		return fmt.Errorf("manifest: field %s: if_not_found must be fail or keep", f.Name)
	}
	return nil
}

func (m *Manifest) checkDeadline() error {
	d := m.Deadline
	if d == nil {
		return nil
	}
	if (d.Rule != RuleSVA && d.Rule != RuleSVR) || d.Months < 1 || m.Field(d.From) == nil {
		return fmt.Errorf("manifest: deadline needs rule SVA or SVR, months >= 1, and from naming a date field")
	}
	return nil
}

func (m *Manifest) checkApproval() error {
	a := m.Approval
	if a.Approvals < 1 || len(a.Roles) == 0 {
		return fmt.Errorf("manifest: approval needs roles and approvals >= 1")
	}
	for _, r := range a.Roles {
		if !slices.Contains(knownRoles, r) {
			return fmt.Errorf("manifest: approval role %q is not one of %v", r, knownRoles)
		}
	}
	return nil
}
