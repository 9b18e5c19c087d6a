package audit

import (
	"fmt"
	"strings"

	"github.com/dossier/dossier/internal/contract"
	"github.com/dossier/dossier/internal/pdf"
	"github.com/dossier/dossier/templates"
)

// Explanation is what the citizen a case concerns is entitled to know
// about the decision taken on it, in French: the degree and mode of
// contribution of the algorithmic processing, the data processed and
// their sources, the processing's parameters as applied to their
// situation, and the operations performed (CRPA art. R311-3-1-2); the role
// of the AI system, when one drafted, and the main elements of the decision
// (AI Act, Regulation (EU) 2024/1689, art. 86). It prints as text or as a
// PDF laid out like the letters.
type Explanation struct{ pdf.Report }

// ExplainOptions name what the history only holds as identifiers.
type ExplainOptions struct {
	// Issuer is the administration (and service) printed at the top.
	Issuer string
	// TemplateTitle is the French title of the case's template.
	TemplateTitle string
	// Label is a fact's French label in the case's template; the fact's
	// name is shown when it is nil or returns "".
	Label func(name string) string
}

// CatalogOptions names t's template and facts as cat's version of the
// template the case is pinned to does, in French, under issuer. A template
// the catalog lacks leaves its names as the history has them.
func CatalogOptions(cat *templates.Catalog, t Timeline, issuer string) ExplainOptions {
	o := ExplainOptions{Issuer: issuer}
	tpl, err := cat.GetVersion(t.Template, t.TemplateVersion)
	if err != nil {
		if tpl, err = cat.Get(t.Template); err != nil {
			return o
		}
	}
	o.TemplateTitle = tpl.Title["fr"]
	o.Label = func(name string) string {
		if f := tpl.Field(name); f != nil {
			return f.Label["fr"]
		}
		return ""
	}
	return o
}

// Explain writes the explanation of t. Everything in it comes from t:
// from the case's history and nothing else; it is dated by the history's
// last event, so that the same history always gives the same explanation.
func Explain(t Timeline, o ExplainOptions) Explanation {
	e := &explainer{t: t, o: o}
	rep := pdf.Report{Language: "fr", Issuer: o.Issuer, Title: "Explication du traitement de votre demande",
		Reference: t.Reference, Date: t.AsOf, Author: "Dossier",
		Footer: "Établi à partir du journal de traitement du dossier " + t.Reference}
	rep.Intro = e.intro()
	rep.Sections = []pdf.Section{e.decision(), e.contribution(), e.data(), e.parameters(), e.operations()}
	if s, ok := e.letter(); ok {
		rep.Sections = append(rep.Sections, s)
	}
	return Explanation{typeset(rep)}
}

// frenchSpaces keeps French punctuation with the word it follows or
// precedes: no line breaks inside « » or before : ; %.
var frenchSpaces = strings.NewReplacer("« ", "«\u00a0", " »", "\u00a0»", " :", "\u00a0:", " ;", "\u00a0;", " %", "\u00a0%")

// typeset applies frenchSpaces to every text of rep.
func typeset(rep pdf.Report) pdf.Report {
	fix := func(lines []string) []string {
		for i, l := range lines {
			lines[i] = frenchSpaces.Replace(l)
		}
		return lines
	}
	rep.Intro = fix(rep.Intro)
	for i := range rep.Sections {
		s := &rep.Sections[i]
		s.Paragraphs, s.Items = fix(s.Paragraphs), fix(s.Items)
	}
	return rep
}

type explainer struct {
	t Timeline
	o ExplainOptions
}

func (e *explainer) intro() []string {
	what := "votre demande"
	if e.o.TemplateTitle != "" {
		what += " (« " + e.o.TemplateTitle + " »)"
	}
	return []string{
		"Ce document explique comment " + what + " a été traitée, quelle part un traitement algorithmique a prise " +
			"dans la décision, et qui l'a prise. Il répond à l'article R311-3-1-2 du code des relations entre le public et " +
			"l'administration et à l'article 86 du règlement (UE) 2024/1689 sur l'intelligence artificielle.",
		"Il est établi à partir du journal de traitement du dossier " + e.t.Reference + ", que l'administration conserve, " +
			"tel qu'il était le " + longDateTime(e.t.AsOf) + ".",
	}
}

// decision says what was decided, by whom, and when: the main elements of
// the decision.
func (e *explainer) decision() pdf.Section {
	t := e.t
	s := pdf.Section{Heading: "1. La décision et qui l'a prise"}
	say := func(p string) { s.Paragraphs = append(s.Paragraphs, p) }
	switch {
	case t.Letter != nil && t.Stage != contract.StageFailed:
		say("La décision est celle du courrier « " + t.Letter.Subject + " », qui en contient les éléments principaux.")
		say("Ce courrier a été relu et approuvé par " + e.approvers() + ". C'est cette décision humaine qui a permis " +
			"l'envoi du courrier ; le traitement informatique n'a fait que préparer le projet.")
	case t.Stage == contract.StageRejected:
		r := e.lastReview(contract.DecisionReject)
		say(person(r.Reviewer) + " a décidé, le " + longDateTime(r.At) + ", de ne pas donner suite au projet de courrier, " +
			"pour le motif suivant : " + quoted(r.Comment) + ". Aucun courrier n'a été envoyé par ce traitement.")
	case t.Failure != nil:
		say("Le traitement de votre demande s'est arrêté le " + longDateTime(t.Failure.At) + " sans qu'aucune décision soit prise " +
			"ni aucun courrier envoyé. Motif enregistré : " + quoted(t.Failure.Message) + ".")
	case t.Stage == contract.StageCancelled || t.Status == "canceled":
		say("Le traitement de votre demande a été annulé avant l'envoi de tout courrier ; aucune décision n'a été prise.")
	default:
		say("Le traitement de votre demande est en cours (étape : " + stageFR(t.Stage) + ") ; aucune décision n'a encore été prise.")
	}
	for _, r := range t.Requests {
		say(fmt.Sprintf("Le %s, %s vous a demandé des pièces complémentaires, à fournir au plus tard le %s : %s.",
			longDate(r.RequestedAt), e.name(r.RequestedBy), dayFR(r.DueDate), strings.Join(r.Documents, " ; ")))
	}
	return s
}

// approvers names the people whose approvals sent the letter: the last
// ones, as many as the template asks for.
func (e *explainer) approvers() string {
	var names []string
	for i := len(e.t.Reviews) - 1; i >= 0 && len(names) < max(e.t.Approval.Approvals, 1); i-- {
		if r := e.t.Reviews[i]; r.Decision == contract.DecisionApprove {
			names = append([]string{person(r.Reviewer) + ", le " + longDateTime(r.At)}, names...)
		}
	}
	if len(names) == 0 {
		return person(e.t.Letter.Approver) + ", le " + longDateTime(e.t.Letter.ApprovedAt)
	}
	return strings.Join(names, ", puis par ")
}

// lastReview is the latest review with decision d.
func (e *explainer) lastReview(d contract.Decision) Review {
	for i := len(e.t.Reviews) - 1; i >= 0; i-- {
		if e.t.Reviews[i].Decision == d {
			return e.t.Reviews[i]
		}
	}
	return Review{}
}

// contribution says how the letter was drafted: by a model (which one,
// where, how much of its text was kept) or from the template without AI,
// and that people decided.
func (e *explainer) contribution() pdf.Section {
	s := pdf.Section{Heading: "2. Rôle du traitement algorithmique et de l'intelligence artificielle"}
	say := func(p string) { s.Paragraphs = append(s.Paragraphs, p) }
	d, ok := e.draft()
	switch {
	case !ok:
		say("Aucun projet de courrier n'a été rédigé : aucun système d'intelligence artificielle n'a été utilisé.")
	case d.Drafter == "llm":
		say(fmt.Sprintf("Le projet de courrier (version %d) a été rédigé par un système d'intelligence artificielle : le modèle de langage "+
			"« %s », interrogé sur le service « %s », qui a indiqué avoir répondu avec le modèle « %s ». Le modèle a reçu les données "+
			"listées ci-dessous et des consignes de rédaction ; il a proposé un texte, il n'a pris aucune décision.",
			d.Version, d.Model, d.Endpoint, orDash(d.ModelServed)))
		say(e.kept("proposé par le modèle"))
	default:
		say(fmt.Sprintf("Le projet de courrier (version %d) a été rédigé à partir d'un modèle de lettre, sans intelligence artificielle : "+
			"les données de votre dossier ont été insérées dans le texte type « %s » (version %d), écrit à l'avance par l'administration.",
			d.Version, d.Template, d.TemplateVersion))
		if len(d.Attempts) > 0 {
			say("Un modèle d'intelligence artificielle avait d'abord été sollicité, mais le texte qu'il a proposé n'a pas passé " +
				"les contrôles automatiques : il n'a pas été utilisé.")
		}
		if e.t.Edits != nil && e.t.Edits.KeptRatio < 1 {
			say(e.kept("du texte type"))
		}
	}
	if n := e.otherModelDrafts(d); n > 0 {
		say(fmt.Sprintf("D'autres versions du projet (%d) avaient été rédigées par un modèle d'intelligence artificielle ; "+
			"elles ont été remplacées avant la décision.", n))
	}
	if len(e.t.Reviews) > 0 {
		say("Chaque décision sur ce dossier a été prise par une personne de l'administration, après lecture du projet : " +
			"aucune décision n'a été prise de manière entièrement automatisée.")
	}
	return s
}

// kept says how much of the drafted text the letter kept.
func (e *explainer) kept(from string) string {
	ed := e.t.Edits
	if ed == nil {
		return "Le courrier n'a pas été envoyé : aucun texte n'a été retenu à ce jour."
	}
	if ed.KeptRatio >= 1 {
		return "Le courrier envoyé reprend sans modification le texte " + from + "."
	}
	by := "la personne qui l'a approuvé"
	if e.t.Letter != nil && e.t.Letter.EditedBy != "" {
		by = e.name(e.t.Letter.EditedBy)
	}
	var changes []string
	if ed.AddedWords > 0 {
		changes = append(changes, "ajouté "+words(ed.AddedWords))
	}
	if ed.RemovedWords > 0 {
		changes = append(changes, "supprimé "+words(ed.RemovedWords))
	}
	return fmt.Sprintf("Le courrier envoyé reprend %s %% du texte %s (mesuré mot à mot) : avant de l'approuver, %s a %s.",
		percentFR(ed.KeptRatio), from, by, strings.Join(changes, " et "))
}

// draft is the draft the decision was taken on: the one the letter comes
// from, or the latest.
func (e *explainer) draft() (Draft, bool) {
	var found Draft
	ok := false
	for _, d := range e.t.Drafts {
		if d.Error != "" {
			continue
		}
		if e.t.Edits != nil && d.Version == e.t.Edits.DraftVersion {
			return d, true
		}
		found, ok = d, true
	}
	return found, ok
}

func (e *explainer) otherModelDrafts(used Draft) int {
	n := 0
	for _, d := range e.t.Drafts {
		if d.Drafter == "llm" && d.Version != used.Version {
			n++
		}
	}
	return n
}

// name is the name of the person or system with id, as the history gives
// it, or the id.
func (e *explainer) name(id string) string {
	for _, r := range e.t.Reviews {
		if r.Reviewer.ID == id {
			return person(r.Reviewer)
		}
	}
	if e.t.SubmittedBy.ID == id {
		return person(e.t.SubmittedBy)
	}
	return id
}

// person is a name and title: "Camille Martin (Chargée de relations usagers)".
func person(a contract.Actor) string {
	name := a.Name
	if name == "" {
		name = a.ID
	}
	if a.Title != "" {
		return name + " (" + a.Title + ")"
	}
	return name
}

// words counts words in French: "1 mot", "4 mots".
func words(n int) string {
	if n == 1 {
		return "1 mot"
	}
	return fmt.Sprintf("%d mots", n)
}

// quoted puts s in French quotes, without the full stop that ends the
// sentence around it.
func quoted(s string) string {
	return "« " + strings.TrimRight(strings.TrimSpace(s), ".") + " »"
}

func orDash(s string) string {
	if s == "" {
		return "non indiqué"
	}
	return s
}
