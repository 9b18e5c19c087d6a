package web

import (
	"fmt"
	"net/http"
)

// messages are the interface's words, French first.
var messages = map[string]map[string]string{
	"fr": {
		"app": "Dossier", "signin": "Connexion", "signout": "Se déconnecter", "account": "Identifiant", "password": "Mot de passe",
		"signin.button": "Se connecter", "signin.oidc": "Se connecter avec le compte de l'administration", "signin.failed": "Identifiant ou mot de passe incorrect.", "signin.demo": "Comptes de démonstration : camille / dev-camille, dominique / dev-dominique, yannick / dev-yannick, alex / dev-alex.",
		"inbox": "Corbeille", "inbox.title": "Courriers à valider", "filter": "Filtrer", "search": "Référence ou nom du demandeur",
		"template": "Modèle", "stage": "Étape", "assignee": "Attribué à", "overdue": "En retard", "all": "Tous", "me": "Moi", "none": "Personne",
		"deadline": "Échéance légale", "applicant": "Demandeur", "reference": "Référence", "submitted": "Reçu le", "nocase": "Aucun dossier ne correspond.",
		"page": "Page %d sur %d", "prev": "Précédente", "next": "Suivante", "select": "Sélectionner", "batch.approve": "Valider la sélection",
		"due.soon": "bientôt", "due.over": "dépassée", "escalated": "signalé au responsable",
		"facts": "Données du dossier", "source": "Source", "source.submission": "demande", "flags": "Points d'attention",
		"draft": "Projet de courrier", "version": "version %d", "drafter.llm": "rédigé par le modèle %s", "drafter.template": "rédigé à partir du modèle de lettre, sans IA",
		"diff.previous": "Modifications par rapport à la version précédente", "diff.ai": "Modifications par rapport au texte d'origine",
		"edit": "Texte du courrier (modifiable)", "preview": "Aperçu du PDF", "approve": "Valider et envoyer", "reject": "Refuser", "changes": "Demander une nouvelle version",
		"reason": "Motif (obligatoire)", "comment": "Demande à la rédaction (obligatoire)", "claim": "Prendre le dossier", "assign": "Attribuer", "unassign": "Retirer l'attribution",
		"deadline.sva": "Sans réponse le %s, la demande sera réputée acceptée (silence vaut acceptation).",
		"deadline.svr": "Sans réponse le %s, la demande sera réputée rejetée (silence vaut rejet).",
		"approvals":    "Validations : %d sur %d", "document": "Courrier envoyé", "download": "Télécharger le PDF", "history": "Décisions",
		"done": "Décision enregistrée.", "assigned": "Attribution enregistrée.", "refused": "Action refusée : %s", "results": "Résultat de la validation groupée",
		"ok": "validé", "failed": "refusé", "back": "Retour à la corbeille", "lang.other": "English", "stage.awaiting_approval": "à valider",
		"stage.completed": "envoyé", "stage.rejected": "refusé", "stage.failed": "en échec", "stage.drafting": "en rédaction", "stage.prefilling": "en préparation",
		"stage.rendering": "mise en page", "stage.notifying": "envoi", "stage.cancelled": "annulé", "stage.awaiting_documents": "pièces demandées", "stage.delegated": "chez un autre logiciel",
		"tasks": "Étapes confiées à d'autres logiciels", "task.done": "faite", "task.failed": "échouée",
		"docs.ask": "Demander des pièces au demandeur", "docs.list": "Pièces ou informations manquantes (une par ligne)", "docs.due": "À fournir au plus tard le",
		"docs.button": "Envoyer une demande de pièces", "docs.waiting": "Pièces demandées le %s, attendues au plus tard le %s", "docs.letter": "Courrier de demande de pièces",
		"docs.received": "Pièces reçues", "docs.received_on": "Reçues le", "docs.note": "Remarque", "docs.confirm": "Enregistrer la réception",
		"docs.history": "Demandes de pièces", "docs.overdue": "non reçues à l'échéance", "docs.recorded": "Réception des pièces enregistrée.", "forbidden": "Vous n'avez pas accès à ce dossier.", "notfound": "Page introuvable.",
		"waiting": "En attente", "skip": "Aller au contenu", "field": "Donnée", "value": "Valeur", "subject": "Objet :",
		"verify.title": "Vérification d'un courrier", "verify.ok": "Ce code correspond à un courrier authentique, émis comme suit.",
		"verify.code": "Code", "verify.issuer": "Émetteur", "verify.date": "Date", "verify.hash": "Empreinte SHA-256 du PDF",
		"verify.howto":   "Pour vous assurer que votre exemplaire PDF n'a pas été modifié, comparez son empreinte SHA-256 (par exemple : sha256sum courrier.pdf) à celle-ci.",
		"verify.unknown": "Ce code ne correspond à aucun courrier. Vérifiez sa saisie ; en cas de doute, contactez le service émetteur.",
		"audit.link":     "Journal d'audit du dossier", "audit.title": "Journal d'audit",
		"audit.intro":       "Reconstitué à partir de l'historique Temporal du dossier, tel qu'il était le %s.",
		"audit.explanation": "Explication de la décision pour le demandeur (PDF)",
		"audit.norefused":   "Les tentatives refusées n'ont pas pu être lues sur NATS : elles ne figurent pas ci-dessous.",
		"audit.submitted":   "Déposé", "audit.failure": "Échec", "audit.cancel": "Annulation demandée", "audit.stages": "Étapes", "audit.start": "Début",
		"audit.duration": "Durée", "audit.ongoing": "en cours", "audit.drafts": "Projets rédigés", "audit.model": "Modèle demandé / servi",
		"audit.endpoint": "Service de modèle", "audit.prompt": "Empreinte des consignes", "audit.tokens": "Jetons (consignes + réponse), latence",
		"audit.attempts": "appel(s)", "audit.guardrails": "Contrôles", "audit.decisions": "Décisions", "audit.time": "Date", "audit.by": "Par",
		"audit.decision": "Décision", "audit.comment": "Commentaire", "audit.result": "Étape suivante", "audit.edited": "texte modifié",
		"audit.refused": "Tentatives refusées (conservées sur NATS ; l'historique Temporal n'en garde pas)", "audit.action": "Action", "audit.reason": "Motif",
		"audit.none":     "Aucune.",
		"audit.edits":    "Modifications entre le projet rédigé (version %d, %s) et le courrier approuvé (version %d)",
		"audit.kept":     "%s %% du texte conservé : %d mots sur %d, %d ajoutés, %d supprimés.",
		"audit.approved": "Approuvé", "audit.rendered": "Mis en forme", "audit.notifications": "Envois", "audit.sent": "envoyé",
		"audit.events": "Événements publiés", "audit.event": "Événement", "audit.problems": "Parties de l'historique illisibles",
	},
	"en": {
		"app": "Dossier", "signin": "Sign in", "signout": "Sign out", "account": "Account", "password": "Password",
		"signin.button": "Sign in", "signin.oidc": "Sign in with the administration's account", "signin.failed": "Wrong account or password.", "signin.demo": "Demo accounts: camille / dev-camille, dominique / dev-dominique, yannick / dev-yannick, alex / dev-alex.",
		"inbox": "Inbox", "inbox.title": "Letters to approve", "filter": "Filter", "search": "Reference or applicant name",
		"template": "Template", "stage": "Stage", "assignee": "Assigned to", "overdue": "Overdue", "all": "All", "me": "Me", "none": "Nobody",
		"deadline": "Legal deadline", "applicant": "Applicant", "reference": "Reference", "submitted": "Received", "nocase": "No case matches.",
		"page": "Page %d of %d", "prev": "Previous", "next": "Next", "select": "Select", "batch.approve": "Approve selected",
		"due.soon": "soon", "due.over": "passed", "escalated": "escalated to a supervisor",
		"facts": "Case facts", "source": "Source", "source.submission": "request", "flags": "Points to check",
		"draft": "Draft letter", "version": "version %d", "drafter.llm": "drafted by the model %s", "drafter.template": "written from the letter template, without AI",
		"diff.previous": "Changes from the previous version", "diff.ai": "Changes from the original text",
		"edit": "Letter text (editable)", "preview": "Preview the PDF", "approve": "Approve and send", "reject": "Reject", "changes": "Ask for a new version",
		"reason": "Reason (required)", "comment": "Request to the drafter (required)", "claim": "Claim", "assign": "Assign", "unassign": "Unassign",
		"deadline.sva": "Without an answer on %s, the request will be deemed accepted (silence means acceptance).",
		"deadline.svr": "Without an answer on %s, the request will be deemed refused (silence means refusal).",
		"approvals":    "Approvals: %d of %d", "document": "Letter sent", "download": "Download the PDF", "history": "Decisions",
		"done": "Decision recorded.", "assigned": "Assignment recorded.", "refused": "Refused: %s", "results": "Batch approval results",
		"ok": "approved", "failed": "refused", "back": "Back to the inbox", "lang.other": "Français", "stage.awaiting_approval": "to approve",
		"stage.completed": "sent", "stage.rejected": "rejected", "stage.failed": "failed", "stage.drafting": "drafting", "stage.prefilling": "preparing",
		"stage.rendering": "rendering", "stage.notifying": "sending", "stage.cancelled": "cancelled", "stage.awaiting_documents": "documents requested", "stage.delegated": "with another system",
		"tasks": "Steps performed by other systems", "task.done": "done", "task.failed": "failed",
		"docs.ask": "Ask the applicant for documents", "docs.list": "Missing documents or information (one per line)", "docs.due": "To be provided by",
		"docs.button": "Send a request for documents", "docs.waiting": "Documents requested on %s, due by %s", "docs.letter": "Letter requesting the documents",
		"docs.received": "Documents received", "docs.received_on": "Received on", "docs.note": "Note", "docs.confirm": "Record their receipt",
		"docs.history": "Requests for documents", "docs.overdue": "not received by the due date", "docs.recorded": "Receipt of the documents recorded.", "forbidden": "You do not have access to this case.", "notfound": "Page not found.",
		"waiting": "Waiting", "skip": "Skip to content", "field": "Fact", "value": "Value", "subject": "Subject:",
		"verify.title": "Letter verification", "verify.ok": "This code matches a genuine letter, issued as follows.",
		"verify.code": "Code", "verify.issuer": "Issued by", "verify.date": "Date", "verify.hash": "SHA-256 fingerprint of the PDF",
		"verify.howto":   "To make sure your PDF copy was not altered, compare its SHA-256 fingerprint (for instance: sha256sum letter.pdf) with this one.",
		"verify.unknown": "This code matches no letter. Check what you typed; if in doubt, contact the issuing service.",
		"audit.link":     "Audit trail of the case", "audit.title": "Audit trail",
		"audit.intro":       "Rebuilt from the case's Temporal history, as of %s.",
		"audit.explanation": "Explanation of the decision for the applicant (PDF, in French)",
		"audit.norefused":   "The refused attempts could not be read from NATS: they are not shown below.",
		"audit.submitted":   "Submitted", "audit.failure": "Failure", "audit.cancel": "Cancellation requested", "audit.stages": "Stages", "audit.start": "Start",
		"audit.duration": "Duration", "audit.ongoing": "ongoing", "audit.drafts": "Drafts", "audit.model": "Model requested / served",
		"audit.endpoint": "Model endpoint", "audit.prompt": "Prompt hash", "audit.tokens": "Tokens (prompt + completion), latency",
		"audit.attempts": "call(s)", "audit.guardrails": "Guardrails", "audit.decisions": "Decisions", "audit.time": "Time", "audit.by": "By",
		"audit.decision": "Decision", "audit.comment": "Comment", "audit.result": "Next stage", "audit.edited": "text edited",
		"audit.refused": "Refused attempts (kept on NATS; the Temporal history keeps none)", "audit.action": "Action", "audit.reason": "Reason",
		"audit.none":     "None.",
		"audit.edits":    "Edits from the drafted text (version %d, %s) to the approved letter (version %d)",
		"audit.kept":     "%s %% of the text kept: %d of %d words, %d added, %d removed.",
		"audit.approved": "Approved", "audit.rendered": "Rendered", "audit.notifications": "Notifications", "audit.sent": "sent",
		"audit.events": "Published events", "audit.event": "Event", "audit.problems": "Parts of the history that could not be read",
	},
}

// langOf is the interface language: ?lang=, then the dossier_lang cookie,
// then French.
func langOf(w http.ResponseWriter, r *http.Request) string {
	if l := r.URL.Query().Get("lang"); l == "fr" || l == "en" {
		http.SetCookie(w, &http.Cookie{Name: "dossier_lang", Value: l, Path: "/", SameSite: http.SameSiteLaxMode, MaxAge: 365 * 24 * 3600})
		return l
	}
	if c, err := r.Cookie("dossier_lang"); err == nil && (c.Value == "fr" || c.Value == "en") {
		return c.Value
	}
	return "fr"
}

func translate(lang, key string, args ...any) string {
	m, ok := messages[lang][key]
	if !ok {
		return key
	}
	if len(args) > 0 {
		return fmt.Sprintf(m, args...)
	}
	return m
}
