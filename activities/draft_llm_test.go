package activities

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/dossier/dossier/internal/bus"
	"github.com/dossier/dossier/internal/contract"
	"github.com/dossier/dossier/internal/llm"
	"github.com/dossier/dossier/internal/llm/llmtest"
)

// modelLetter is a faithful rewording of accuse-reception for caseInput().
const modelLetter = `Madame, Monsieur,

Nous avons bien reçu, le 20 novembre 2026, votre demande relative à l'objet suivant : « inscription sur les listes électorales ». Elle est instruite par nos services (Service Relations usagers).

Elle est enregistrée sous la référence DOS-6F1C2A4E, à rappeler dans toute correspondance.

Sauf demande de pièces complémentaires, l'administration dispose de 2 mois pour vous répondre, soit jusqu'au 20 janvier 2027. À défaut de réponse à cette date, votre demande sera réputée acceptée (silence vaut acceptation).

Nous vous prions d'agréer, Madame, Monsieur, l'expression de nos salutations distinguées.`

// withModel gives the fixture a model answering with script and the real
// draft cache in the NATS key-value store.
func withModel(t *testing.T, script ...llmtest.Reply) (*legacyFixture, *llmtest.Server) {
	t.Helper()
	f := newLegacyFixture(t)
	b := f.a.Legacy.(*bus.Bus)
	if err := b.Ensure(context.Background()); err != nil {
		t.Fatal(err)
	}
	srv := llmtest.New(t, script...)
	f.a.Models = llm.Registry{Default: "local", Models: map[string]llm.Model{"local": {URL: srv.URL(), Model: "mistral-small-3.2-24b"}}}
	f.a.Drafts = b.Drafts()
	return f, srv
}

// A retry of the draft activity (after a crash between the model's answer
// and the workflow's record of it) returns the draft already written
// instead of another one: the first attempt finds none stored, asks the
// model and stores its draft; the retry finds it and gives up the model's
// request it made meanwhile.
func TestModelDraftIsWrittenOnce(t *testing.T) {
	f, srv := withModel(t, llmtest.Reply{Text: modelLetter}, llmtest.Reply{Text: "Une autre lettre.", Delay: time.Minute})
	in := draftInput(t, f.fixture, 1)
	var first, again contract.Draft
	if err := f.run(t, f.a.Draft, in, &first); err != nil {
		t.Fatal(err)
	}
	if first.Drafter != "llm" || first.Body != modelLetter || first.Model != "mistral-small-3.2-24b" || len(first.PromptHash) != 64 {
		t.Fatalf("first draft: drafter %s model %s hash %q flags %v", first.Drafter, first.Model, first.PromptHash, first.Flags)
	}
	if stored, found, err := f.a.Drafts.Get(context.Background(), testCaseID+".v1"); err != nil || !found || stored.Body != modelLetter {
		t.Fatalf("stored after the first attempt: %v %v %q", found, err, stored.Body)
	}
	if err := f.run(t, f.a.Draft, in, &again); err != nil {
		t.Fatal(err)
	}
	if again.Body != first.Body || again.PromptHash != first.PromptHash {
		t.Errorf("the retry drafted %q", again.Body)
	}
	waitCancelled(t, srv, 1)
	if first.Version != 1 || first.Template != "accuse-reception" || len(first.Mentions) < 2 {
		t.Errorf("version %d template %s mentions %d", first.Version, first.Template, len(first.Mentions))
	}
}

// A draft stored before the activity's first attempt (the case was reset
// to before its draft) is the one returned, not the model's, and stays
// stored as it was.
func TestStoredDraftWinsOverTheModel(t *testing.T) {
	f, srv := withModel(t, llmtest.Reply{Text: modelLetter, Delay: time.Minute})
	in := draftInput(t, f.fixture, 1)
	stored := contract.Draft{Version: 1, Body: "La lettre déjà écrite.", Drafter: "llm", Model: "mistral-small-3.2-24b"}
	if _, err := f.a.Drafts.Put(context.Background(), testCaseID+".v1", stored); err != nil {
		t.Fatal(err)
	}
	var d contract.Draft
	if err := f.run(t, f.a.Draft, in, &d); err != nil {
		t.Fatal(err)
	}
	if d.Body != stored.Body {
		t.Errorf("drafted %q, want the stored draft", d.Body)
	}
	waitCancelled(t, srv, 0)
	if again, _, err := f.a.Drafts.Get(context.Background(), testCaseID+".v1"); err != nil || again.Body != stored.Body {
		t.Errorf("stored now: %q, %v", again.Body, err)
	}
}

// A draft cache that cannot be read fails the attempt, to be retried,
// rather than draft a version that may already exist; the model's request
// is given up.
func TestUnreadableDraftCacheFailsTheAttempt(t *testing.T) {
	f, srv := withModel(t, llmtest.Reply{Text: modelLetter, Delay: time.Minute})
	f.a.Drafts = brokenDrafts{}
	err := f.run(t, f.a.Draft, draftInput(t, f.fixture, 1), nil)
	if err == nil || !strings.Contains(err.Error(), "drafts unreachable") {
		t.Fatalf("err = %v, want the cache's", err)
	}
	waitCancelled(t, srv, 0)
}

// The draft cache is read while the model is asked, not before: its read
// is off the case's way. A cache that answers only once the model has the
// request sees it there; on a miss, the model's draft is the one stored
// and returned.
func TestTheModelIsAskedWhileTheCacheIsRead(t *testing.T) {
	f, srv := withModel(t, llmtest.Reply{Text: modelLetter})
	slow := &slowDrafts{DraftCache: f.a.Drafts, srv: srv}
	f.a.Drafts = slow
	var d contract.Draft
	if err := f.run(t, f.a.Draft, draftInput(t, f.fixture, 1), &d); err != nil {
		t.Fatal(err)
	}
	if !slow.sawRequest {
		t.Error("the model was not asked while the cache was read")
	}
	if stored, found, err := slow.DraftCache.Get(context.Background(), testCaseID+".v1"); d.Body != modelLetter || !found || err != nil || stored.Body != d.Body {
		t.Errorf("drafted %q; stored %v %v %q", d.Body, found, err, stored.Body)
	}
}

// slowDrafts is a draft cache whose reads wait until the model received a
// request, for 10 seconds at most.
type slowDrafts struct {
	DraftCache
	srv        *llmtest.Server
	sawRequest bool
}

func (s *slowDrafts) Get(ctx context.Context, key string) (contract.Draft, bool, error) {
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline) && !s.sawRequest; {
		s.sawRequest = len(s.srv.Asked()) > 0
		time.Sleep(time.Millisecond)
	}
	return s.DraftCache.Get(ctx, key)
}

type brokenDrafts struct{}

func (brokenDrafts) Get(context.Context, string) (contract.Draft, bool, error) {
	return contract.Draft{}, false, errors.New("drafts unreachable")
}

func (brokenDrafts) Put(_ context.Context, _ string, d contract.Draft) (contract.Draft, error) {
	return d, errors.New("drafts unreachable")
}

// waitCancelled waits until every request the model received after the
// first answered ones was given up by the activity. A request given up
// before it reached the model is not received at all.
func waitCancelled(t *testing.T, srv *llmtest.Server, answered int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for srv.Cancelled() != len(srv.Asked())-answered {
		if time.Now().After(deadline) {
			t.Fatalf("the model received %d requests, answered %d and saw %d given up", len(srv.Asked()), answered, srv.Cancelled())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// A request for changes reaches the model with the comment and the draft
// it is about; the new version is checked like the first.
func TestRequestChangesRedraftsWithTheComment(t *testing.T) {
	f, srv := withModel(t, llmtest.Reply{Text: modelLetter})
	in := draftInput(t, f.fixture, 2)
	in.Comment, in.PreviousBody = "Indiquez le service qui instruit la demande.", "Version 1 du courrier."
	var d contract.Draft
	if err := f.run(t, f.a.Draft, in, &d); err != nil {
		t.Fatal(err)
	}
	prompt := srv.Asked()[0].Messages[1].Content
	if !strings.Contains(prompt, in.Comment) || !strings.Contains(prompt, in.PreviousBody) || d.Comment != in.Comment || d.Version != 2 {
		t.Errorf("comment not carried: draft %+v\nprompt:\n%s", d, prompt)
	}
}
