// Package pdf renders approved administrative letters to PDF, laid out the
// way French public administrations print them: letterhead top-left,
// recipient in the window-envelope position, place and date, reference and
// subject, body, signature block, legal mentions and a footer on every page.
package pdf

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// Letter is everything printed on one administrative letter.
type Letter struct {
	Language       string    // "fr" or "en" ("" means "fr"): PDF /Lang and the fixed labels
	Administration string    // e.g. "Ville de Montreuil-sur-Loire" — letterhead
	Service        string    // e.g. "Direction des affaires civiles"
	ServiceAddress []string  // sender block lines
	ServiceContact string    // footer line: phone / email of the service
	Place          string    // "Montreuil-sur-Loire"
	Date           time.Time // the letter's date (comes from the case, never time.Now)
	Reference      string    // case reference
	Recipient      []string  // name then postal address lines (window-envelope block)
	Subject        string    // "Objet"
	Body           string    // plain text; paragraphs separated by a blank line; single newlines are line breaks
	Signatory      string    // approver's name
	SignatoryTitle string
	Mentions       []string // legally required mentions printed after the signature, smaller font
	Title, Author  string   // PDF metadata (Subject metadata = Subject)
	// Verification, when set, prints a verification code and its QR code.
	Verification *Verification
	// Logo is the administration's logo, a PNG printed above the letterhead.
	Logo []byte
}

// Errors returned by Render for a letter that cannot be printed. They are
// wrapped with the letter's reference; match them with errors.Is.
var (
	// ErrNoBody means the letter's Body is empty or only white space.
	ErrNoBody = errors.New("pdf: letter has no body")
	// ErrNoRecipient means Recipient has no non-blank line.
	ErrNoRecipient = errors.New("pdf: letter has no recipient")
	// ErrNoDate means Date is the zero time. gofpdf would silently stamp
	// time.Now into the metadata, which breaks deterministic output.
	ErrNoDate = errors.New("pdf: letter has no date")
	// ErrLanguage means Language is neither "fr", "en" nor "".
	ErrLanguage = errors.New("pdf: unsupported language")
)

// validate returns ErrNoBody, ErrNoRecipient, ErrNoDate or ErrLanguage
// (wrapped with the offending value) when l cannot be printed.
func (l Letter) validate() error {
	switch {
	case strings.TrimSpace(l.Body) == "":
		return ErrNoBody
	case allBlank(l.Recipient):
		return ErrNoRecipient
	case l.Date.IsZero():
		return ErrNoDate
	}
	if _, ok := labelSets[l.Language]; !ok && l.Language != "" {
		return fmt.Errorf("%w %q", ErrLanguage, l.Language)
	}
	return nil
}

// allBlank reports whether lines holds no printable line.
func allBlank(lines []string) bool {
	for _, s := range lines {
		if strings.TrimSpace(s) != "" {
			return false
		}
	}
	return true
}
