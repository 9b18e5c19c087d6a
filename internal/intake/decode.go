package intake

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/dossier/dossier/internal/contract"
)

// MaxSubmissionBytes bounds a submission's JSON, over HTTP and NATS alike.
const MaxSubmissionBytes = 256 << 10

// ErrTooLarge is returned for a submission over MaxSubmissionBytes.
var ErrTooLarge = fmt.Errorf("intake: submission larger than %d bytes", MaxSubmissionBytes)

// Decode reads a submission's JSON strictly: it must be valid UTF-8, one
// object, with known fields of the right types. Refusals come as an
// *InvalidError naming the field, like validation's, or ErrTooLarge.
func Decode(raw []byte) (contract.Submission, error) {
	var s contract.Submission
	if len(raw) > MaxSubmissionBytes {
		return s, ErrTooLarge
	}
	lang := sniffLanguage(raw)
	if !utf8.Valid(raw) {
		return s, invalid("", "utf8", decodeMessages[lang]["utf8"])
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&s); err != nil {
		return s, decodeError(raw, err, lang)
	}
	if dec.More() {
		return s, invalid("", "json", decodeMessages[lang]["trailing"])
	}
	return s, nil
}

var decodeMessages = map[string]map[string]string{
	"fr": {
		"utf8":     "la demande n'est pas encodée en UTF-8 valide",
		"trailing": "la demande doit être un seul objet JSON",
		"syntax":   "JSON invalide à l'octet %d : %s",
		"type":     "doit être de type %s, pas %s",
		"unknown":  "champ inconnu",
		"empty":    "la demande est vide",
	},
	"en": {
		"utf8":     "the request is not valid UTF-8",
		"trailing": "the request must be a single JSON object",
		"syntax":   "invalid JSON at byte %d: %s",
		"type":     "must be of type %s, not %s",
		"unknown":  "unknown field",
		"empty":    "the request is empty",
	},
}

func invalid(field, rule, message string) *InvalidError {
	return &InvalidError{Fields: []contract.FieldError{{Field: field, Rule: rule, Message: message}}}
}

func decodeError(raw []byte, err error, lang string) error {
	m := decodeMessages[lang]
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syntax):
		return invalid("", "json", fmt.Sprintf(m["syntax"], syntax.Offset, syntax.Error()))
	case errors.As(err, &typ):
		return typeError(raw, typ, lang)
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		name := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return invalid(name, "unknown", m["unknown"])
	case errors.Is(err, io.EOF):
		return invalid("", "json", m["empty"])
	case errors.Is(err, io.ErrUnexpectedEOF):
		return invalid("", "json", fmt.Sprintf(m["syntax"], len(raw), "unexpected end of JSON input"))
	}
	return invalid("", "json", err.Error())
}

// typeError names the field of the wrong type; for facts it finds which
// fact, since the decoder only says "facts".
func typeError(raw []byte, typ *json.UnmarshalTypeError, lang string) error {
	m := decodeMessages[lang]
	want := map[string]string{"string": "string", "[]string": "array of strings", "map[string]string": "object"}[typ.Type.String()]
	if want == "" {
		want = "object"
	}
	field := typ.Field
	if field == "facts" {
		if name := nonStringFact(raw); name != "" {
			field = "facts." + name
		}
	}
	return invalid(field, "type", fmt.Sprintf(m["type"], want, typ.Value))
}

func nonStringFact(raw []byte) string {
	var probe struct {
		Facts map[string]json.RawMessage `json:"facts"`
	}
	if json.Unmarshal(raw, &probe) != nil {
		return ""
	}
	for name, v := range probe.Facts {
		if len(v) == 0 || v[0] != '"' {
			return name
		}
	}
	return ""
}

// sniffLanguage reads the language the submission asks for, if it can,
// so that refusals of a malformed one are still in that language.
func sniffLanguage(raw []byte) string {
	var probe struct {
		Language string `json:"language"`
	}
	if json.Unmarshal(raw, &probe) == nil && probe.Language == "en" {
		return "en"
	}
	return "fr"
}
