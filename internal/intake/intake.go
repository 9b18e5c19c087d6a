// Package intake validates submissions and derives case ids, for every way a
// case can arrive (HTTP, NATS) and for the prefill stage, so that all of them
// refuse exactly the same things.
package intake

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"sort"
	"strings"

	"github.com/go-playground/validator/v10"
	"github.com/google/uuid"

	"github.com/dossier/dossier/internal/contract"
	"github.com/dossier/dossier/templates"
)

// ErrInvalid is returned, wrapped in *InvalidError, for a submission that
// cannot become a case.
var ErrInvalid = errors.New("intake: invalid submission")

// InvalidError lists every field that makes a submission invalid.
type InvalidError struct {
	Fields []contract.FieldError
}

func (e *InvalidError) Error() string {
	parts := make([]string, len(e.Fields))
	for i, f := range e.Fields {
		parts[i] = f.Field + ": " + f.Message
	}
	return "intake: invalid submission: " + strings.Join(parts, "; ")
}

func (e *InvalidError) Unwrap() error { return ErrInvalid }

// Validator checks submissions against the template catalogue.
type Validator struct {
	v       *validator.Validate
	catalog *templates.Catalog
}

// NewValidator returns a Validator for the templates in catalog.
func NewValidator(catalog *templates.Catalog) *Validator {
	v := validator.New(validator.WithRequiredStructEnabled())
	v.RegisterTagNameFunc(jsonName)
	return &Validator{v: v, catalog: catalog}
}

// Validate returns nil or an *InvalidError naming every invalid field: the
// applicant, the template and language, missing, invalid or unknown facts.
func (v *Validator) Validate(s contract.Submission) error {
	var fields []contract.FieldError
	if err := v.v.Struct(s); err != nil {
		fields = append(fields, fieldErrors(err, "")...)
	}
	if s.Template != "" {
		fields = append(fields, v.validateFacts(s)...)
	}
	if len(fields) == 0 {
		return nil
	}
	sort.SliceStable(fields, func(i, j int) bool { return fields[i].Field < fields[j].Field })
	return &InvalidError{Fields: fields}
}

func (v *Validator) validateFacts(s contract.Submission) []contract.FieldError {
	t, err := v.catalog.Get(s.Template)
	if err != nil {
		return []contract.FieldError{{Field: "template", Message: fmt.Sprintf("unknown template %q (known: %s)", s.Template, strings.Join(v.catalog.IDs(), ", "))}}
	}
	var out []contract.FieldError
	if slices.Contains(supportedLanguages, s.Language) && !t.Speaks(s.Language) {
		out = append(out, contract.FieldError{Field: "language", Message: fmt.Sprintf("template %q has no %q version (has: %s)", t.ID, s.Language, strings.Join(t.Languages, ", "))})
	}
	known := map[string]bool{}
	for _, f := range t.Fields {
		known[f.Name] = true
		if err := v.v.Var(s.Facts[f.Name], f.Validate); err != nil {
			out = append(out, fieldErrors(err, "facts."+f.Name)...)
		}
	}
	for name := range s.Facts {
		if !known[name] {
			out = append(out, contract.FieldError{Field: "facts." + name, Message: "unknown field for template " + t.ID})
		}
	}
	return out
}

// supportedLanguages are the languages a submission may ask for; the
// struct rule reports any other, so the template check skips it.
var supportedLanguages = []string{"fr", "en"}

func fieldErrors(err error, name string) []contract.FieldError {
	var verrs validator.ValidationErrors
	if !errors.As(err, &verrs) {
		return []contract.FieldError{{Field: name, Message: err.Error()}}
	}
	out := make([]contract.FieldError, 0, len(verrs))
	for _, fe := range verrs {
		field := name
		if field == "" {
			field = strings.TrimPrefix(fe.Namespace(), "Submission.")
		}
		out = append(out, contract.FieldError{Field: field, Message: describe(fe)})
	}
	return out
}

func describe(fe validator.FieldError) string {
	switch fe.Tag() {
	case "required":
		return "is required"
	case "email":
		return "must be an email address"
	case "oneof":
		return "must be one of: " + fe.Param()
	case "max":
		return "must have at most " + fe.Param() + " characters or items"
	case "min":
		return "must have at least " + fe.Param() + " characters or items"
	case "datetime":
		return "must be a date formatted " + fe.Param()
	}
	return fmt.Sprintf("fails rule %q", fe.Tag()+paramSuffix(fe.Param()))
}

func paramSuffix(p string) string {
	if p == "" {
		return ""
	}
	return "=" + p
}

func jsonName(f reflect.StructField) string {
	name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
	if name == "-" {
		return ""
	}
	return name
}

var caseNamespace = uuid.MustParse("6f1c2a4e-3b1d-5c8e-9a7f-2d4b6e8f0a1c")

// CaseID returns the case id for an idempotency key given by a submitter on
// a channel: the same key from the same submitter always names the same
// case; the same key from someone else names another. An empty key gives a
// fresh random id.
func CaseID(channel, submitter, key string) string {
	if key == "" {
		return uuid.NewString()
	}
	return uuid.NewSHA1(caseNamespace, []byte(channel+"\x00"+submitter+"\x00"+key)).String()
}

// Fingerprint is a stable hash of a submission, used to refuse an
// idempotency key reused for a different submission.
func Fingerprint(s contract.Submission) string {
	if len(s.Facts) == 0 {
		s.Facts = nil // no facts and empty facts are the same submission
	}
	raw, _ := json.Marshal(s) // maps marshal with sorted keys: stable
	sum := sha256.Sum256(raw)
	return hex.EncodeToString(sum[:])
}
