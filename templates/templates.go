// Package templates holds Dossier's letter templates, embedded in the binary.
//
// A template is a folder: manifest.yaml (id, version, fields and their
// validation rules, legal deadline, mandatory mentions) and one body per
// language (fr.tmpl, en.tmpl) written with text/template. Bodies run with
// missingkey=error, and citizen-supplied values are passed as data, never
// parsed as template code.
package templates

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"text/template"
	"time"

	"gopkg.in/yaml.v3"
)

//go:embed */manifest.yaml */*.tmpl
var files embed.FS

// ErrUnknown is returned for a template id or language the catalogue lacks.
var ErrUnknown = errors.New("templates: unknown template")

// Field is one fact a template needs, with its validator/v10 rule.
type Field struct {
	Name     string            `yaml:"name"`
	Validate string            `yaml:"validate"`
	Label    map[string]string `yaml:"label"`
}

// Deadline is the legal deadline to answer a request: SVA (silence means
// acceptance) or SVR (silence means refusal), in months from receipt.
type Deadline struct {
	Rule   string `yaml:"rule"`
	Months int    `yaml:"months"`
}

// Manifest describes a template.
type Manifest struct {
	ID        string              `yaml:"id"`
	Version   int                 `yaml:"version"`
	Languages []string            `yaml:"languages"`
	Title     map[string]string   `yaml:"title"`
	Subject   map[string]string   `yaml:"subject"`
	Fields    []Field             `yaml:"fields"`
	Deadline  *Deadline           `yaml:"deadline"`
	Mentions  map[string][]string `yaml:"mentions"`
	Example   yaml.Node           `yaml:"example"`
}

// Template is a parsed template, ready to draft letters.
type Template struct {
	Manifest
	subjects map[string]*template.Template
	bodies   map[string]*template.Template
}

// Catalog is the set of templates Dossier can draft.
type Catalog struct {
	byID map[string]*Template
}

// Load parses every embedded template. It fails on the first malformed one.
func Load() (*Catalog, error) {
	return LoadFS(files)
}

// LoadFS parses every template folder found in fsys.
func LoadFS(fsys fs.FS) (*Catalog, error) {
	manifests, err := fs.Glob(fsys, "*/manifest.yaml")
	if err != nil {
		return nil, fmt.Errorf("templates: %w", err)
	}
	c := &Catalog{byID: map[string]*Template{}}
	for _, m := range manifests {
		t, err := parse(fsys, path.Dir(m))
		if err != nil {
			return nil, fmt.Errorf("templates: %s: %w", path.Dir(m), err)
		}
		c.byID[t.ID] = t
	}
	return c, nil
}

func parse(fsys fs.FS, dir string) (*Template, error) {
	raw, err := fs.ReadFile(fsys, path.Join(dir, "manifest.yaml"))
	if err != nil {
		return nil, err
	}
	t := &Template{subjects: map[string]*template.Template{}, bodies: map[string]*template.Template{}}
	if err := yaml.Unmarshal(raw, &t.Manifest); err != nil {
		return nil, fmt.Errorf("manifest: %w", err)
	}
	if t.ID != dir || t.Version < 1 || len(t.Languages) == 0 {
		return nil, fmt.Errorf("manifest: id must be %q, version >= 1, at least one language", dir)
	}
	for _, lang := range t.Languages {
		if t.Subject[lang] == "" || t.Title[lang] == "" {
			return nil, fmt.Errorf("manifest: %s: title and subject are required for every language", lang)
		}
	}
	for _, lang := range t.Languages {
		if err := t.parseLanguage(fsys, dir, lang); err != nil {
			return nil, fmt.Errorf("%s: %w", lang, err)
		}
	}
	return t, nil
}

func (t *Template) parseLanguage(fsys fs.FS, dir, lang string) error {
	body, err := fs.ReadFile(fsys, path.Join(dir, lang+".tmpl"))
	if err != nil {
		return err
	}
	if t.bodies[lang], err = newText(lang).Parse(string(body)); err != nil {
		return err
	}
	if t.subjects[lang], err = newText(lang + "-subject").Parse(t.Subject[lang]); err != nil {
		return err
	}
	return nil
}

func newText(name string) *template.Template {
	return template.New(name).Option("missingkey=error").Funcs(funcs)
}

// Get returns the template with the given id.
// It returns ErrUnknown if there is none.
func (c *Catalog) Get(id string) (*Template, error) {
	t, ok := c.byID[id]
	if !ok {
		return nil, fmt.Errorf("%w %q", ErrUnknown, id)
	}
	return t, nil
}

// IDs returns the template ids, sorted.
func (c *Catalog) IDs() []string {
	ids := make([]string, 0, len(c.byID))
	for id := range c.byID {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids
}

// Speaks reports whether the template has a body in lang.
func (t *Template) Speaks(lang string) bool {
	_, ok := t.bodies[lang]
	return ok
}

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
	return Letter{Subject: subject.String(), Body: normalize(text.String()), Mentions: t.Mentions[lang]}, nil
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
