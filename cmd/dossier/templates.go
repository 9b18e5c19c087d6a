package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"

	"gopkg.in/yaml.v3"

	"github.com/dossier/dossier/internal/templatecheck"
	"github.com/dossier/dossier/templates"
)

// templatesCmd groups the template authors' commands.
type templatesCmd struct {
	List  templatesListCmd  `cmd:"" help:"List the templates, their versions and languages."`
	Show  templatesShowCmd  `cmd:"" help:"Show a template's manifest: fields, rules, prefill, deadline, approval, mentions."`
	Check templatesCheckCmd `cmd:"" help:"Check every template: rules, example data, rendering in each language, released versions unchanged."`
	Lock  templatesLockCmd  `cmd:"" help:"Record new template versions in versions.lock (never rewrites a released one)."`
}

// source is where the commands read templates: the ones built into the
// binary, or a folder being edited.
type source struct {
	Dir string `help:"Read templates from this folder instead of those built into the binary." type:"existingdir"`
}

func (s source) load() (*templates.Catalog, error) {
	if s.Dir == "" {
		return templates.Load()
	}
	return templates.LoadFS(os.DirFS(s.Dir))
}

type templatesListCmd struct{ source }

func (c *templatesListCmd) Run(out io.Writer) error {
	cat, err := c.load()
	if err != nil {
		return err
	}
	w := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "ID\tVERSIONS\tLANGUAGES\tDEADLINE\tAPPROVALS\tTITLE")
	for _, id := range cat.IDs() {
		t, _ := cat.Get(id)
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%d\t%s\n", id, versions(cat, id), strings.Join(t.Languages, ","), deadline(t), t.Approval.Approvals, t.Title["fr"])
	}
	return w.Flush()
}

func versions(cat *templates.Catalog, id string) string {
	var vs []string
	for _, t := range cat.All() {
		if t.ID == id {
			vs = append(vs, fmt.Sprint(t.Version))
		}
	}
	return strings.Join(vs, ",")
}

func deadline(t *templates.Template) string {
	if t.Deadline == nil {
		return "-"
	}
	unit := "months"
	if t.Deadline.Months == 1 {
		unit = "month"
	}
	return fmt.Sprintf("%s %d %s", t.Deadline.Rule, t.Deadline.Months, unit)
}

type templatesShowCmd struct {
	source
	ID string `arg:"" help:"Template id, or id@version."`
}

func (c *templatesShowCmd) Run(out io.Writer) error {
	cat, err := c.load()
	if err != nil {
		return err
	}
	t, err := getTemplate(cat, c.ID)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "# %s (folder %s, sha256 %s)\n", t.Key(), t.Dir, t.Hash())
	enc := yaml.NewEncoder(out)
	enc.SetIndent(2)
	defer enc.Close()
	return enc.Encode(t.Manifest)
}

func getTemplate(cat *templates.Catalog, ref string) (*templates.Template, error) {
	id, version, ok := strings.Cut(ref, "@")
	if !ok {
		return cat.Get(id)
	}
	var v int
	if _, err := fmt.Sscan(version, &v); err != nil {
		return nil, fmt.Errorf("%q: want id or id@version", ref)
	}
	return cat.GetVersion(id, v)
}

type templatesCheckCmd struct{ source }

// errCheckFailed makes `templates check` exit non-zero after its report.
var errCheckFailed = errors.New("some templates have problems")

func (c *templatesCheckCmd) Run(out io.Writer) error {
	cat, err := c.load()
	if err != nil {
		return err
	}
	results, err := templatecheck.Check(cat)
	if err != nil {
		return err
	}
	failed := 0
	for _, r := range results {
		if r.OK() {
			fmt.Fprintf(out, "ok    %s\n", r.Key)
			continue
		}
		failed++
		fmt.Fprintf(out, "FAIL  %s (%s)\n", r.Key, r.Dir)
		for _, p := range r.Problems {
			fmt.Fprintf(out, "      - %s\n", p)
		}
	}
	fmt.Fprintf(out, "%d template versions checked, %d with problems\n", len(results), failed)
	if failed > 0 {
		return errCheckFailed
	}
	return nil
}

type templatesLockCmd struct {
	Dir string `help:"The templates folder whose versions.lock is written." default:"templates" type:"existingdir"`
}

func (c *templatesLockCmd) Run(_ context.Context, out io.Writer) error {
	cat, err := templates.LoadFS(os.DirFS(c.Dir))
	if err != nil {
		return err
	}
	lock, err := cat.Lock()
	if err != nil {
		return err
	}
	path := filepath.Join(c.Dir, templates.LockFile)
	if err := os.WriteFile(path, lock, 0o644); err != nil {
		return err
	}
	fmt.Fprintf(out, "wrote %s (%d versions)\n", path, len(cat.All()))
	return nil
}
