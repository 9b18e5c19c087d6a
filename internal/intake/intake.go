// Package intake validates submissions and derives case ids, for every way a
// case can arrive (HTTP, NATS) and for the prefill stage, so that all of them
// refuse exactly the same things, with the same field paths, rules and
// messages in the submission's language.
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

// Limits on what a submission may carry, whatever its template says.
const (
	MaxFacts     = 100
	MaxFactBytes = 10000
)

// Validator checks submissions against the template catalogue.
type Validator struct {
	v       *validator.Validate
	catalog *templates.Catalog
}

// NewValidator returns a Validator for the templates in catalog, with
// Dossier's own rules (notfuture, eur, rna, maxlines) registered.
func NewValidator(catalog *templates.Catalog) *Validator {
	v := validator.New(validator.WithRequiredStructEnabled())
	v.RegisterTagNameFunc(jsonName)
	registerRules(v)
	return &Validator{v: v, catalog: catalog}
}

// Validate checks a submission as it arrives: the applicant, the template
// and language, and every fact given. A fact that the template prefills
// from a legacy system may be absent at this point. It returns nil or an
// *InvalidError naming every invalid field.
func (v *Validator) Validate(s contract.Submission) error {
	return v.validate(s, false)
}

// ValidateComplete checks a submission whose prefilled facts are filled
// in: every rule of every field applies.
func (v *Validator) ValidateComplete(s contract.Submission) error {
	return v.validate(s, true)
}

// ValidateCompleteVersion checks a complete submission against a given
// version of its template, such as a kept version's example.
func (v *Validator) ValidateCompleteVersion(s contract.Submission, t *templates.Template) error {
	return v.validateWith(s, t, true)
}

func (v *Validator) validate(s contract.Submission, complete bool) error {
	t, _ := v.catalog.Get(s.Template)
	return v.validateWith(s, t, complete)
}

func (v *Validator) validateWith(s contract.Submission, t *templates.Template, complete bool) error {
	lang := languageOf(s)
	var fields []contract.FieldError
	if err := v.v.Struct(s); err != nil {
		fields = append(fields, fieldErrors(err, "", lang, nil)...)
	}
	if s.Template != "" {
		fields = append(fields, v.validateFacts(s, t, lang, complete)...)
	}
	if len(fields) == 0 {
		return nil
	}
	sort.SliceStable(fields, func(i, j int) bool { return fields[i].Field < fields[j].Field })
	return &InvalidError{Fields: fields}
}

// languageOf is the language refusals are written in: the submission's,
// or French.
func languageOf(s contract.Submission) string {
	if s.Language == "en" {
		return "en"
	}
	return "fr"
}

func (v *Validator) validateFacts(s contract.Submission, t *templates.Template, lang string, complete bool) []contract.FieldError {
	if t == nil {
		return []contract.FieldError{{Field: "template", Rule: "template", Message: msg(lang, "template", s.Template, strings.Join(v.catalog.IDs(), ", "))}}
	}
	var out []contract.FieldError
	if slices.Contains(supportedLanguages, s.Language) && !t.Speaks(s.Language) {
		out = append(out, contract.FieldError{Field: "language", Rule: "language", Message: msg(lang, "language", t.ID, strings.Join(t.Languages, ", "))})
	}
	if len(s.Facts) > MaxFacts {
		return append(out, contract.FieldError{Field: "facts", Rule: "max", Message: msg(lang, "toomany", fmt.Sprint(MaxFacts))})
	}
	for _, f := range t.Fields {
		value := s.Facts[f.Name]
		if value == "" && f.Prefill != nil && !complete {
			continue // the prefill stage completes it, then checks it
		}
		out = append(out, v.checkField(t, f, value, s.Facts, lang)...)
	}
	for name, value := range s.Facts {
		if t.Field(name) == nil {
			out = append(out, contract.FieldError{Field: "facts." + name, Rule: "unknown", Message: msg(lang, "unknown", t.ID)})
		} else if len(value) > MaxFactBytes {
			out = append(out, contract.FieldError{Field: "facts." + name, Rule: "max", Message: msg(lang, "max", fmt.Sprint(MaxFactBytes))})
		}
	}
	return out
}

// checkField applies a field's rules to its value; cross-field rules
// (after=<field>, notabove=<field>) are checked here, the rest by validator/v10.
func (v *Validator) checkField(t *templates.Template, f templates.Field, value string, facts map[string]string, lang string) []contract.FieldError {
	rules, cross := splitCrossRules(f.Validate)
	path := "facts." + f.Name
	if rules != "" {
		if err := v.v.Var(value, rules); err != nil {
			return fieldErrors(err, path, lang, f.Label)
		}
	}
	for _, rule := range cross {
		if fe, bad := checkCross(t, f, value, facts, rule, lang); bad {
			fe.Field = path
			return []contract.FieldError{fe}
		}
	}
	return nil
}

// supportedLanguages are the languages a submission may ask for; the
// struct rule reports any other, so the template check skips it.
var supportedLanguages = []string{"fr", "en"}

func fieldErrors(err error, path, lang string, label map[string]string) []contract.FieldError {
	var verrs validator.ValidationErrors
	if !errors.As(err, &verrs) {
		return []contract.FieldError{{Field: path, Rule: "invalid", Message: err.Error()}}
	}
	out := make([]contract.FieldError, 0, len(verrs))
	for _, fe := range verrs {
		field := path
		if field == "" {
			field = strings.TrimPrefix(fe.Namespace(), "Submission.")
		}
		name := label[lang]
		if name == "" {
			name = builtinLabel(field, lang)
		}
		out = append(out, contract.FieldError{Field: field, Rule: ruleName(fe), Message: describe(lang, name, fe)})
	}
	return out
}

func ruleName(fe validator.FieldError) string {
	if fe.Param() == "" {
		return fe.Tag()
	}
	return fe.Tag() + "=" + fe.Param()
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

// CheckRule runs rules once on an empty value. It panics when a rule is
// unknown, as validator/v10 does; `dossier templates check` uses it to
// report such rules before any citizen meets them.
func (v *Validator) CheckRule(rules string) {
	plain, _ := splitCrossRules(rules)
	if plain != "" {
		_ = v.v.Var("", plain)
	}
}
