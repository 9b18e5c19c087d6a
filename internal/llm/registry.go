package llm

import (
	"fmt"
	"os"

	"gopkg.in/yaml.v3"
)

// Registry is the set of configured models: a default, and others that
// templates may name (manifest field `model`).
type Registry struct {
	Default string           `yaml:"default"`
	Models  map[string]Model `yaml:"models"`
}

// LoadRegistry reads the `llm:` section of a Dossier config file (path may
// be empty), then lets DOSSIER_LLM_URL/MODEL/API_KEY set the default model.
// With neither, the registry is empty and letters are drafted from
// templates alone.
//
//	llm:
//	  default: local
//	  models:
//	    local: {url: http://127.0.0.1:11434/v1, model: mistral-small3.2:24b, timeout: 90s}
//	    legal: {url: https://llm.interieur.example/v1, model: albert-large, api_key_env: ALBERT_KEY}
func LoadRegistry(path string) (Registry, error) {
	r := Registry{Models: map[string]Model{}}
	if path != "" {
		raw, err := os.ReadFile(path)
		if err != nil {
			return r, fmt.Errorf("llm: %w", err)
		}
		var f struct {
			LLM Registry `yaml:"llm"`
		}
		if err := yaml.Unmarshal(raw, &f); err != nil {
			return r, fmt.Errorf("llm: %s: %w", path, err)
		}
		if f.LLM.Models != nil {
			r = f.LLM
		}
	}
	if m, ok := FromEnv(); ok {
		r.Models[m.Name] = m
		r.Default = m.Name
	}
	return r, r.check()
}

func (r Registry) check() error {
	for name, m := range r.Models {
		if m.URL == "" || m.Model == "" {
			return fmt.Errorf("llm: model %q needs url and model", name)
		}
	}
	if _, ok := r.Models[r.Default]; r.Default != "" && !ok {
		return fmt.Errorf("llm: default model %q is not configured", r.Default)
	}
	return nil
}

// For returns the model a template should draft with: the one it names,
// else the default. ok is false when no model is configured for it.
func (r Registry) For(name string) (Model, bool) {
	if name == "" {
		name = r.Default
	}
	m, ok := r.Models[name]
	if !ok {
		m, ok = r.Models[r.Default]
		name = r.Default
	}
	m.Name = name
	return m, ok
}
