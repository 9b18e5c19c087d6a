// Package templates holds Dossier's letter templates, embedded in the binary.
//
// A template is a folder named after its id: manifest.yaml (id, version,
// fields with their validation rules and labels, prefill sources, legal
// deadline, approval policy, mandatory mentions, example data) and one body
// per language (fr.tmpl, en.tmpl) written with text/template. Bodies run
// with missingkey=error, and citizen-supplied values are passed as data,
// never parsed as template code.
//
// A case pins the version it started with. A version still needed by cases
// in flight is kept in a folder named <id>@<version>, and versions.lock
// records each version's hash so that `dossier templates check` refuses a
// released version edited in place.
package templates

import (
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"text/template"

	"gopkg.in/yaml.v3"
)

//go:embed */manifest.yaml */*.tmpl mentions.yaml versions.lock
var files embed.FS

// ErrUnknown is returned for a template id, version or language the
// catalogue lacks.
var ErrUnknown = errors.New("templates: unknown template")

// Template is one parsed version of a template, ready to draft letters.
type Template struct {
	Manifest
	// Dir is the folder it was loaded from.
	Dir      string
	subjects map[string]*template.Template
	bodies   map[string]*template.Template
	hash     string
}

// Catalog is the set of templates Dossier can draft, every kept version.
type Catalog struct {
	versions map[string]map[int]*Template
	latest   map[string]*Template
	mentions Mentions
	lock     map[string]string
}

// Load parses every embedded template. It fails on the first malformed one.
func Load() (*Catalog, error) {
	return LoadFS(files)
}

// LoadFS parses every template folder found in fsys, with the shared
// mentions.yaml and versions.lock when fsys has them.
func LoadFS(fsys fs.FS) (*Catalog, error) {
	manifests, err := fs.Glob(fsys, "*/manifest.yaml")
	if err != nil {
		return nil, fmt.Errorf("templates: %w", err)
	}
	c := &Catalog{versions: map[string]map[int]*Template{}, latest: map[string]*Template{}}
	for _, m := range manifests {
		if err := c.add(fsys, path.Dir(m)); err != nil {
			return nil, fmt.Errorf("templates: %s: %w", path.Dir(m), err)
		}
	}
	if err := c.checkCurrent(); err != nil {
		return nil, err
	}
	if c.mentions, err = loadMentions(fsys); err != nil {
		return nil, err
	}
	if c.lock, err = readLock(fsys); err != nil {
		return nil, err
	}
	return c, nil
}

func (c *Catalog) add(fsys fs.FS, dir string) error {
	t, err := parse(fsys, dir)
	if err != nil {
		return err
	}
	if c.versions[t.ID] == nil {
		c.versions[t.ID] = map[int]*Template{}
	}
	if other, dup := c.versions[t.ID][t.Version]; dup {
		return fmt.Errorf("version %d is also defined in %s", t.Version, other.Dir)
	}
	c.versions[t.ID][t.Version] = t
	if cur := c.latest[t.ID]; cur == nil || cur.Version < t.Version {
		c.latest[t.ID] = t
	}
	return nil
}

// checkCurrent makes sure the folder named after each id holds its latest
// version: kept versions (<id>@<n>) are older ones.
func (c *Catalog) checkCurrent() error {
	for id, t := range c.latest {
		if t.Dir != id {
			return fmt.Errorf("templates: %s: the newest version is in %s; the folder %s must hold the current version", id, t.Dir, id)
		}
	}
	return nil
}

func parse(fsys fs.FS, dir string) (*Template, error) {
	raw, err := fs.ReadFile(fsys, path.Join(dir, "manifest.yaml"))
	if err != nil {
		return nil, err
	}
	t := &Template{Dir: dir, subjects: map[string]*template.Template{}, bodies: map[string]*template.Template{}}
	if err := yaml.Unmarshal(raw, &t.Manifest); err != nil {
		return nil, fmt.Errorf("manifest: %w", err)
	}
	if err := t.Manifest.check(dir); err != nil {
		return nil, err
	}
	for _, lang := range t.Languages {
		if err := t.parseLanguage(fsys, dir, lang); err != nil {
			return nil, fmt.Errorf("%s: %w", lang, err)
		}
	}
	if t.hash, err = hashDir(fsys, dir); err != nil {
		return nil, err
	}
	return t, nil
}

func (t *Template) parseLanguage(fsys fs.FS, dir, lang string) error {
	body, err := fs.ReadFile(fsys, path.Join(dir, lang+".tmpl"))
	if err != nil {
		return err
	}
	if t.bodies[lang], err = newText(lang, lang).Parse(string(body)); err != nil {
		return err
	}
	if t.subjects[lang], err = newText(lang+"-subject", lang).Parse(t.Subject[lang]); err != nil {
		return err
	}
	return nil
}

func newText(name, lang string) *template.Template {
	return template.New(name).Option("missingkey=error").Funcs(funcsFor(lang))
}

// Get returns the latest version of the template with the given id.
// It returns ErrUnknown if there is none.
func (c *Catalog) Get(id string) (*Template, error) {
	t, ok := c.latest[id]
	if !ok {
		return nil, fmt.Errorf("%w %q", ErrUnknown, id)
	}
	return t, nil
}

// GetVersion returns the given version of a template, as a case pinned it.
// It returns ErrUnknown if the catalogue no longer holds that version.
func (c *Catalog) GetVersion(id string, version int) (*Template, error) {
	t, ok := c.versions[id][version]
	if !ok {
		return nil, fmt.Errorf("%w %s@%d", ErrUnknown, id, version)
	}
	return t, nil
}

// IDs returns the template ids, sorted.
func (c *Catalog) IDs() []string {
	ids := make([]string, 0, len(c.latest))
	for id := range c.latest {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids
}

// All returns every version of every template, by id then version.
func (c *Catalog) All() []*Template {
	var all []*Template
	for _, id := range c.IDs() {
		for _, t := range c.versions[id] {
			all = append(all, t)
		}
	}
	sort.SliceStable(all, func(i, j int) bool {
		return all[i].ID < all[j].ID || all[i].ID == all[j].ID && all[i].Version < all[j].Version
	})
	return all
}

// Mentions returns the mentions shared by every template.
func (c *Catalog) Mentions() Mentions { return c.mentions }

// Speaks reports whether the template has a body in lang.
func (t *Template) Speaks(lang string) bool {
	_, ok := t.bodies[lang]
	return ok
}
