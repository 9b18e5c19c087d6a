package activities

import (
	"errors"
	"log/slog"
	"maps"
	"testing"
	"time"

	"go.temporal.io/sdk/temporal"

	"github.com/dossier/dossier/internal/bus"
	"github.com/dossier/dossier/internal/bus/bustest"
	"github.com/dossier/dossier/internal/contract"
	"github.com/dossier/dossier/internal/legacysim"
)

// legacyFixture is an Activities whose legacy systems are the simulator,
// answering on a real nats-server.
type legacyFixture struct {
	*fixture
	sim *legacysim.Sim
}

func newLegacyFixture(t *testing.T) *legacyFixture {
	t.Helper()
	b, err := bus.Dial(bustest.Server(t), "test")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(b.Close)
	sim, err := legacysim.Start(b.Conn, slog.Default())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(sim.Stop)
	f := &legacyFixture{fixture: newFixture(t), sim: sim}
	f.a.Legacy = b
	f.a.LegacyTimeout = 300 * time.Millisecond
	return f
}

// grant is a subvention-attribution case whose association name and SIRET
// come from the national register (legacy.rna.association).
func grant(rna string, facts map[string]string) contract.CaseInput {
	all := map[string]string{"rna_number": rna, "amount": "4500.00", "purpose": "aménagement de parcelles accessibles",
		"year": "2026", "deliberation_number": "2026-118", "deliberation_date": "2026-10-15", "payment": "single"}
	maps.Copy(all, facts)
	return contract.CaseInput{CaseID: testCaseID, Submission: contract.Submission{
		Template: "subvention-attribution", Language: "fr", Facts: all,
		Applicant: contract.Applicant{Name: "Hélène Bérard", Email: "h@example.org", Address: []string{"3 rue de la Fraternité"}}}}
}

func (f *legacyFixture) prefill(t *testing.T, in contract.CaseInput) (contract.PrefillResult, error) {
	t.Helper()
	var res contract.PrefillResult
	err := f.run(t, f.a.Prefill, in, &res)
	return res, err
}

func TestPrefillFillsFromLegacyWithProvenance(t *testing.T) {
	f := newLegacyFixture(t)
	res, err := f.prefill(t, grant("W491012345", nil))
	if err != nil {
		t.Fatal(err)
	}
	if res.Facts["association_name"] != "Les Jardins partagés du Val" || res.Facts["siret"] != "84213579600018" {
		t.Errorf("facts = %v, want the register's name and SIRET", res.Facts)
	}
	src := res.Sources["association_name"]
	if src.Origin != "legacy" || src.Query != "rna.association" || src.Key != "W491012345" || src.At.IsZero() {
		t.Errorf("source = %+v, want legacy rna.association W491012345 with a time", src)
	}
	if res.Sources["amount"].Origin != "submission" || len(res.Flags) != 0 {
		t.Errorf("amount source %+v, flags %v; want submission and no flag", res.Sources["amount"], res.Flags)
	}
	if res.Approval.Approvals != 1 || len(res.Approval.Roles) == 0 {
		t.Errorf("approval policy %+v, want the template's", res.Approval)
	}
}

func TestPrefillFlagsConflictsAndKeepsTheSubmittedValue(t *testing.T) {
	f := newLegacyFixture(t)
	res, err := f.prefill(t, grant("W491003456", map[string]string{
		"association_name": "Compagnie théâtrale Les Tréteaux", // the register has the new name
		"siret":            "52233344400037",                   // the same value as the register
	}))
	if err != nil {
		t.Fatal(err)
	}
	if res.Facts["association_name"] != "Compagnie théâtrale Les Tréteaux" {
		t.Errorf("a legacy value overwrote the submitted one: %q", res.Facts["association_name"])
	}
	if len(res.Flags) != 1 {
		t.Fatalf("flags = %+v, want one conflict", res.Flags)
	}
	fl := res.Flags[0]
	if fl.Kind != "conflict" || fl.Field != "facts.association_name" || fl.Legacy != "Compagnie théâtrale Les Tréteaux de l'Œil" || fl.Query != "rna.association" {
		t.Errorf("flag = %+v", fl)
	}
	if res.Sources["siret"].Origin != "legacy" {
		t.Errorf("a value the register confirms keeps source %+v", res.Sources["siret"])
	}
}

func TestPrefillRecordNotFoundFailsTheCase(t *testing.T) {
	f := newLegacyFixture(t)
	_, err := f.prefill(t, grant("W499999999", nil))
	nonRetryable(t, err, ErrTypeLegacyNotFound)
	var appErr *temporal.ApplicationError
	var fields []contract.FieldError
	if !errors.As(err, &appErr) || appErr.Details(&fields) != nil || len(fields) != 1 || fields[0].Field != "facts.rna_number" {
		t.Errorf("details %+v, want the lookup key named", fields)
	}
}

// A system that does not answer in time makes a waiting field retry (the
// workflow keeps the case in prefill), after a bounded number of attempts.
func TestPrefillSystemDownMakesTheCaseWait(t *testing.T) {
	f := newLegacyFixture(t)
	f.sim.SetDown("rna", true)
	start := time.Now()
	_, err := f.prefill(t, grant("W491012345", nil))
	retryable(t, err, ErrTypeLegacyUnavailable)
	if took := time.Since(start); took < LookupAttempts*f.a.LegacyTimeout {
		t.Errorf("gave up after %v, want %d attempts of %v", took, LookupAttempts, f.a.LegacyTimeout)
	}
	f.sim.SetDown("rna", false) // back after the outage
	if res, err := f.prefill(t, grant("W491012345", nil)); err != nil || res.Facts["association_name"] == "" {
		t.Errorf("after the outage: %v, %v", res.Facts, err)
	}
}

func TestPrefillSlowAndFailingSystems(t *testing.T) {
	f := newLegacyFixture(t)
	f.a.LegacyTimeout = 0 // the production bound: 2 s
	if res, err := f.prefill(t, grant("W491004567", nil)); err != nil || res.Facts["association_name"] != "Banque alimentaire du Saumurois" {
		t.Errorf("slow answer within the timeout: %v, %v", res.Facts, err)
	}
	_, err := f.prefill(t, grant("W491009876", nil)) // the connector answers with an error
	retryable(t, err, ErrTypeLegacyUnavailable)
}

func retryable(t *testing.T, err error, wantType string) {
	t.Helper()
	var appErr *temporal.ApplicationError
	if !errors.As(err, &appErr) || appErr.Type() != wantType || appErr.NonRetryable() {
		t.Fatalf("error %v, want a retryable %s", err, wantType)
	}
}

// exampleCase is the case of a template's own example, with facts changed.
func exampleCase(t *testing.T, f *fixture, template string, facts map[string]string) contract.CaseInput {
	t.Helper()
	tmpl, err := f.a.Catalog.Get(template)
	if err != nil {
		t.Fatal(err)
	}
	ex, err := tmpl.ExampleSubmission()
	if err != nil {
		t.Fatal(err)
	}
	all := maps.Clone(ex.Facts)
	maps.Copy(all, facts)
	return contract.CaseInput{CaseID: testCaseID, Submission: contract.Submission{
		Template: template, Language: ex.Language, Facts: all,
		Applicant: contract.Applicant{Name: ex.Applicant.Name, Email: ex.Applicant.Email, Address: ex.Applicant.Address}}}
}

// TestPrefillLegalDeadline checks the deadline a case carries: the
// template's rule, counted in months from the fact it names, the French
// way (the same day, or the month's last day when it has none).
func TestPrefillLegalDeadline(t *testing.T) {
	f := newFixture(t)
	tests := []struct {
		name     string
		template string
		received string
		want     *contract.LegalDeadline
	}{
		{"SVA two months", "accuse-reception", "2026-11-20", &contract.LegalDeadline{Rule: "SVA", Months: 2, Date: "2027-01-20"}},
		{"SVR one month", "communication-documents", "2026-10-29", &contract.LegalDeadline{Rule: "SVR", Months: 1, Date: "2026-11-29"}},
		{"no such day: the month's last", "communication-documents", "2026-08-31", &contract.LegalDeadline{Rule: "SVR", Months: 1, Date: "2026-09-30"}},
		{"template without deadline", "demande-pieces", "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			facts := map[string]string{}
			if tt.received != "" {
				facts["received_on"] = tt.received
			}
			var res contract.PrefillResult
			if err := f.run(t, f.a.Prefill, exampleCase(t, f, tt.template, facts), &res); err != nil {
				t.Fatalf("Prefill: %v", err)
			}
			switch {
			case tt.want == nil && res.Deadline != nil:
				t.Errorf("deadline = %+v, want none", *res.Deadline)
			case tt.want != nil && (res.Deadline == nil || *res.Deadline != *tt.want):
				t.Errorf("deadline = %+v, want %+v", res.Deadline, *tt.want)
			}
		})
	}
}

// A date the deadline cannot be counted from fails the case for good,
// naming the fact (validation refuses it first; this is the last guard).
func TestLegalDeadlineUnreadableDate(t *testing.T) {
	f := newFixture(t)
	tmpl, err := f.a.Catalog.Get("communication-documents")
	if err != nil {
		t.Fatal(err)
	}
	_, err = legalDeadline(tmpl, map[string]string{"received_on": "29/10/2026"})
	nonRetryable(t, err, contract.ErrTypeInvalidSubmission)
	var appErr *temporal.ApplicationError
	var fields []contract.FieldError
	if !errors.As(err, &appErr) || appErr.Details(&fields) != nil || len(fields) != 1 || fields[0].Field != "facts.received_on" {
		t.Errorf("details %+v, want facts.received_on named", fields)
	}
}
