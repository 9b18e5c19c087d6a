package intake

import (
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/go-playground/validator/v10"

	"github.com/dossier/dossier/internal/contract"
	"github.com/dossier/dossier/templates"
)

var (
	eurPattern = regexp.MustCompile(`^\d{1,12}(\.\d{1,2})?$`)
	rnaPattern = regexp.MustCompile(`^W\d{9}$`)
)

// Today returns the current day; tests replace it.
var Today = func() time.Time { return time.Now() }

// registerRules adds Dossier's rules to v:
//
//	notfuture   a YYYY-MM-DD date that is not after today (Europe/Paris)
//	eur         a decimal amount of euros: 12500 or 12500.50
//	rna         a number of the répertoire national des associations: W + 9 digits
//	maxlines=N  at most N non-empty lines
func registerRules(v *validator.Validate) {
	must(v.RegisterValidation("notfuture", func(fl validator.FieldLevel) bool {
		day, err := time.Parse(time.DateOnly, fl.Field().String())
		return err == nil && !day.After(today())
	}))
	must(v.RegisterValidation("eur", func(fl validator.FieldLevel) bool {
		return eurPattern.MatchString(fl.Field().String())
	}))
	must(v.RegisterValidation("rna", func(fl validator.FieldLevel) bool {
		return rnaPattern.MatchString(fl.Field().String())
	}))
	must(v.RegisterValidation("maxlines", func(fl validator.FieldLevel) bool {
		n, err := strconv.Atoi(fl.Param())
		return err == nil && len(templates.Lines(fl.Field().String())) <= n
	}))
}

func must(err error) {
	if err != nil {
		panic(err)
	}
}

var paris = contract.Paris

func today() time.Time {
	y, m, d := Today().In(paris).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// splitCrossRules separates the rules that compare a fact with another
// fact (after=<field>) from those validator/v10 checks on the value alone.
func splitCrossRules(rules string) (plain string, cross []string) {
	var keep []string
	for _, r := range strings.Split(rules, ",") {
		if strings.HasPrefix(r, "after=") || strings.HasPrefix(r, "notabove=") {
			cross = append(cross, r)
		} else if r != "" {
			keep = append(keep, r)
		}
	}
	return strings.Join(keep, ","), cross
}

// checkCross applies a rule comparing a fact with another fact.
func checkCross(t *templates.Template, f templates.Field, value string, facts map[string]string, rule, lang string) (contract.FieldError, bool) {
	if strings.HasPrefix(rule, "notabove=") {
		return checkNotAbove(t, f, value, facts, rule, lang)
	}
	return checkAfter(t, f, value, facts, rule, lang)
}

// checkNotAbove applies notabove=<other>: a number not greater than the
// other numeric fact (e.g. a surface within the location's maximum). An
// empty or non-numeric value is left to the field's own rules.
func checkNotAbove(t *templates.Template, f templates.Field, value string, facts map[string]string, rule, lang string) (contract.FieldError, bool) {
	other := strings.TrimPrefix(rule, "notabove=")
	v, err1 := strconv.ParseFloat(value, 64)
	limit, err2 := strconv.ParseFloat(facts[other], 64)
	if value == "" || err1 != nil || err2 != nil || v <= limit {
		return contract.FieldError{}, false
	}
	return contract.FieldError{Rule: rule, Message: msg(lang, "notabove", f.Label[lang], labelOf(t, other, lang), facts[other])}, true
}

func labelOf(t *templates.Template, field, lang string) string {
	if of := t.Field(field); of != nil && of.Label[lang] != "" {
		return of.Label[lang]
	}
	return field
}

// checkAfter applies after=<other>: a date strictly after the other date
// fact. An empty value, or an other fact that is not a date, is left to
// their own rules.
func checkAfter(t *templates.Template, f templates.Field, value string, facts map[string]string, rule, lang string) (contract.FieldError, bool) {
	other := strings.TrimPrefix(rule, "after=")
	day, err1 := time.Parse(time.DateOnly, value)
	before, err2 := time.Parse(time.DateOnly, facts[other])
	if value == "" || err1 != nil || err2 != nil || day.After(before) {
		return contract.FieldError{}, false
	}
	return contract.FieldError{Rule: rule, Message: msg(lang, "after", f.Label[lang], labelOf(t, other, lang))}, true
}
