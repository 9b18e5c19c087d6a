package audit

import (
	"bufio"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/dossier/dossier/internal/contract"
)

// WriteText prints t for an auditor reading a terminal: the case, then
// each part of its timeline under a heading, times in Paris. It returns
// w's error.
func WriteText(w io.Writer, t Timeline) error {
	p := &printer{w: bufio.NewWriter(w)}
	p.header(t)
	p.stages(t)
	p.facts(t)
	p.drafts(t)
	p.reviews(t)
	p.edits(t)
	p.letter(t)
	p.requestsAndSteps(t)
	p.events(t)
	if len(t.Problems) > 0 {
		p.section("Parts of the history that could not be read")
		for _, pr := range t.Problems {
			p.line("  %s", pr)
		}
	}
	return p.w.Flush()
}

type printer struct{ w *bufio.Writer }

func (p *printer) line(format string, args ...any) {
	fmt.Fprintln(p.w, strings.TrimRight(fmt.Sprintf(format, args...), " "))
}

func (p *printer) section(title string) { p.line("\n%s", title) }

// clock is a time as the timeline prints it, in Paris.
func clock(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.In(contract.Paris).Format("2006-01-02 15:04:05")
}

func (p *printer) header(t Timeline) {
	p.line("Case %s (%s) · %s v%d · %s · %s, stage %s", t.Reference, t.CaseID, t.Template, t.TemplateVersion, t.Language, t.Status, t.Stage)
	p.line("Submitted %s by %s over %s%s", clock(t.SubmittedAt), actor(t.SubmittedBy), t.Channel, when(t.Service != "", ", service "+t.Service))
	if t.Parent != "" {
		p.line("Asks for the documents case %s waits for", t.Parent)
	}
	if d := t.Deadline; d != nil {
		p.line("Legal deadline %s (%s, %d months)", d.Date, d.Rule, d.Months)
	}
	if f := t.Failure; f != nil {
		p.line("Failed %s: %s", clock(f.At), f.Message)
		for _, fe := range f.Fields {
			p.line("  %s: %s", fe.Field, fe.Message)
		}
	}
	if c := t.Cancel; c != nil {
		p.line("Cancellation requested %s by %s%s", clock(c.At), c.Identity, when(c.Reason != "", ": "+c.Reason))
	}
}

func (p *printer) stages(t Timeline) {
	p.section("Stages")
	for _, s := range t.Stages {
		d := s.Duration.Round(time.Millisecond).String()
		switch {
		case s.Ongoing:
			d = "ongoing"
		case s.Stage.Terminal():
			d = ""
		}
		p.line("  %s  %-18s  %s", clock(s.Start), s.Stage, d)
	}
}

func (p *printer) facts(t Timeline) {
	if len(t.Facts) > 0 {
		p.section(fmt.Sprintf("Facts (template %s v%d)", t.Template, t.TemplateVersion))
	}
	for _, f := range t.Facts {
		p.line("  %-20s %-30s %s", f.Name, oneLine(f.Value), source(f.Source))
	}
	for _, f := range t.Flags {
		p.line("  flag %s %s: %s", f.Kind, f.Field, f.Message)
	}
}

// source says where a fact came from.
func source(s contract.Source) string {
	if s.Origin != "legacy" {
		return s.Origin
	}
	return fmt.Sprintf("legacy %s key %s at %s", s.Query, s.Key, clock(s.At))
}

func (p *printer) drafts(t Timeline) {
	if len(t.Drafts) > 0 {
		p.section("Drafts")
	}
	for _, d := range t.Drafts {
		if d.Error != "" {
			p.line("  %s  failed: %s", clock(d.RequestedAt), d.Error)
			continue
		}
		p.line("  %s  v%d %s, template %s v%d%s", clock(d.At), d.Version, d.Drafter, d.Template, d.TemplateVersion,
			when(d.Comment != "", fmt.Sprintf(", answering %q", d.Comment)))
		if d.Drafter == "llm" {
			p.line("      model %s (served %s) on endpoint %s, prompt %s", d.Model, d.ModelServed, d.Endpoint, d.PromptHash)
			p.line("      %d prompt + %d completion tokens, %d ms, %d attempt(s)", d.PromptTokens, d.CompletionTokens, d.LatencyMS, len(d.Attempts))
		}
		if len(d.Guardrails) > 0 {
			p.line("      guardrails: %s", guardrails(d.Guardrails))
		}
		for _, a := range d.Attempts {
			if a.Error != "" || !passed(a.Guardrails) {
				p.line("      attempt %s: %s%s", short(a.PromptHash), guardrails(a.Guardrails), when(a.Error != "", " error: "+a.Error))
			}
		}
		for _, f := range d.Flags {
			p.line("      flag %s: %s", f.Kind, f.Message)
		}
	}
}

func guardrails(rs []contract.GuardrailResult) string {
	parts := make([]string, len(rs))
	for i, r := range rs {
		parts[i] = r.Check + " " + map[bool]string{true: "ok", false: "FAILED"}[r.OK]
		if r.Detail != "" {
			parts[i] += " (" + r.Detail + ")"
		}
	}
	return strings.Join(parts, ", ")
}

func passed(rs []contract.GuardrailResult) bool {
	for _, r := range rs {
		if !r.OK {
			return false
		}
	}
	return true
}

func (p *printer) reviews(t Timeline) {
	if len(t.Reviews) > 0 || len(t.Assigned) > 0 {
		p.section("Decisions")
	}
	for _, a := range t.Assigned {
		p.line("  %s  assigned to %q by %s", clock(a.At), a.Assignee, actor(a.By))
	}
	for _, r := range t.Reviews {
		p.line("  %s  %s by %s on v%d%s%s%s", clock(r.At), r.Decision, actor(r.Reviewer), r.Version,
			when(r.Comment != "", fmt.Sprintf(": %q", r.Comment)), when(r.Body != "", " (edited the text)"),
			when(r.Result != "", " → "+string(r.Result)))
	}
	if len(t.Refused) > 0 {
		p.section("Refused attempts (kept on NATS dossier.audit.refused; Temporal records none)")
	}
	for _, r := range t.Refused {
		kind := string(r.Kind)
		if kind == "" && r.Action == "cancel" {
			kind = "cancellation"
		}
		p.line("  %s  %s by %s: %s: %s", clock(r.At), r.Action, actor(r.Actor), kind, r.Reason)
	}
}

func (p *printer) edits(t Timeline) {
	e := t.Edits
	if e == nil {
		return
	}
	p.section(fmt.Sprintf("Edits from the drafted text (v%d, %s) to the approved letter (v%d)", e.DraftVersion, e.Drafter, e.LetterVersion))
	p.line("  kept %.1f %%: %d of %d words kept, %d added, %d removed", e.KeptRatio*100, e.KeptWords, e.DraftedWords, e.AddedWords, e.RemovedWords)
	for _, c := range e.Changes {
		switch {
		case c.Removed == "":
			p.line("  + %q", c.Added)
		case c.Added == "":
			p.line("  - %q", c.Removed)
		default:
			p.line("  ~ %q → %q", c.Removed, c.Added)
		}
	}
}

func (p *printer) letter(t Timeline) {
	if l := t.Letter; l != nil {
		p.section("Letter")
		p.line("  v%d approved %s by %s%s", l.Version, clock(l.ApprovedAt), actor(l.Approver), when(l.EditedBy != "", ", edited by "+l.EditedBy))
		p.line("  rendered %s: %s, %d bytes, SHA-256 %s%s", clock(l.RenderedAt), l.Object, l.Size, l.SHA256,
			when(l.VerificationCode != "", ", verification code "+l.VerificationCode))
	}
	if len(t.Notified) > 0 {
		p.section("Notifications")
	}
	for _, n := range t.Notified {
		outcome := "sent, message " + n.MessageID
		if !n.OK {
			outcome = "FAILED: " + n.Error
		}
		p.line("  %s  %-6s %s%s", clock(n.At), n.Channel, outcome, when(n.Location != "", " ("+n.Location+")"))
	}
}

func (p *printer) requestsAndSteps(t Timeline) {
	if len(t.Requests) > 0 {
		p.section("Requests for documents")
	}
	for _, r := range t.Requests {
		p.line("  %s  #%d by %s, due %s: %s%s", clock(r.RequestedAt), r.Seq, r.RequestedBy, r.DueDate, strings.Join(r.Documents, "; "),
			when(r.Letter != "", ", letter "+r.Letter))
		switch {
		case r.ReceivedOn != "":
			p.line("      received on %s (recorded %s by %s)%s", r.ReceivedOn, clock(r.ReceivedAt), r.ReceivedBy, when(r.Note != "", ": "+r.Note))
		case r.Overdue:
			p.line("      not received by the due date")
		}
	}
	if len(t.Steps) > 0 {
		p.section("Delegated steps")
	}
	for _, s := range t.Steps {
		p.line("  %s  %s (%s): %s%s%s", clock(s.StartedAt), s.Task, s.At, s.Status, when(s.Error != "", ": "+s.Error), results(s.Result))
	}
}

func results(m map[string]string) string {
	var sb strings.Builder
	for _, k := range slices.Sorted(maps.Keys(m)) {
		fmt.Fprintf(&sb, " %s=%s", k, m[k])
	}
	return sb.String()
}

func (p *printer) events(t Timeline) {
	p.section("Events published")
	for _, e := range t.Events {
		p.line("  %s  %-20s %-18s %s%s%s", clock(e.Time), e.Type, e.Stage, when(e.Actor != "", e.Actor+" "),
			when(e.Version > 0, fmt.Sprintf("v%d ", e.Version)), when(e.Reason != "", fmt.Sprintf("%q", e.Reason)))
	}
}

// actor names a person or system: id, and name when it has one.
func actor(a contract.Actor) string {
	if a.Name == "" || a.Name == a.ID {
		return a.ID
	}
	return a.ID + " (" + a.Name + ")"
}

func when(cond bool, s string) string {
	if cond {
		return s
	}
	return ""
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

func short(hash string) string {
	if len(hash) > 12 {
		return hash[:12]
	}
	return hash
}
