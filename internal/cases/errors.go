package cases

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"

	"github.com/dossier/dossier/internal/contract"
	"github.com/dossier/dossier/internal/intake"
)

// Kind classifies an error for the caller: the HTTP layer maps kinds to
// status codes, and only internal errors are logged.
type Kind string

// The kinds of errors the case service returns.
const (
	KindInvalid   Kind = "invalid"   // the request is malformed: 422
	KindForbidden Kind = "forbidden" // the caller may not do this: 403
	KindNotFound  Kind = "not_found" // no such case, or not visible to the caller: 404
	KindConflict  Kind = "conflict"  // the case is not in a state that allows it: 409
	KindTooLarge  Kind = "too_large" // the request is over a size limit: 413
	KindInternal  Kind = "internal"  // anything else: 500
)

// Error is an error with a kind, a message safe to show the caller, and
// the invalid fields when there are some.
type Error struct {
	Kind    Kind
	Message string
	Fields  []contract.FieldError
	Err     error
}

func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("cases: %s: %v", e.Message, e.Err)
	}
	return "cases: " + e.Message
}

func (e *Error) Unwrap() error { return e.Err }

// HTTPStatus is the HTTP status that answers an error of kind k.
func HTTPStatus(k Kind) int {
	switch k {
	case KindInvalid:
		return http.StatusUnprocessableEntity
	case KindForbidden:
		return http.StatusForbidden
	case KindNotFound:
		return http.StatusNotFound
	case KindConflict:
		return http.StatusConflict
	case KindTooLarge:
		return http.StatusRequestEntityTooLarge
	}
	return http.StatusInternalServerError
}

// KindOf returns the kind of err, KindInternal for errors without one.
func KindOf(err error) Kind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return KindInternal
}

func errorf(kind Kind, format string, args ...any) error {
	return &Error{Kind: kind, Message: fmt.Sprintf(format, args...)}
}

func sha256Hex(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// Invalid turns an intake refusal into an error of kind invalid (or too
// large) carrying the field errors.
func Invalid(err error) error {
	var invalid *intake.InvalidError
	switch {
	case errors.As(err, &invalid):
		return &Error{Kind: KindInvalid, Message: "invalid submission", Fields: invalid.Fields}
	case errors.Is(err, intake.ErrTooLarge):
		return &Error{Kind: KindTooLarge, Message: err.Error()}
	}
	return err
}
