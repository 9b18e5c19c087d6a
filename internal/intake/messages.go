package intake

import (
	"fmt"
	"reflect"

	"github.com/go-playground/validator/v10"
)

// messages are the refusals, per language, by rule. %[1]s is the field's
// label, %[2]s the rule's parameter.
var messages = map[string]map[string]string{
	"fr": {
		"required":  "« %[1]s » est obligatoire",
		"email":     "« %[1]s » doit être une adresse électronique valide",
		"oneof":     "« %[1]s » doit valoir l'une de ces valeurs : %[2]s",
		"max":       "« %[1]s » ne doit pas dépasser %[2]s caractères",
		"max-list":  "« %[1]s » ne doit pas compter plus de %[2]s éléments",
		"min":       "« %[1]s » doit compter au moins %[2]s caractères",
		"min-list":  "« %[1]s » doit compter au moins %[2]s élément(s)",
		"datetime":  "« %[1]s » doit être une date qui existe, au format AAAA-MM-JJ",
		"notfuture": "« %[1]s » ne peut pas être une date future",
		"eur":       "« %[1]s » doit être un montant en euros, par exemple 12500.00",
		"rna":       "« %[1]s » doit être un numéro RNA : la lettre W suivie de 9 chiffres",
		"maxlines":  "« %[1]s » ne doit pas compter plus de %[2]s lignes",
		"len":       "« %[1]s » doit compter exactement %[2]s caractères",
		"numeric":   "« %[1]s » doit être un nombre",
		"number":    "« %[1]s » doit être un nombre",
		"default":   "« %[1]s » ne respecte pas la règle %[2]s",
		// Whole-submission refusals: %[1]s and %[2]s are given per message.
		"template": "modèle inconnu « %[1]s » (modèles disponibles : %[2]s)",
		"language": "le modèle « %[1]s » n'existe pas dans cette langue (langues : %[2]s)",
		"unknown":  "champ inconnu du modèle %[1]s",
		"toomany":  "une demande ne peut pas compter plus de %[1]s champs",
		"after":    "« %[1]s » doit être postérieure à « %[2]s »",
		"notabove": "« %[1]s » ne peut pas dépasser « %[2]s » (%[3]s)",
	},
	"en": {
		"required":  "“%[1]s” is required",
		"email":     "“%[1]s” must be a valid email address",
		"oneof":     "“%[1]s” must be one of: %[2]s",
		"max":       "“%[1]s” must not exceed %[2]s characters",
		"max-list":  "“%[1]s” must not have more than %[2]s items",
		"min":       "“%[1]s” must have at least %[2]s characters",
		"min-list":  "“%[1]s” must have at least %[2]s item(s)",
		"datetime":  "“%[1]s” must be a date that exists, formatted YYYY-MM-DD",
		"notfuture": "“%[1]s” cannot be in the future",
		"eur":       "“%[1]s” must be an amount in euros, such as 12500.00",
		"rna":       "“%[1]s” must be an RNA number: the letter W and 9 digits",
		"maxlines":  "“%[1]s” must not have more than %[2]s lines",
		"len":       "“%[1]s” must have exactly %[2]s characters",
		"numeric":   "“%[1]s” must be a number",
		"number":    "“%[1]s” must be a number",
		"default":   "“%[1]s” breaks the rule %[2]s",
		"template":  "unknown template “%[1]s” (available: %[2]s)",
		"language":  "template “%[1]s” does not exist in this language (languages: %[2]s)",
		"unknown":   "field unknown to template %[1]s",
		"toomany":   "a request cannot have more than %[1]s fields",
		"after":     "“%[1]s” must be after “%[2]s”",
		"notabove":  "“%[1]s” cannot exceed “%[2]s” (%[3]s)",
	},
}

func msg(lang, key string, args ...any) string {
	return fmt.Sprintf(messages[lang][key], args...)
}

// describe writes the refusal of one rule for a field labelled label.
func describe(lang, label string, fe validator.FieldError) string {
	key := fe.Tag()
	if (key == "max" || key == "min") && fe.Kind() == reflect.Slice {
		key += "-list"
	}
	if _, ok := messages[lang][key]; !ok {
		return msg(lang, "default", label, ruleName(fe))
	}
	return msg(lang, key, label, fe.Param())
}

// builtinLabels name the fields every submission has.
var builtinLabels = map[string]map[string]string{
	"fr": {"template": "Modèle", "language": "Langue", "applicant.name": "Nom du demandeur",
		"applicant.email": "Adresse électronique du demandeur", "applicant.address": "Adresse postale du demandeur"},
	"en": {"template": "Template", "language": "Language", "applicant.name": "Applicant's name",
		"applicant.email": "Applicant's email address", "applicant.address": "Applicant's postal address"},
}

func builtinLabel(field, lang string) string {
	if l, ok := builtinLabels[lang][field]; ok {
		return l
	}
	if len(field) > len("applicant.address") && field[:len("applicant.address")] == "applicant.address" {
		return builtinLabels[lang]["applicant.address"] + " " + field[len("applicant.address"):]
	}
	return field
}
