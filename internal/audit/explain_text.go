package audit

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/dossier/dossier/internal/contract"
	"github.com/dossier/dossier/internal/pdf"
	"github.com/dossier/dossier/templates"
)

// textWidth is where the text explanation wraps its lines.
const textWidth = 78

// Text returns the explanation as plain text, wrapped for a terminal or
// an email.
func (x Explanation) Text() string {
	var b strings.Builder
	r := x.Report
	if r.Issuer != "" {
		b.WriteString(r.Issuer + "\n\n")
	}
	b.WriteString(r.Title + "\n" + strings.Repeat("=", utf8.RuneCountInString(r.Title)) + "\n")
	fmt.Fprintf(&b, "Référence : %s — le %s\n", r.Reference, templates.FormatDateFR(r.Date.In(contract.Paris)))
	for _, p := range r.Intro {
		b.WriteString("\n" + wrap(p, "", ""))
	}
	for _, s := range r.Sections {
		b.WriteString("\n" + s.Heading + "\n" + strings.Repeat("-", utf8.RuneCountInString(s.Heading)) + "\n")
		for i, p := range s.Paragraphs {
			if i > 0 {
				b.WriteString("\n")
			}
			b.WriteString(wrap(p, "", ""))
		}
		if len(s.Paragraphs) > 0 && len(s.Items) > 0 {
			b.WriteString("\n")
		}
		for _, item := range s.Items {
			b.WriteString(wrap(item, "  • ", "    "))
		}
	}
	b.WriteString("\n" + r.Footer + "\n")
	return b.String()
}

// PDF renders the explanation with the letters' renderer; the same
// explanation always gives the same bytes. It returns the renderer's errors.
func (x Explanation) PDF(r *pdf.Renderer) ([]byte, error) {
	return r.RenderReport(x.Report)
}

// wrap breaks s into lines of at most textWidth runes, the first starting
// with first and the others with rest; words longer than a line stay whole.
func wrap(s, first, rest string) string {
	var b strings.Builder
	line, width := first, utf8.RuneCountInString(first)
	fresh := true
	for _, w := range strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == '\n' || r == '\t' }) {
		n := utf8.RuneCountInString(w)
		if !fresh && width+1+n > textWidth {
			b.WriteString(line + "\n")
			line, width, fresh = rest, utf8.RuneCountInString(rest), true
		}
		if !fresh {
			line, width = line+" ", width+1
		}
		line, width, fresh = line+w, width+n, false
	}
	b.WriteString(line + "\n")
	return b.String()
}

// longDateTime is t in Paris, the French way: "27 novembre 2026 à 01 h 19".
func longDateTime(t time.Time) string {
	p := t.In(contract.Paris)
	return fmt.Sprintf("%s à %02d h %02d", templates.FormatDateFR(p), p.Hour(), p.Minute())
}

// longDate is t's day in Paris: "27 novembre 2026".
func longDate(t time.Time) string { return templates.FormatDateFR(t.In(contract.Paris)) }

// shortDateTime is t in Paris as a list prints it: "27/11/2026 01:19".
func shortDateTime(t time.Time) string { return t.In(contract.Paris).Format("02/01/2006 15:04") }

// dayFR is a YYYY-MM-DD day the French way, or as it is when it is not one.
func dayFR(day string) string {
	if d, err := templates.LongDateFR(day); err == nil {
		return d
	}
	return day
}

// percentFR is a ratio as a French percentage: 0.957 gives "95,7".
func percentFR(ratio float64) string {
	s := strings.TrimSuffix(fmt.Sprintf("%.1f", ratio*100), ".0")
	return strings.Replace(s, ".", ",", 1)
}

var stageNames = map[contract.Stage]string{
	contract.StagePrefilling: "vérification de la demande", contract.StageDrafting: "rédaction du projet",
	contract.StageAwaitingApproval: "en attente de relecture", contract.StageAwaitingDocuments: "en attente de pièces",
	contract.StageDelegated: "étape confiée à un autre logiciel", contract.StageRendering: "mise en forme du courrier",
	contract.StageNotifying: "envoi du courrier",
}

func stageFR(s contract.Stage) string {
	if n, ok := stageNames[s]; ok {
		return n
	}
	return string(s)
}
