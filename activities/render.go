package activities

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"

	"go.temporal.io/sdk/temporal"

	"github.com/dossier/dossier/internal/contract"
	"github.com/dossier/dossier/internal/pdf"
)

// MentionTemplateDrafter is printed on letters drafted without any model,
// so that the citizen knows how the letter was prepared.
const MentionTemplateDrafter = "Ce courrier a été rédigé à partir d'un modèle de lettre de l'administration, sans recours à un système d'intelligence artificielle, et relu puis validé par un agent."

// Render renders the approved letter to PDF and stores it in the document
// store before anyone is notified. It returns the document's name and
// SHA-256; the bytes never enter the workflow history. Rendering is
// deterministic, so a retry stores the same bytes under the same name.
func (a *Activities) Render(ctx context.Context, in contract.RenderInput) (contract.Document, error) {
	letter := a.letter(in)
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
	return contract.Document{Object: name, SHA256: hex.EncodeToString(sum[:]), Size: len(raw)}, nil
}

// DocumentName is where a case's letter of a given draft version is stored.
func DocumentName(caseID string, version int) string {
	return fmt.Sprintf("cases/%s/letter-v%d.pdf", caseID, version)
}

func (a *Activities) letter(in contract.RenderInput) pdf.Letter {
	app := in.Case.Submission.Applicant
	admin := a.Administration
	mentions := append([]string{}, in.Draft.Mentions...)
	if in.Draft.Drafter == DrafterTemplate {
		mentions = append(mentions, MentionTemplateDrafter)
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
		Mentions:       mentions,
		Title:          in.Draft.Subject,
		Author:         admin.Name,
	}
}
