package activities

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	"go.temporal.io/sdk/temporal"

	"github.com/dossier/dossier/config"
	"github.com/dossier/dossier/internal/contract"
	"github.com/dossier/dossier/internal/pdf"
	"github.com/dossier/dossier/internal/verification"
	"github.com/dossier/dossier/templates"
)

// Render renders the approved letter to PDF and stores it in the document
// store before anyone is notified. It returns the document's name and
// SHA-256; the bytes never enter the workflow history. Rendering is
// deterministic, so a retry stores the same bytes under the same name.
func (a *Activities) Render(ctx context.Context, in contract.RenderInput) (contract.Document, error) {
	letter, err := a.letter(in)
	if err != nil {
		return contract.Document{}, err
	}
	code := ""
	if a.Verify != nil {
		code = verification.Code(a.Verify.Secret, in.Case.CaseID, in.Draft.Version)
		letter.Verification = &pdf.Verification{Code: code, URL: strings.TrimRight(a.Verify.BaseURL, "/") + "/verify/" + code}
	}
	raw, err := a.Renderer.Render(letter)
	if err != nil {
		return contract.Document{}, temporal.NewNonRetryableApplicationError(
			fmt.Sprintf("render %s: %v", in.Case.CaseID, err), "RenderFailed", err)
	}
	name := DocumentName(in.Case.CaseID, in.Draft.Version)
	if err := a.Documents.Put(ctx, name, raw); err != nil {
		return contract.Document{}, fmt.Errorf("store %s: %w", name, err)
	}
	sum := sha256.Sum256(raw)
	doc := contract.Document{Object: name, SHA256: hex.EncodeToString(sum[:]), Size: len(raw), VerificationCode: code}
	if code != "" {
		if err := a.Verify.Store.Put(ctx, verification.Record{Code: code, Administration: letter.Administration,
			Service: letter.Service, Date: in.ApprovedAt.Format(time.DateOnly), Subject: letter.Subject,
			Reference: letter.Reference, SHA256: doc.SHA256, Size: doc.Size, Language: letter.Language}); err != nil {
			return contract.Document{}, fmt.Errorf("verification record %s: %w", code, err)
		}
	}
	return doc, nil
}

// DocumentName is where a case's letter of a given draft version is stored.
func DocumentName(caseID string, version int) string {
	return fmt.Sprintf("cases/%s/letter-v%d.pdf", caseID, version)
}

func (a *Activities) letter(in contract.RenderInput) (pdf.Letter, error) {
	return Layout(a.Catalog, a.Administration, in)
}

// Layout lays out an approved draft as the letter the citizen receives;
// the last mention says how the letter was drafted: with a model (CRPA
// art. L311-3-1) or from a template alone. The caseworkers' preview uses
// it too, so that what they preview is what is sent.
func Layout(catalog *templates.Catalog, admin config.Administration, in contract.RenderInput) (pdf.Letter, error) {
	app := in.Case.Submission.Applicant
	kind := "ai"
	if in.Draft.Drafter == DrafterTemplate {
		kind = "template_drafter"
	}
	how, err := catalog.Mentions().Render(kind, in.Case.Submission.Language, templates.MentionData{Model: in.Draft.Model})
	if err != nil {
		return pdf.Letter{}, err
	}
	return pdf.Letter{
		Language:       in.Case.Submission.Language,
		Administration: admin.Name,
		Service:        admin.Service,
		ServiceAddress: admin.Address,
		ServiceContact: admin.Contact,
		Place:          admin.Place,
		Date:           in.ApprovedAt,
		Reference:      contract.Reference(in.Case.CaseID),
		Recipient:      append([]string{app.Name}, app.Address...),
		Subject:        in.Draft.Subject,
		Body:           in.Draft.Body,
		Signatory:      in.Approver.Name,
		SignatoryTitle: in.Approver.Title,
		Mentions:       appendNonEmpty(in.Draft.Mentions, how),
		Title:          in.Draft.Subject,
		Author:         admin.Name,
		Logo:           admin.LogoPNG,
	}, nil
}
