package devstack

import (
	"fmt"
	"io"
	"strings"

	"github.com/dossier/dossier/config"
	"github.com/dossier/dossier/internal/llm"
)

// PrintReady writes the block a newcomer reads once the stack is up: every
// URL, the data dir and the demo accounts.
func (a *App) PrintReady(w io.Writer) {
	var b strings.Builder
	fmt.Fprintf(&b, "\nDossier is ready.\n\n")
	fmt.Fprintf(&b, "  Web app         %s/   (sign in as camille, password dev-camille)\n", a.HTTPURL)
	fmt.Fprintf(&b, "  API             %s/api/v1   (health: %s/healthz)\n", a.HTTPURL, a.HTTPURL)
	ui := a.UIURL
	if ui == "" {
		ui = "(disabled with --no-ui)"
	}
	fmt.Fprintf(&b, "  Temporal UI     %s\n", ui)
	fmt.Fprintf(&b, "  Temporal gRPC   %s   (namespace dossier)\n", a.TemporalAddr)
	fmt.Fprintf(&b, "  NATS            %s   (submit on dossier.cases.submit, events on dossier.events.>)\n", a.NATSURL)
	fmt.Fprintf(&b, "  SMTP sink       smtp://%s   (the emails sent, one .eml each, in %s/mailbox)\n", a.SMTPAddr, a.opts.DataDir)
	fmt.Fprintf(&b, "  Data dir        %s\n", a.opts.DataDir)
	fmt.Fprintf(&b, "  Drafting        %s\n", drafting(a.opts.Models))
	if len(a.DemoCases) > 0 {
		fmt.Fprintf(&b, "  Demo cases      %d opened, awaiting approval\n", len(a.DemoCases))
	}
	fmt.Fprintf(&b, "\n  Demo accounts (Authorization: Bearer <token>):\n")
	for _, acc := range config.Dev().Accounts {
		fmt.Fprintf(&b, "    %-10s %-13s %-26s token %s\n", acc.ID, strings.Join(acc.Roles, ","), acc.Name, acc.Token)
	}
	fmt.Fprintf(&b, "\n  Try: curl -s -H 'Authorization: Bearer dev-camille' %s/api/v1/cases\n", a.HTTPURL)
	fmt.Fprintf(&b, "  Stop with Ctrl-C; in-flight cases resume at the next start.\n\n")
	_, _ = io.WriteString(w, b.String())
}

// drafting says who drafts letters: a model, or the template drafter.
func drafting(r llm.Registry) string {
	m, ok := r.For("")
	if !ok {
		return "template drafter, no language model (set DOSSIER_LLM_URL and DOSSIER_LLM_MODEL to use one)"
	}
	return fmt.Sprintf("model %s at %s, checked by the guardrails", m.Model, m.URL)
}
