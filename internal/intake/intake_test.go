package intake

import (
	"errors"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/dossier/dossier/internal/contract"
	"github.com/dossier/dossier/templates"
)

// newTestValidator returns a Validator over the embedded catalogue.
func newTestValidator(tb testing.TB) *Validator {
	tb.Helper()
	catalog, err := templates.Load()
	if err != nil {
		tb.Fatalf("templates.Load: %v", err)
	}
	return NewValidator(catalog)
}

// validSubmission returns a submission that accuse-reception accepts.
func validSubmission() contract.Submission {
	return contract.Submission{
		Template: "accuse-reception",
		Language: "fr",
		Applicant: contract.Applicant{
			Name:    "Zoë Lefèvre-Œuvray",
			Email:   "zoe@example.org",
			Address: []string{"12 rue des Écoles", "44000 Nantes"},
		},
		Facts: map[string]string{
			"request_subject": "inscription sur les listes électorales",
			"received_on":     "2026-11-20",
		},
	}
}

// with returns validSubmission changed by edit; the facts map is a copy.
func with(edit func(s *contract.Submission)) contract.Submission {
	s := validSubmission()
	s.Facts = maps.Clone(s.Facts)
	edit(&s)
	return s
}

// wantField is one expected field error: its path and the rule it breaks.
type wantField struct {
	field, rule string
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name    string
		sub     contract.Submission
		wantErr []wantField // nil: valid
	}{
		{name: "valid", sub: validSubmission()},
		{name: "missing applicant name",
			sub:     with(func(s *contract.Submission) { s.Applicant.Name = "" }),
			wantErr: []wantField{{"applicant.name", "required"}}},
		{name: "applicant name too long",
			sub:     with(func(s *contract.Submission) { s.Applicant.Name = strings.Repeat("é", 201) }),
			wantErr: []wantField{{"applicant.name", "max=200"}}},
		{name: "applicant name at the limit",
			sub: with(func(s *contract.Submission) { s.Applicant.Name = strings.Repeat("é", 200) })},
		{name: "bad email",
			sub:     with(func(s *contract.Submission) { s.Applicant.Email = "zoe-at-example.org" }),
			wantErr: []wantField{{"applicant.email", "email"}}},
		{name: "missing email",
			sub:     with(func(s *contract.Submission) { s.Applicant.Email = "" }),
			wantErr: []wantField{{"applicant.email", "required"}}},
		{name: "no address",
			sub:     with(func(s *contract.Submission) { s.Applicant.Address = nil }),
			wantErr: []wantField{{"applicant.address", "required"}}},
		{name: "empty address",
			sub:     with(func(s *contract.Submission) { s.Applicant.Address = []string{} }),
			wantErr: []wantField{{"applicant.address", "min=1"}}},
		{name: "too many address lines",
			sub: with(func(s *contract.Submission) {
				s.Applicant.Address = []string{"1", "2", "3", "4", "5", "6", "7"}
			}),
			wantErr: []wantField{{"applicant.address", "max=6"}}},
		{name: "empty address line",
			sub: with(func(s *contract.Submission) {
				s.Applicant.Address = []string{"12 rue des Écoles", "", "44000 Nantes"}
			}),
			wantErr: []wantField{{"applicant.address[1]", "required"}}},
		// An unsupported language is reported once, by the global rule.
		{name: "unknown language",
			sub:     with(func(s *contract.Submission) { s.Language = "de" }),
			wantErr: []wantField{{"language", "oneof=fr en"}}},
		{name: "unknown template lists the known ids",
			sub:     with(func(s *contract.Submission) { s.Template = "permis-de-construire" }),
			wantErr: []wantField{{"template", "template"}}},
		{name: "missing template",
			sub:     with(func(s *contract.Submission) { s.Template = "" }),
			wantErr: []wantField{{"template", "required"}}},
		{name: "missing fact",
			sub:     with(func(s *contract.Submission) { delete(s.Facts, "request_subject") }),
			wantErr: []wantField{{"facts.request_subject", "required"}}},
		{name: "empty fact",
			sub:     with(func(s *contract.Submission) { s.Facts["request_subject"] = "" }),
			wantErr: []wantField{{"facts.request_subject", "required"}}},
		{name: "no facts at all",
			sub: with(func(s *contract.Submission) { s.Facts = nil }),
			wantErr: []wantField{
				{"facts.received_on", "required"},
				{"facts.request_subject", "required"},
			}},
		{name: "fact too short",
			sub:     with(func(s *contract.Submission) { s.Facts["request_subject"] = "ab" }),
			wantErr: []wantField{{"facts.request_subject", "min=3"}}},
		{name: "fact too long",
			sub:     with(func(s *contract.Submission) { s.Facts["request_subject"] = strings.Repeat("x", 301) }),
			wantErr: []wantField{{"facts.request_subject", "max=300"}}},
		{name: "malformed date",
			sub:     with(func(s *contract.Submission) { s.Facts["received_on"] = "20/11/2026" }),
			wantErr: []wantField{{"facts.received_on", "datetime=2006-01-02"}}},
		{name: "impossible date",
			sub:     with(func(s *contract.Submission) { s.Facts["received_on"] = "2026-02-30" }),
			wantErr: []wantField{{"facts.received_on", "datetime=2006-01-02"}}},
		{name: "date in the future",
			sub:     with(func(s *contract.Submission) { s.Facts["received_on"] = "2099-01-01" }),
			wantErr: []wantField{{"facts.received_on", "notfuture"}}},
		{name: "unknown channel",
			sub:     with(func(s *contract.Submission) { s.Channels = []string{"fax"} }),
			wantErr: []wantField{{"channels[0]", "oneof=email postal"}}},
		{name: "channel twice",
			sub:     with(func(s *contract.Submission) { s.Channels = []string{"email", "email"} }),
			wantErr: []wantField{{"channels", "unique"}}},
		{name: "email and post", sub: with(func(s *contract.Submission) { s.Channels = []string{"email", "postal"} })},
		{name: "unknown fact",
			sub:     with(func(s *contract.Submission) { s.Facts["iban"] = "FR76" }),
			wantErr: []wantField{{"facts.iban", "unknown"}}},
		{name: "oversized fact",
			sub:     with(func(s *contract.Submission) { s.Facts["request_subject"] = strings.Repeat("x", MaxFactBytes+1) }),
			wantErr: []wantField{{"facts.request_subject", "max=300"}, {"facts.request_subject", "max"}}},
		{name: "several errors, all reported and sorted",
			sub: with(func(s *contract.Submission) {
				s.Applicant.Name = ""
				s.Applicant.Email = "nope"
				s.Facts["received_on"] = "hier"
				s.Facts["zzz"] = "x"
			}),
			wantErr: []wantField{
				{"applicant.email", "email"},
				{"applicant.name", "required"},
				{"facts.received_on", "datetime=2006-01-02"},
				{"facts.zzz", "unknown"},
			}},
	}
	v := newTestValidator(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkFields(t, v.Validate(tt.sub), tt.wantErr)
		})
	}
}

// checkFields fails unless err lists exactly want, in order, each with a
// message that names the field's label; nil want means err must be nil.
func checkFields(t *testing.T, err error, want []wantField) {
	t.Helper()
	if want == nil {
		if err != nil {
			t.Fatalf("Validate: unexpected error: %v", err)
		}
		return
	}
	var invalid *InvalidError
	if !errors.As(err, &invalid) {
		t.Fatalf("Validate = %v, want *InvalidError", err)
	}
	got := invalid.Fields
	if len(got) != len(want) {
		t.Fatalf("Validate reported %d fields, want %d:\n%v", len(got), len(want), got)
	}
	for i, w := range want {
		if got[i].Field != w.field || got[i].Rule != w.rule || got[i].Message == "" {
			t.Errorf("field %d = %q %q: %q, want %q %q", i, got[i].Field, got[i].Rule, got[i].Message, w.field, w.rule)
		}
		if !strings.Contains(err.Error(), got[i].Field+": "+got[i].Message) {
			t.Errorf("Error() = %q, does not name %s", err.Error(), got[i].Field)
		}
	}
}

// Refusals are written in the submission's language, with the field's label.
func TestMessagesInTheSubmissionLanguage(t *testing.T) {
	v := newTestValidator(t)
	tests := []struct {
		lang string
		want []string
	}{
		{"fr", []string{"« Date de réception » doit être une date qui existe, au format AAAA-MM-JJ", "« Adresse électronique du demandeur » doit être une adresse électronique valide"}},
		{"en", []string{"“Date received” must be a date that exists, formatted YYYY-MM-DD", "“Applicant's email address” must be a valid email address"}},
	}
	for _, tt := range tests {
		sub := with(func(s *contract.Submission) {
			s.Language = tt.lang
			s.Facts["received_on"] = "2026-13-01"
			s.Applicant.Email = "x"
		})
		err := v.Validate(sub)
		for _, w := range tt.want {
			if err == nil || !strings.Contains(err.Error(), w) {
				t.Errorf("%s: %v, want a message %q", tt.lang, err, w)
			}
		}
	}
}

// Every template's manifest example must be a valid submission: it is the
// documentation integrators copy.
func TestTemplateExamplesAreValid(t *testing.T) {
	catalog, err := templates.Load()
	if err != nil {
		t.Fatalf("templates.Load: %v", err)
	}
	v := NewValidator(catalog)
	for _, id := range catalog.IDs() {
		tmpl, _ := catalog.Get(id)
		var s contract.Submission // yaml.v3 matches the lowercased field names
		if err := tmpl.Example.Decode(&s); err != nil {
			t.Fatalf("%s: decode example: %v", id, err)
		}
		if s.Template != id {
			t.Errorf("%s: example names template %q", id, s.Template)
		}
		if err := v.Validate(s); err != nil {
			t.Errorf("%s: example is invalid: %v", id, err)
		}
	}
}

func TestInvalidErrorUnwrapsToErrInvalid(t *testing.T) {
	err := newTestValidator(t).Validate(contract.Submission{})
	if !errors.Is(err, ErrInvalid) {
		t.Fatalf("errors.Is(%v, ErrInvalid) = false", err)
	}
	if !strings.HasPrefix(err.Error(), "intake: invalid submission: ") {
		t.Errorf("Error() = %q, want the intake prefix", err.Error())
	}
}

func TestCaseID(t *testing.T) {
	base := CaseID("http", "legacy", "mairie-2026-000123")
	tests := []struct {
		name     string
		id       string
		wantSame bool
	}{
		{name: "same channel, submitter and key", id: CaseID("http", "legacy", "mairie-2026-000123"), wantSame: true},
		{name: "other submitter", id: CaseID("http", "camille", "mairie-2026-000123")},
		{name: "other channel", id: CaseID("nats", "legacy", "mairie-2026-000123")},
		{name: "other key", id: CaseID("http", "legacy", "mairie-2026-000124")},
		// Same concatenation, other split: the separator keeps them apart.
		{name: "fields do not run into each other", id: CaseID("http", "legac", "ymairie-2026-000123")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mustUUID(t, tt.id)
			if same := tt.id == base; same != tt.wantSame {
				t.Errorf("CaseID = %s, base %s: same = %v, want %v", tt.id, base, same, tt.wantSame)
			}
		})
	}
}

func TestCaseIDWithoutKeyIsRandom(t *testing.T) {
	seen := map[string]bool{}
	for range 100 {
		id := CaseID("http", "legacy", "")
		mustUUID(t, id)
		if seen[id] {
			t.Fatalf("CaseID without key repeated %s", id)
		}
		seen[id] = true
	}
}

// mustUUID fails the test unless id is a canonical UUID string.
func mustUUID(t *testing.T, id string) {
	t.Helper()
	u, err := uuid.Parse(id)
	if err != nil {
		t.Fatalf("CaseID = %q, not a UUID: %v", id, err)
	}
	if u.String() != id {
		t.Errorf("CaseID = %q, want canonical form %q", id, u.String())
	}
}

func TestFingerprint(t *testing.T) {
	base := Fingerprint(validSubmission())
	// Maps built in different insertion orders (and Go randomises iteration)
	// must hash alike.
	reordered := validSubmission()
	reordered.Facts = map[string]string{}
	keys := slices.Sorted(maps.Keys(validSubmission().Facts))
	slices.Reverse(keys)
	for _, k := range keys {
		reordered.Facts[k] = validSubmission().Facts[k]
	}
	tests := []struct {
		name     string
		sub      contract.Submission
		wantSame bool
	}{
		{name: "same content", sub: validSubmission(), wantSame: true},
		{name: "facts in another order", sub: reordered, wantSame: true},
		{name: "other fact value", sub: with(func(s *contract.Submission) { s.Facts["received_on"] = "2026-11-21" })},
		{name: "extra fact", sub: with(func(s *contract.Submission) { s.Facts["x"] = "" })},
		{name: "other applicant", sub: with(func(s *contract.Submission) { s.Applicant.Name = "Zoe Lefevre" })},
		{name: "other address order", sub: with(func(s *contract.Submission) { slices.Reverse(s.Applicant.Address) })},
		{name: "other language", sub: with(func(s *contract.Submission) { s.Language = "en" })},
	}
	var empty, missing contract.Submission
	empty.Facts = map[string]string{}
	if Fingerprint(empty) != Fingerprint(missing) {
		t.Error("empty facts and missing facts fingerprint differently")
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for range 20 { // map order varies between runs; hash must not
				got := Fingerprint(tt.sub)
				if len(got) != 64 {
					t.Fatalf("Fingerprint = %q, want 64 hex digits", got)
				}
				if same := got == base; same != tt.wantSame {
					t.Fatalf("Fingerprint same as base = %v, want %v", same, tt.wantSame)
				}
			}
		})
	}
}
