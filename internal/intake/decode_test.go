package intake

import (
	"errors"
	"strings"
	"testing"
)

func TestDecode(t *testing.T) {
	tests := []struct {
		name    string
		raw     string
		wantErr []wantField
		wantMsg string
	}{
		{name: "valid", raw: `{"template":"accuse-reception","language":"fr","applicant":{"name":"Zoë","email":"z@example.org","address":["1 rue A"]},"facts":{"received_on":"2026-11-20"}}`},
		{name: "empty body", raw: ``, wantErr: []wantField{{"", "json"}}, wantMsg: "vide"},
		{name: "syntax error", raw: `{"template": "accuse-reception",`, wantErr: []wantField{{"", "json"}}, wantMsg: "JSON invalide"},
		{name: "two objects", raw: `{} {}`, wantErr: []wantField{{"", "json"}}},
		{name: "unknown top-level field", raw: `{"template":"x","reviewer":"me"}`, wantErr: []wantField{{"reviewer", "unknown"}}},
		{name: "number as a fact", raw: `{"language":"en","facts":{"received_on":"2026-11-20","amount":12}}`,
			wantErr: []wantField{{"facts.amount", "type"}}, wantMsg: "must be of type string, not number"},
		{name: "bool as a name", raw: `{"applicant":{"name":true}}`, wantErr: []wantField{{"applicant.name", "type"}}},
		{name: "address as a string", raw: `{"applicant":{"address":"1 rue A"}}`, wantErr: []wantField{{"applicant.address", "type"}}},
		{name: "facts as a list", raw: `{"facts":["a"]}`, wantErr: []wantField{{"facts", "type"}}},
		{name: "invalid UTF-8", raw: "{\"template\":\"accuse-r\xe9ception\"}", wantErr: []wantField{{"", "utf8"}}, wantMsg: "UTF-8"},
		{name: "English refusal", raw: `{"language":"en","applicant":{"name":1}}`, wantErr: []wantField{{"applicant.name", "type"}}, wantMsg: "must be of type"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Decode([]byte(tt.raw))
			checkFields(t, err, tt.wantErr)
			if tt.wantMsg != "" && !strings.Contains(err.Error(), tt.wantMsg) {
				t.Errorf("Decode error %q, want it to say %q", err, tt.wantMsg)
			}
		})
	}
}

func TestDecodeTooLarge(t *testing.T) {
	raw := `{"facts":{"x":"` + strings.Repeat("a", MaxSubmissionBytes) + `"}}`
	if _, err := Decode([]byte(raw)); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("Decode of %d bytes = %v, want ErrTooLarge", len(raw), err)
	}
}
