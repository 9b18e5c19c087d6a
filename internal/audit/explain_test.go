package audit_test

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dossier/dossier/internal/audit"
	"github.com/dossier/dossier/internal/pdf"
	"github.com/dossier/dossier/internal/pdf/pdftest"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden.txt from the current output")

var labels = map[string]string{"received_on": "Date de réception de la demande", "request_subject": "Objet de la demande"}

func explain(t *testing.T, name string) audit.Explanation {
	t.Helper()
	return audit.Explain(timeline(t, name), audit.ExplainOptions{Issuer: "Ville de Montreuil-sur-Loire",
		TemplateTitle: "Accusé de réception", Label: func(n string) string { return labels[n] }})
}

// flat joins s's words with single spaces, as a reader sees them.
func flat(s string) string { return strings.Join(strings.Fields(s), " ") }

func checkSays(t *testing.T, what, text string, wants, never []string) {
	t.Helper()
	for _, want := range wants {
		if !strings.Contains(flat(text), want) {
			t.Errorf("%s does not say %q:\n%s", what, want, text)
		}
	}
	for _, not := range never {
		if strings.Contains(flat(text), not) {
			t.Errorf("%s says %q:\n%s", what, not, text)
		}
	}
}

func TestExplainModelDraft(t *testing.T) {
	text := explain(t, "llm-drafted-edited-approved").Text()
	checkSays(t, "the explanation of a model's draft", text, []string{
		"rédigé par un système d'intelligence artificielle", "« mistral-small-3.2-24b »", "service « local »",
		"« mistral-small-3.2-24b-served »", "reprend 95,7 % du texte proposé par le modèle", "a ajouté 4 mots",
		"relu et approuvé par Camille Martin (Chargée de relations usagers), le 27 novembre 2026",
		"Date de réception de la demande : « 2026-11-23 », fournie dans votre demande",
		"absence de nombre ou de date absents du dossier (réussi)", "c9e41935b1b635096563692f9570628e6419533a7d06c8353e3f48f23eecd58c",
		"relecture, modification et approbation du projet (version 1) par Camille Martin",
		"mise en forme du courrier approuvé (PDF)", "envoi du courrier par courrier électronique",
		"40ddad1e0ed7867af09fa17369fab6069f44eb91fcf880330fd8591e3b48ba71",
	}, []string{"sans intelligence artificielle"})
	golden(t, "explain-llm-drafted-edited-approved", text)
}

func TestExplainTemplateDraft(t *testing.T) {
	text := explain(t, "approved").Text()
	checkSays(t, "the explanation of a template's draft", text, []string{
		"rédigé à partir d'un modèle de lettre, sans intelligence artificielle", "texte type « accuse-reception » (version 1)",
		"approuvé par Camille Martin", "aucune décision n'a été prise de manière entièrement automatisée",
	}, []string{"modèle de langage", "reprend"})
	golden(t, "explain-approved", text)
}

func TestExplainWithoutALetter(t *testing.T) {
	tests := []struct {
		name  string
		wants []string
	}{
		{"rejected", []string{"Dominique Bernard (Responsable du service Relations usagers) a décidé, le 27 novembre 2026",
			"« Demande hors compétence de la commune ». Aucun courrier n'a été envoyé"}},
		{"failed-prefill-not-found", []string{"s'est arrêté le 27 novembre 2026", "W499999999",
			"Aucun projet de courrier n'a été rédigé : aucun système d'intelligence artificielle n'a été utilisé"}},
		{"cancelled-over-nats", []string{"a été annulé avant l'envoi de tout courrier", "annulation du traitement"}},
		{"documents-received", []string{"vous a demandé des pièces complémentaires, à fournir au plus tard le 11 décembre 2026",
			"Justificatif de domicile de moins de trois mois ; Copie d'une pièce d'identité"}},
		{"prefilled-with-conflict-approved", []string{"lue dans le fichier « rna.association » de l'administration (clé W491003456)",
			"diffère de celle du fichier « rna.association »", "avec consultation du fichier « rna.association »"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkSays(t, "the explanation", explain(t, tt.name).Text(), tt.wants, nil)
		})
	}
}

// TestExplanationPDF renders the explanation like a letter: it parses,
// says the same key sentences as the text, and is the same every time.
func TestExplanationPDF(t *testing.T) {
	r, err := pdf.NewRenderer()
	if err != nil {
		t.Fatal(err)
	}
	x := explain(t, "llm-drafted-edited-approved")
	raw, err := x.PDF(r)
	if err != nil {
		t.Fatal(err)
	}
	again, _ := explain(t, "llm-drafted-edited-approved").PDF(r)
	if !bytes.Equal(raw, again) {
		t.Error("the same history gave two different PDFs")
	}
	checkSays(t, "the PDF explanation", pdftest.Text(t, raw), []string{
		"Explication du traitement de votre demande", "Référence : DOS-9FDE0768", "Ville de Montreuil-sur-Loire",
		"rédigé par un système d'intelligence artificielle", "« mistral-small-3.2-24b »", "reprend 95,7 % du texte proposé par le modèle",
		"relu et approuvé par Camille Martin", "longueur du texte (réussi)",
	}, nil)
	if info := pdftest.Info(t, raw); info["Title"] != "Explication du traitement de votre demande" || !strings.HasPrefix(info["CreationDate"], "2026-11-27") {
		t.Errorf("PDF metadata %v, want the title and the history's date", info)
	}
	template, err := explain(t, "approved").PDF(r)
	if err != nil {
		t.Fatal(err)
	}
	checkSays(t, "the PDF explanation of a template's draft", pdftest.Text(t, template), []string{"sans intelligence artificielle"}, nil)
}

// golden compares text with testdata/name.golden.txt; -update rewrites it.
func golden(t *testing.T, name, text string) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden.txt")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to write it)", err)
	}
	if string(want) != text {
		t.Errorf("%s differs from %s (run with -update if the change is meant):\n%s", name, path, text)
	}
}
