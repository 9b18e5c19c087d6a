package audit

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/dossier/dossier/internal/contract"
	"github.com/dossier/dossier/internal/pdf"
)

// data lists the data processed and where each came from, and what the
// reviewers were told to check.
func (e *explainer) data() pdf.Section {
	s := pdf.Section{Heading: "3. Données traitées et leur origine"}
	if len(e.t.Facts) == 0 {
		s.Paragraphs = []string{"Aucune donnée de votre demande n'a pu être retenue : le traitement s'est arrêté à leur vérification."}
	} else {
		s.Paragraphs = []string{"Les données suivantes ont été utilisées pour préparer le courrier :"}
	}
	for _, f := range e.t.Facts {
		s.Items = append(s.Items, e.label(f.Name)+" : « "+oneLine(f.Value)+" », "+sourceFR(f.Source))
	}
	s.Items = append(s.Items, "vos nom, adresse postale et adresse électronique, indiqués dans la demande, pour vous adresser les courriers")
	if len(e.t.Flags) > 0 {
		s.Items = append(s.Items, "points signalés à l'agent avant sa décision : "+e.flags())
	}
	return s
}

func (e *explainer) label(name string) string {
	if e.o.Label != nil {
		if l := e.o.Label(name); l != "" {
			return l
		}
	}
	return name
}

// sourceFR says where a fact came from.
func sourceFR(s contract.Source) string {
	if s.Origin == "legacy" {
		return fmt.Sprintf("lue dans le fichier « %s » de l'administration (clé %s) le %s", s.Query, s.Key, longDateTime(s.At))
	}
	return "fournie dans votre demande"
}

// flags says what the reviewers were warned about.
func (e *explainer) flags() string {
	var out []string
	for _, f := range e.t.Flags {
		field := e.label(strings.TrimPrefix(f.Field, "facts."))
		switch f.Kind {
		case "conflict":
			out = append(out, fmt.Sprintf("la valeur « %s » indiquée pour « %s » diffère de celle du fichier « %s » (« %s ») ; "+
				"la valeur indiquée a été conservée", f.Submitted, field, f.Query, f.Legacy))
		case "documents_received":
			out = append(out, "les pièces demandées ont été reçues")
		case "documents_overdue":
			out = append(out, "les pièces demandées n'ont pas été reçues à l'échéance")
		default:
			out = append(out, f.Message)
		}
	}
	return strings.Join(out, " ; ")
}

// parameters says which rules and settings applied to the case.
func (e *explainer) parameters() pdf.Section {
	t := e.t
	s := pdf.Section{Heading: "4. Paramètres du traitement et leur application à votre situation"}
	if t.TemplateVersion > 0 {
		s.Items = append(s.Items, fmt.Sprintf("modèle de lettre « %s », version %d, en vigueur au dépôt de la demande", t.Template, t.TemplateVersion))
	}
	if d := t.Deadline; d != nil {
		s.Items = append(s.Items, fmt.Sprintf("délai légal de réponse de %d mois, soit jusqu'au %s ; sans réponse à cette date, la demande "+
			"est réputée %s", d.Months, dayFR(d.Date), map[bool]string{true: "acceptée (silence vaut acceptation)", false: "rejetée (silence vaut rejet)"}[d.Rule == "SVA"]))
	}
	if len(t.Approval.Roles) > 0 {
		who := "une personne"
		if n := t.Approval.Approvals; n > 1 {
			who = fmt.Sprintf("%d personnes distinctes", n)
		}
		s.Items = append(s.Items, fmt.Sprintf("approbation du courrier par %s ayant le rôle %s, autre que celle qui a déposé la demande",
			who, rolesFR(t.Approval.Roles)))
	}
	if d, ok := e.draft(); ok && d.Drafter == "llm" {
		calls := "un appel"
		if n := len(d.Attempts); n > 1 {
			calls = fmt.Sprintf("%d appels", n)
		}
		s.Items = append(s.Items, fmt.Sprintf("consignes de rédaction données au modèle, identifiées par leur empreinte SHA-256 %s ; %s au modèle",
			d.PromptHash, calls))
		if len(d.Guardrails) > 0 {
			s.Items = append(s.Items, "contrôles automatiques du texte proposé par le modèle, avant qu'il soit montré à l'agent : "+guardrailsFR(d.Guardrails))
		}
	}
	if len(s.Items) == 0 {
		s.Paragraphs = []string{"Le traitement s'est arrêté avant qu'aucun paramètre ne soit appliqué à votre demande."}
	}
	return s
}

var guardrailNames = map[string]string{
	"required_facts":      "présence de toutes les données obligatoires du dossier",
	"no_placeholders":     "absence de passage laissé à compléter",
	"no_invented_numbers": "absence de nombre ou de date absents du dossier",
	"no_unknown_links":    "absence de lien ou d'adresse inconnus de l'administration",
	"language":            "langue du courrier",
	"length":              "longueur du texte",
}

// guardrailsFR says which checks ran and how each ended.
func guardrailsFR(gs []contract.GuardrailResult) string {
	out := make([]string, len(gs))
	for i, g := range gs {
		name := guardrailNames[g.Check]
		if name == "" {
			name = g.Check
		}
		out[i] = name + " (réussi)"
		if !g.OK {
			out[i] = name + " (échoué : " + g.Detail + ")"
		}
	}
	return strings.Join(out, " ; ")
}

func rolesFR(roles []string) string {
	names := map[string]string{contract.RoleCaseworker: "agent instructeur", contract.RoleSupervisor: "responsable de service"}
	out := make([]string, len(roles))
	for i, r := range roles {
		out[i] = names[r]
		if out[i] == "" {
			out[i] = r
		}
	}
	return strings.Join(out, " ou ")
}

// operation is one dated step of the processing.
type operation struct {
	at   time.Time
	what string
}

// operations lists every step, oldest first.
func (e *explainer) operations() pdf.Section {
	t := e.t
	ops := []operation{{t.SubmittedAt, "réception de votre demande, transmise par " + person(t.SubmittedBy)}}
	if len(t.Stages) > 0 {
		ops = append(ops, operation{t.Stages[0].Start, "vérification de la demande et préparation des données" + e.lookups()})
	}
	for _, d := range t.Drafts {
		ops = append(ops, e.drafted(d))
	}
	for _, r := range t.Reviews {
		ops = append(ops, operation{r.At, reviewFR(r)})
	}
	for _, r := range t.Requests {
		if !r.ReceivedAt.IsZero() {
			ops = append(ops, operation{r.ReceivedAt, "enregistrement de la réception des pièces demandées"})
		}
	}
	for _, d := range t.Steps {
		ops = append(ops, operation{d.EndedAt, fmt.Sprintf("étape « %s » confiée à un autre logiciel de l'administration : %s",
			d.Task, map[bool]string{true: "faite", false: "échouée"}[d.Status == "done"])})
	}
	if l := t.Letter; l != nil && !l.RenderedAt.IsZero() {
		ops = append(ops, operation{l.RenderedAt, "mise en forme du courrier approuvé (PDF)"})
	}
	for _, n := range t.Notified {
		ops = append(ops, operation{n.At, notificationFR(n)})
	}
	if f := t.Failure; f != nil {
		ops = append(ops, operation{f.At, "arrêt du traitement"})
	}
	if t.Stage == contract.StageCancelled || t.Status == "canceled" {
		ops = append(ops, operation{t.ClosedAt, "annulation du traitement"})
	}
	slices.SortStableFunc(ops, func(a, b operation) int { return a.at.Compare(b.at) })
	s := pdf.Section{Heading: "5. Opérations effectuées"}
	for _, op := range ops {
		s.Items = append(s.Items, shortDateTime(op.at)+" : "+op.what)
	}
	return s
}

// lookups names the administration's files the data were read from.
func (e *explainer) lookups() string {
	var queries []string
	for _, f := range e.t.Facts {
		if f.Source.Origin == "legacy" && !slices.Contains(queries, f.Source.Query) {
			queries = append(queries, f.Source.Query)
		}
	}
	if len(queries) == 0 {
		return ""
	}
	return ", avec consultation du fichier « " + strings.Join(queries, " », « ") + " »"
}

func (e *explainer) drafted(d Draft) operation {
	switch {
	case d.Error != "":
		return operation{d.RequestedAt, "échec de la rédaction d'un projet de courrier"}
	case d.Drafter == "llm":
		return operation{d.At, fmt.Sprintf("rédaction du projet de courrier (version %d) par le modèle d'intelligence artificielle « %s »", d.Version, d.Model)}
	}
	return operation{d.At, fmt.Sprintf("rédaction du projet de courrier (version %d) à partir du modèle de lettre, sans intelligence artificielle", d.Version)}
}

func reviewFR(r Review) string {
	who := person(r.Reviewer)
	switch r.Decision {
	case contract.DecisionApprove:
		if r.Body != "" {
			return fmt.Sprintf("relecture, modification et approbation du projet (version %d) par %s", r.Version, who)
		}
		return fmt.Sprintf("relecture et approbation du projet (version %d) par %s", r.Version, who)
	case contract.DecisionReject:
		return fmt.Sprintf("décision de ne pas donner suite, par %s : %s", who, quoted(r.Comment))
	case contract.DecisionRequestChanges:
		return fmt.Sprintf("demande d'une nouvelle version du projet, par %s : %s", who, quoted(r.Comment))
	case contract.DecisionRequestDocuments:
		return fmt.Sprintf("demande de pièces complémentaires, par %s", who)
	}
	return fmt.Sprintf("%s, par %s", r.Decision, who)
}

func notificationFR(n Notification) string {
	channel := "envoi du courrier par courrier électronique"
	if n.Channel == contract.ChannelPostal {
		channel = "envoi du courrier par la poste"
	}
	if n.OK {
		return channel
	}
	return channel + " : échec"
}

// letter gives what identifies the letter sent.
func (e *explainer) letter() (pdf.Section, bool) {
	l := e.t.Letter
	if l == nil || l.SHA256 == "" {
		return pdf.Section{}, false
	}
	s := pdf.Section{Heading: "6. Le courrier envoyé"}
	id := "Empreinte SHA-256 du courrier PDF : " + l.SHA256 + "."
	if l.VerificationCode != "" {
		id += " Code de vérification imprimé sur le courrier : " + l.VerificationCode + "."
	}
	s.Paragraphs = []string{id, "Vous pouvez contester la décision selon les voies et délais de recours indiqués sur le courrier, " +
		"et demander à l'administration les règles de ce traitement et les principales caractéristiques de sa mise en œuvre " +
		"(article L311-3-1 du code des relations entre le public et l'administration)."}
	return s, true
}
