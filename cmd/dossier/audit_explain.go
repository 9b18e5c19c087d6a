package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"

	"github.com/dossier/dossier/config"
	"github.com/dossier/dossier/internal/audit"
	"github.com/dossier/dossier/internal/pdf"
	"github.com/dossier/dossier/templates"
)

type auditExplainCmd struct {
	auditCaseSource
	Case   string `arg:"" help:"Case id."`
	Output string `short:"o" help:"Write the explanation as a PDF to this file." placeholder:"FILE.pdf" type:"path"`
	Text   bool   `help:"Print the explanation as text (what it does without -o)."`
	Config string `help:"YAML file whose administration heads the explanation (none: no heading)." env:"DOSSIER_CONFIG" type:"existingfile"`
}

func (c *auditExplainCmd) Run(ctx context.Context, logger *slog.Logger, out io.Writer) error {
	// The explanation tells what the history records; refused attempts
	// are the auditors' business.
	tl, err := c.timeline(ctx, logger, c.Case, "")
	if err != nil {
		return err
	}
	opts, err := c.options(tl)
	if err != nil {
		return err
	}
	x := audit.Explain(tl, opts)
	if c.Output != "" {
		if err := writePDF(c.Output, x); err != nil {
			return err
		}
		fmt.Fprintf(os.Stderr, "Explanation of %s written to %s\n", tl.Reference, c.Output)
	}
	if c.Text || c.Output == "" {
		_, err = io.WriteString(out, x.Text())
	}
	return err
}

// options names the template and facts from the shipped catalogue, under
// the administration of --config.
func (c *auditExplainCmd) options(tl audit.Timeline) (audit.ExplainOptions, error) {
	cat, err := templates.Load()
	if err != nil {
		return audit.ExplainOptions{}, err
	}
	issuer := ""
	if c.Config != "" {
		f, err := config.Load(c.Config)
		if err != nil {
			return audit.ExplainOptions{}, err
		}
		issuer = f.Administration.Name
		if s, ok := f.Services[tl.Service]; ok && s.Name != "" {
			issuer += " — " + s.Name
		}
	}
	return audit.CatalogOptions(cat, tl, issuer), nil
}

func writePDF(path string, x audit.Explanation) error {
	r, err := pdf.NewRenderer()
	if err != nil {
		return err
	}
	raw, err := x.PDF(r)
	if err != nil {
		return err
	}
	return os.WriteFile(path, raw, 0o644)
}
