package templates

import (
	"bytes"
	"fmt"
	"io/fs"
	"text/template"

	"gopkg.in/yaml.v3"
)

// Mentions are the mentions every letter may carry, per language:
// the algorithmic-processing mention (CRPA art. L311-3-1) when a model
// drafted the letter, the mention that no model was used otherwise, and
// the service's contact.
type Mentions struct {
	AI       map[string]string `yaml:"ai"`
	Template map[string]string `yaml:"template_drafter"`
	Contact  map[string]string `yaml:"contact"`
}

// MentionData fills the shared mentions.
type MentionData struct {
	Model   string
	Contact string
}

func loadMentions(fsys fs.FS) (Mentions, error) {
	var m Mentions
	raw, err := fs.ReadFile(fsys, "mentions.yaml")
	if err != nil {
		return m, nil // a catalogue without shared mentions (tests)
	}
	if err := yaml.Unmarshal(raw, &m); err != nil {
		return m, fmt.Errorf("templates: mentions.yaml: %w", err)
	}
	return m, nil
}

// Render returns the mention of kind ("ai", "template_drafter" or
// "contact") in lang, filled with data; "" when there is none.
func (m Mentions) Render(kind, lang string, data MentionData) (string, error) {
	src := map[string]map[string]string{"ai": m.AI, "template_drafter": m.Template, "contact": m.Contact}[kind][lang]
	if src == "" {
		return "", nil
	}
	t, err := template.New(kind).Option("missingkey=error").Parse(src)
	if err != nil {
		return "", fmt.Errorf("templates: mention %s/%s: %w", kind, lang, err)
	}
	var out bytes.Buffer
	if err := t.Execute(&out, data); err != nil {
		return "", fmt.Errorf("templates: mention %s/%s: %w", kind, lang, err)
	}
	return out.String(), nil
}
