package templates

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden from the current output")

// mustGet loads the embedded catalogue and returns template id.
func mustGet(tb testing.TB, id string) *Template {
	tb.Helper()
	c, err := Load()
	if err != nil {
		tb.Fatalf("Load: %v", err)
	}
	t, err := c.Get(id)
	if err != nil {
		tb.Fatalf("Get(%q): %v", id, err)
	}
	return t
}

var testService = Service{
	Administration: "Ville de Montreuil-sur-Loire",
	Service:        "Service Relations usagers",
	Contact:        "relations.usagers@montreuil-sur-loire.example",
}

// exampleData decodes t's example and returns the data to execute it with,
// as the template drafter builds it.
func exampleData(tb testing.TB, t *Template) (Example, Data) {
	tb.Helper()
	ex, err := t.ExampleSubmission()
	if err != nil {
		tb.Fatal(err)
	}
	data, err := t.DataFor("DOS-6F1C2A4E", Applicant{Name: ex.Applicant.Name, Address: ex.Applicant.Address}, ex.Facts, testService)
	if err != nil {
		tb.Fatalf("DataFor: %v", err)
	}
	return ex, data
}

// The catalogue an administration needs, and the languages each speaks.
var wantTemplates = map[string][]string{
	"accuse-reception":          {"fr", "en"},
	"demande-pieces":            {"fr", "en"},
	"subvention-attribution":    {"fr", "en"},
	"subvention-refus":          {"fr"},
	"occupation-domaine-public": {"fr"},
	"communication-documents":   {"fr"},
}

func TestLoadEmbeddedCatalogue(t *testing.T) {
	c, err := Load()
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	for id, langs := range wantTemplates {
		tmpl, err := c.Get(id)
		if err != nil {
			t.Errorf("Get: %v (ids: %v)", err, c.IDs())
			continue
		}
		for _, lang := range langs {
			if !tmpl.Speaks(lang) {
				t.Errorf("%s does not speak %s", id, lang)
			}
		}
	}
	tmpl := mustGet(t, "accuse-reception")
	if tmpl.Deadline == nil || tmpl.Deadline.Rule != "SVA" || tmpl.Deadline.Months != 2 {
		t.Errorf("accuse-reception deadline = %+v, want SVA 2 months", tmpl.Deadline)
	}
	if _, err := c.Get("nope"); err == nil || !strings.Contains(err.Error(), `"nope"`) {
		t.Errorf("Get(nope) = %v, want ErrUnknown naming it", err)
	}
}

func TestExecuteExample(t *testing.T) {
	tmpl := mustGet(t, "accuse-reception")
	ex, data := exampleData(t, tmpl)
	letter, err := tmpl.Execute(ex.Language, data)
	if err != nil {
		t.Fatalf("Execute: %v", err)
	}
	if !strings.Contains(letter.Subject, ex.Facts["request_subject"]) {
		t.Errorf("Subject = %q, want the request subject", letter.Subject)
	}
	for _, want := range []string{ex.Facts["request_subject"], "20 novembre 2026", "20 janvier 2027", data.Reference, "silence vaut acceptation"} {
		if !strings.Contains(letter.Body, want) {
			t.Errorf("Body lacks %q:\n%s", want, letter.Body)
		}
	}
	if len(letter.Mentions) == 0 {
		t.Errorf("no mentions")
	}
	if _, err := tmpl.Execute("de", data); err == nil {
		t.Errorf("Execute(de) succeeded for a template without German")
	}
}

// TestExecuteGolden prints every template's example in every language it
// speaks and compares with testdata/<id>.<lang>.golden; regenerate with
// go test ./templates -update, then read the diff.
func TestExecuteGolden(t *testing.T) {
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, tmpl := range c.All() {
		for _, lang := range tmpl.Languages {
			t.Run(tmpl.Key()+"/"+lang, func(t *testing.T) {
				_, data := exampleData(t, tmpl)
				letter, err := tmpl.Execute(lang, data)
				if err != nil {
					t.Fatalf("Execute: %v", err)
				}
				checkNoTemplateCode(t, letter)
				got := "Subject: " + letter.Subject + "\n\n" + letter.Body + "\n\n-- \n" + strings.Join(letter.Mentions, "\n") + "\n"
				compareGolden(t, filepath.Join("testdata", tmpl.Dir+"."+lang+".golden"), got)
			})
		}
	}
}

func checkNoTemplateCode(t *testing.T, letter Letter) {
	t.Helper()
	for _, part := range []string{letter.Subject, letter.Body} {
		if strings.Contains(part, "{{") || strings.Contains(part, "}}") || strings.Contains(part, "<no value>") || strings.Contains(part, "%!") {
			t.Errorf("leftover template code in %q", part)
		}
	}
}

func compareGolden(t *testing.T, path, got string) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatalf("update golden: %v", err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read golden (regenerate with go test ./templates -update): %v", err)
	}
	if got != string(want) {
		t.Errorf("letter differs from %s (regenerate with -update if intended)\ngot:\n%s\nwant:\n%s", path, got, want)
	}
}

func TestExecuteMissingFactFails(t *testing.T) {
	tmpl := mustGet(t, "accuse-reception")
	tests := []struct {
		name    string
		drop    string
		wantErr string
	}{
		{name: "missing from subject and body", drop: "request_subject", wantErr: "subject:"},
		{name: "missing from body only", drop: "received_on", wantErr: "body:"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, data := exampleData(t, tmpl)
			delete(data.Facts, tt.drop)
			letter, err := tmpl.Execute("fr", data)
			if err == nil {
				t.Fatalf("Execute without %s = %+v, want an error", tt.drop, letter)
			}
			if !strings.Contains(err.Error(), tt.wantErr) || !strings.Contains(err.Error(), tt.drop) {
				t.Errorf("error %q, want it to contain %q and %q", err, tt.wantErr, tt.drop)
			}
		})
	}
}

func TestExecuteCitizenTextIsNeverCode(t *testing.T) {
	tmpl := mustGet(t, "accuse-reception")
	_, data := exampleData(t, tmpl)
	hostile := `{{.Facts}} {{template "x"}} {{printf "%s" "pwned"}}`
	data.Facts["request_subject"] = hostile
	letter, err := tmpl.Execute("fr", data)
	if err != nil {
		t.Fatalf("Execute: %v", err)
	}
	if !strings.Contains(letter.Subject, hostile) || !strings.Contains(letter.Body, hostile) {
		t.Errorf("citizen text not printed literally:\nsubject %q\nbody %q", letter.Subject, letter.Body)
	}
	if strings.Contains(letter.Body, "map[") || strings.Contains(letter.Body, " pwned") {
		t.Errorf("citizen text was executed: %q", letter.Body)
	}
}

func TestLongDateFR(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    string
		wantErr bool
	}{
		{name: "first of month is 1er", in: "2026-12-01", want: "1er décembre 2026"},
		{name: "second of month", in: "2026-12-02", want: "2 décembre 2026"},
		{name: "février", in: "2027-02-14", want: "14 février 2027"},
		{name: "août", in: "2026-08-15", want: "15 août 2026"},
		{name: "janvier 1er", in: "2027-01-01", want: "1er janvier 2027"},
		{name: "no leading zero", in: "2026-11-09", want: "9 novembre 2026"},
		{name: "French order", in: "20/11/2026", wantErr: true},
		{name: "impossible day", in: "2026-02-30", wantErr: true},
		{name: "empty", in: "", wantErr: true},
		{name: "with time", in: "2026-11-20T10:00:00Z", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := LongDateFR(tt.in)
			if (err != nil) != tt.wantErr {
				t.Fatalf("LongDateFR(%q) error = %v, wantErr %v", tt.in, err, tt.wantErr)
			}
			if tt.wantErr {
				if !strings.Contains(err.Error(), "YYYY-MM-DD") {
					t.Errorf("error %q does not say which format is expected", err)
				}
				return
			}
			if got != tt.want {
				t.Errorf("LongDateFR(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

// TestDeadlineFor pins what the deadline is: time.AddDate(0, months, 0).
// AddDate does not clamp to the end of the month: it normalises the
// overflow, so 31 December + 2 months is "31 February", which becomes
// 3 March 2027 (not a leap year), while 31 December 2027 gives 2 March 2028.
// (The civil-procedure rule, art. 641 CPC, would stop on the last day of
// February instead; changing that is a legal decision, not a test's.)
func TestDeadlineFor(t *testing.T) {
	tmpl := mustGet(t, "accuse-reception")
	tests := []struct {
		name     string
		received string
		want     string
		wantErr  bool
	}{
		{name: "two months later", received: "2026-11-20", want: "2027-01-20"},
		{name: "across the year", received: "2026-12-15", want: "2027-02-15"},
		{name: "end of month stops on the last day of February", received: "2026-12-31", want: "2027-02-28"},
		{name: "end of month, leap year", received: "2027-12-31", want: "2028-02-29"},
		{name: "30 December", received: "2026-12-30", want: "2027-02-28"},
		{name: "end of a 31-day month into a 30-day one", received: "2026-07-31", want: "2026-09-30"},
		{name: "malformed", received: "20/11/2026", wantErr: true},
		{name: "empty", received: "", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tmpl.DeadlineFor(tt.received)
			if (err != nil) != tt.wantErr {
				t.Fatalf("DeadlineFor(%q) error = %v, wantErr %v", tt.received, err, tt.wantErr)
			}
			if tt.wantErr {
				return
			}
			want := DeadlineData{Rule: "SVA", Months: 2, Date: tt.want}
			if got != want {
				t.Errorf("DeadlineFor(%q) = %+v, want %+v", tt.received, got, want)
			}
		})
	}
}

func TestDeadlineForTemplateWithoutDeadline(t *testing.T) {
	tmpl := &Template{}
	got, err := tmpl.DeadlineFor("not even a date")
	if err != nil || got != (DeadlineData{}) {
		t.Errorf("DeadlineFor = %+v, %v; want zero value, nil", got, err)
	}
}

const goodManifest = `id: lettre
version: 1
languages: [fr]
approval: {roles: [caseworker], approvals: 1}
title:
  fr: Lettre
subject:
  fr: "Objet : {{.Facts.x}}"
`

func TestLoadFS(t *testing.T) {
	tests := []struct {
		name    string
		files   fstest.MapFS
		wantErr string // "" for success; else a fragment of the error
	}{
		{name: "valid", files: fstest.MapFS{
			"lettre/manifest.yaml": {Data: []byte(goodManifest)},
			"lettre/fr.tmpl":       {Data: []byte("Bonjour {{.Applicant.Name}}")},
		}},
		{name: "bad YAML", wantErr: "templates: lettre: manifest:", files: fstest.MapFS{
			"lettre/manifest.yaml": {Data: []byte("id: [lettre\nversion: 1")},
			"lettre/fr.tmpl":       {Data: []byte("Bonjour")},
		}},
		{name: "id not matching folder", wantErr: `templates: autre: manifest: id must be "autre"`, files: fstest.MapFS{
			"autre/manifest.yaml": {Data: []byte(goodManifest)},
			"autre/fr.tmpl":       {Data: []byte("Bonjour")},
		}},
		{name: "version zero", wantErr: "templates: lettre: manifest:", files: fstest.MapFS{
			"lettre/manifest.yaml": {Data: []byte(strings.Replace(goodManifest, "version: 1", "version: 0", 1))},
			"lettre/fr.tmpl":       {Data: []byte("Bonjour")},
		}},
		{name: "no language", wantErr: "templates: lettre: manifest:", files: fstest.MapFS{
			"lettre/manifest.yaml": {Data: []byte(strings.Replace(goodManifest, "[fr]", "[]", 1))},
		}},
		{name: "missing subject", wantErr: "templates: lettre: manifest: fr: title and subject are required", files: fstest.MapFS{
			"lettre/manifest.yaml": {Data: []byte(strings.Replace(goodManifest, `fr: "Objet : {{.Facts.x}}"`, `en: "Subject"`, 1))},
			"lettre/fr.tmpl":       {Data: []byte("Bonjour")},
		}},
		{name: "missing body file", wantErr: "templates: lettre: fr:", files: fstest.MapFS{
			"lettre/manifest.yaml": {Data: []byte(goodManifest)},
		}},
		{name: "body syntax error", wantErr: "templates: lettre: fr:", files: fstest.MapFS{
			"lettre/manifest.yaml": {Data: []byte(goodManifest)},
			"lettre/fr.tmpl":       {Data: []byte("Bonjour {{.Applicant.Name")},
		}},
		{name: "unknown function", wantErr: "templates: lettre: fr:", files: fstest.MapFS{
			"lettre/manifest.yaml": {Data: []byte(goodManifest)},
			"lettre/fr.tmpl":       {Data: []byte("{{shortdate .Facts.x}}")},
		}},
		{name: "subject syntax error", wantErr: "templates: lettre: fr:", files: fstest.MapFS{
			"lettre/manifest.yaml": {Data: []byte(strings.Replace(goodManifest, "{{.Facts.x}}", "{{if}}", 1))},
			"lettre/fr.tmpl":       {Data: []byte("Bonjour")},
		}},
		{name: "one broken folder among good ones", wantErr: "templates: zzz:", files: fstest.MapFS{
			"lettre/manifest.yaml": {Data: []byte(goodManifest)},
			"lettre/fr.tmpl":       {Data: []byte("Bonjour")},
			"zzz/manifest.yaml":    {Data: []byte("id: zzz\nversion: 1\nlanguages: [fr]\ntitle: {fr: Z}\nsubject: {fr: Z}\napproval: {roles: [caseworker], approvals: 1}\n")},
			"zzz/fr.tmpl":          {Data: []byte("{{end}}")},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := LoadFS(tt.files)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("LoadFS: %v", err)
				}
				if ids := c.IDs(); len(ids) != 1 || ids[0] != "lettre" {
					t.Errorf("IDs = %v, want [lettre]", ids)
				}
				return
			}
			if err == nil {
				t.Fatalf("LoadFS succeeded, want an error containing %q", tt.wantErr)
			}
			if !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("LoadFS error = %q, want it to contain %q", err, tt.wantErr)
			}
		})
	}
}

// BenchmarkExecute executes every template version's example in every
// language it speaks, the text a letter starts from; ns/op is for the
// whole set, letters/s counts each execution.
func BenchmarkExecute(b *testing.B) {
	c, err := Load()
	if err != nil {
		b.Fatal(err)
	}
	type example struct {
		tmpl *Template
		lang string
		data Data
	}
	var examples []example
	for _, tmpl := range c.All() {
		_, data := exampleData(b, tmpl)
		for _, lang := range tmpl.Languages {
			examples = append(examples, example{tmpl, lang, data})
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		for _, ex := range examples {
			if _, err := ex.tmpl.Execute(ex.lang, ex.data); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(b.N*len(examples))/b.Elapsed().Seconds(), "letters/s")
}
