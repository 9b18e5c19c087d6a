package web

import (
	"html/template"
	"sort"
	"strings"

	"github.com/sergi/go-diff/diffmatchpatch"

	"github.com/dossier/dossier/internal/contract"
)

// fact is one fact as the case page lists it.
type fact struct {
	Name, Label, Value string
	Source             contract.Source
}

// caseView is what the case page shows beyond the state.
type caseView struct {
	Facts []fact
	// Approved is how many approvals the current draft has, of Needed.
	Approved, Needed int
	// Previous is the version before the current one; AIOriginal the
	// model's text the current one comes from, when a caseworker edited it.
	Previous, AIOriginal *contract.Draft
}

func (s *Server) newCaseView(st contract.CaseState, lang string) caseView {
	v := caseView{Approved: len(st.Approvals), Needed: max(st.Approval.Approvals, 1)}
	if n := len(st.PreviousDrafts); n > 0 && st.Draft != nil {
		v.Previous = &st.PreviousDrafts[n-1]
		v.AIOriginal = aiOriginal(st)
	}
	names := make([]string, 0, len(st.Facts))
	for name := range st.Facts {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		v.Facts = append(v.Facts, fact{Name: name, Label: s.label(st, name, lang), Value: st.Facts[name], Source: st.Sources[name]})
	}
	return v
}

// diffHTML shows, word by word, what changed from before to after:
// deletions in <del>, insertions in <ins>; all text is escaped.
func diffHTML(before, after string) template.HTML {
	ids := map[string]rune{}
	var tokens []string
	encode := func(s string) []rune {
		var out []rune
		for _, tok := range splitWords(s) {
			r, ok := ids[tok]
			if !ok {
				r = rune(0xF0000 + len(tokens))
				ids[tok] = r
				tokens = append(tokens, tok)
			}
			out = append(out, r)
		}
		return out
	}
	a, b := encode(before), encode(after)
	var sb strings.Builder
	for _, d := range diffmatchpatch.New().DiffMainRunes(a, b, false) {
		var text strings.Builder
		for _, r := range d.Text {
			text.WriteString(tokens[r-0xF0000])
		}
		escaped := template.HTMLEscapeString(text.String())
		switch d.Type {
		case diffmatchpatch.DiffInsert:
			sb.WriteString("<ins>" + escaped + "</ins>")
		case diffmatchpatch.DiffDelete:
			sb.WriteString("<del>" + escaped + "</del>")
		default:
			sb.WriteString(escaped)
		}
	}
	return template.HTML(sb.String())
}

// splitWords cuts s into words and runs of whitespace, keeping both.
func splitWords(s string) []string {
	var out []string
	start := 0
	for i, r := range s {
		if i > start && isSpace(r) != isSpace(rune(s[start])) {
			out = append(out, s[start:i])
			start = i
		}
	}
	if start < len(s) {
		out = append(out, s[start:])
	}
	return out
}

func isSpace(r rune) bool { return r == ' ' || r == '\n' || r == '\t' || r == '\r' }

func normalizeNewlines(s string) string {
	return strings.TrimSpace(strings.ReplaceAll(s, "\r\n", "\n"))
}

// label is a fact's label in lang, from the case's pinned template.
func (s *Server) label(st contract.CaseState, name, lang string) string {
	t, err := s.Catalog.GetVersion(st.Template, st.TemplateVersion)
	if err != nil {
		return name
	}
	if f := t.Field(name); f != nil {
		if l := f.Label[lang]; l != "" {
			return l
		}
		if l := f.Label["fr"]; l != "" {
			return l
		}
	}
	return name
}

// aiOriginal is the latest text a model drafted, when the current draft
// differs from it (a caseworker edited it); nil otherwise.
func aiOriginal(st contract.CaseState) *contract.Draft {
	for i := len(st.PreviousDrafts) - 1; i >= 0; i-- {
		d := &st.PreviousDrafts[i]
		if d.Drafter == "llm" && d.EditedBy == "" {
			if d.Body == st.Draft.Body || st.Draft.EditedBy == "" {
				return nil
			}
			return d
		}
	}
	return nil
}
