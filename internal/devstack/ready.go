package devstack

import (
	"fmt"
	"io"
	"strings"

	"github.com/dossier/dossier/config"
)

// PrintReady writes the block a newcomer reads once the stack is up: every
// URL, the data dir and the demo accounts.
func (a *App) PrintReady(w io.Writer) {
	var b strings.Builder
	fmt.Fprintf(&b, "\nDossier is ready.\n\n")
	fmt.Fprintf(&b, "  API             %s   (health: %s/healthz)\n", a.HTTPURL, a.HTTPURL)
	ui := a.UIURL
	if ui == "" {
		ui = "(disabled with --no-ui)"
	}
	fmt.Fprintf(&b, "  Temporal UI     %s\n", ui)
	fmt.Fprintf(&b, "  Temporal gRPC   %s   (namespace dossier)\n", a.TemporalAddr)
	fmt.Fprintf(&b, "  NATS            %s   (submit on dossier.cases.submit, events on dossier.events.>)\n", a.NATSURL)
	fmt.Fprintf(&b, "  Data dir        %s   (emails sent land in %s/outbox)\n", a.opts.DataDir, a.opts.DataDir)
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
