package main_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"go.temporal.io/sdk/client"

	"github.com/dossier/dossier/internal/bus"
	"github.com/dossier/dossier/internal/contract"
	"github.com/dossier/dossier/internal/devstack"
)

// TestAuditVerify runs `dossier audit verify` against a dev stack whose
// cases left records on the audit chain and whose nightly digest was
// taken: all is well; then a stored letter is altered, a chain record is
// rewritten, and one is removed, and each is reported precisely, with
// status 1.
func TestAuditVerify(t *testing.T) {
	app := devstack.New(devstack.Options{DataDir: t.TempDir(), HTTPAddr: "127.0.0.1:0", NoUI: true, NoDemo: true,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if err := app.Start(ctx); err != nil {
		t.Fatal(err)
	}
	defer app.Close()
	id := sentLetter(t, app)
	digest := nightlyDigest(t, ctx, app)

	out, err := verify(t, app, "--all")
	if err != nil || !strings.Contains(out, "OK: no break found") || !strings.Contains(out, "Letters: 1 checked, 1 match") {
		t.Fatalf("a clean trail: %v\n%s", err, out)
	}
	if out, err := verify(t, app, id); err != nil || !strings.Contains(out, "Case "+id+": 7 records") {
		t.Errorf("one case: %v\n%s", err, out)
	}

	t.Run("altered letter", func(t *testing.T) {
		obj := "cases/" + id + "/letter-v1.pdf"
		orig, err := app.Bus().Documents().Get(ctx, obj)
		if err != nil {
			t.Fatal(err)
		}
		forged := bytes.Replace(orig, []byte("%PDF"), []byte("%PDF "), 1)
		if err := app.Bus().Documents().Put(ctx, obj, forged); err != nil {
			t.Fatal(err)
		}
		defer func() { _ = app.Bus().Documents().Put(ctx, obj, orig) }()
		out, err := verify(t, app, "--all")
		if err == nil || !strings.Contains(out, "BROKEN case "+id+": the stored letter "+obj+" has the SHA-256") {
			t.Errorf("an altered letter: %v\n%s", err, out)
		}
	})

	records := chainMessages(t, ctx, app)
	t.Run("rewritten record", func(t *testing.T) {
		approved := indexOf(t, records, contract.EventApproved)
		rewriteChain(t, ctx, app, records, func(i int, r *contract.AuditRecord) bool {
			if i == approved {
				r.Actor = "quelqu-un-d-autre" // the hash is left as it was
			}
			return true
		}, false)
		out, err := verify(t, app, "--all")
		want := fmt.Sprintf("BROKEN record #%d, stream seq", records[approved].Index)
		if err == nil || !strings.Contains(out, want) || !strings.Contains(out, "event approved: its content does not match its hash") {
			t.Errorf("a rewritten record: %v\n%s", err, out)
		}
	})
	t.Run("removed record", func(t *testing.T) {
		drafted := indexOf(t, records, contract.EventDrafted)
		rewriteChain(t, ctx, app, records, func(i int, _ *contract.AuditRecord) bool { return i != drafted }, false)
		out, err := verify(t, app, "--all")
		n := records[drafted].Index
		want := fmt.Sprintf("record #%d, stream seq", n+1)
		if !strings.Contains(out, fmt.Sprintf("record #%d is missing: the chain goes from #%d to #%d", n, n-1, n+1)) {
			t.Errorf("the missing record is not named:\n%s", out)
		}
		if err == nil || !strings.Contains(out, want) {
			t.Errorf("a removed record: %v\n%s", err, out)
		}
	})
	t.Run("chain rewritten after its digest", func(t *testing.T) {
		rewriteChain(t, ctx, app, records, func(_ int, r *contract.AuditRecord) bool {
			if r.Type == contract.EventApproved {
				r.Actor = "quelqu-un-d-autre"
			}
			return true
		}, true)
		out, err := verify(t, app, "--all")
		if err == nil || !strings.Contains(out, "the digest of "+digest.Day+" gives this record the hash") {
			t.Errorf("a chain rewritten whole, hashes and links too: %v\n%s", err, out)
		}
	})
}

// sentLetter submits a case, lets a refused attempt and the approval
// through, and waits for the letter to be sent.
func sentLetter(t *testing.T, app *devstack.App) string {
	t.Helper()
	body := `{"template":"accuse-reception","language":"fr","applicant":{"name":"Maëlle Roussel","email":"m@example.org","address":["1 rue A","49000 Montreuil-sur-Loire"]},
	  "facts":{"request_subject":"carte de stationnement","received_on":"` + time.Now().AddDate(0, 0, -2).Format(time.DateOnly) + `"}}`
	var created struct{ ID string }
	call(t, app, "dev-legacy", "POST", "/api/v1/cases", body, http.StatusCreated, &created)
	wait(t, app, created.ID, contract.StageAwaitingApproval)
	call(t, app, "dev-camille", "POST", "/api/v1/cases/"+created.ID+"/review", `{"decision":"approve","version":7}`, http.StatusConflict, nil)
	call(t, app, "dev-camille", "POST", "/api/v1/cases/"+created.ID+"/review", `{"decision":"approve","version":1}`, http.StatusOK, nil)
	wait(t, app, created.ID, contract.StageCompleted)
	return created.ID
}

func call(t *testing.T, app *devstack.App, token, method, path, body string, status int, out any) {
	t.Helper()
	req, _ := http.NewRequest(method, app.HTTPURL+path, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != status {
		t.Fatalf("%s %s: %d, want %d: %s", method, path, resp.StatusCode, status, raw)
	}
	if out != nil {
		_ = json.Unmarshal(raw, out)
	}
}

func wait(t *testing.T, app *devstack.App, id string, stage contract.Stage) {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		var c struct{ Stage contract.Stage }
		call(t, app, "dev-dominique", "GET", "/api/v1/cases/"+id, "", http.StatusOK, &c)
		if c.Stage == stage {
			return
		}
	}
	t.Fatalf("case %s never reached %s", id, stage)
}

// nightlyDigest runs the digest schedule now and returns the digest it
// published.
func nightlyDigest(t *testing.T, ctx context.Context, app *devstack.App) contract.AuditDigest {
	t.Helper()
	h := app.Client().ScheduleClient().GetHandle(ctx, contract.ScheduleAuditDigest)
	if err := h.Trigger(ctx, client.ScheduleTriggerOptions{}); err != nil {
		t.Fatalf("the digest schedule: %v", err)
	}
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
		if ds, err := app.Bus().ReadDigests(ctx); err == nil && len(ds) == 1 {
			if ds[0].Index == 0 || len(ds[0].Hash) != 64 {
				t.Fatalf("digest %+v names no record", ds[0])
			}
			return ds[0]
		}
	}
	t.Fatal("no digest on dossier.audit.digest")
	return contract.AuditDigest{}
}

func verify(t *testing.T, app *devstack.App, args ...string) (string, error) {
	t.Helper()

	cmd := exec.Command(buildDossier(t), append([]string{"audit", "verify", "--temporal", app.TemporalAddr, "--nats", app.NATSURL}, args...)...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	if ee, ok := err.(*exec.ExitError); ok && ee.ExitCode() != 1 {
		t.Fatalf("audit verify exited %d, want 0 or 1:\n%s", ee.ExitCode(), out.String())
	}
	t.Logf("dossier audit verify %s:\n%s", strings.Join(args, " "), out.String())
	return out.String(), err
}

// chainMessages reads the audit chain as it stands.
func chainMessages(t *testing.T, ctx context.Context, app *devstack.App) []contract.AuditRecord {
	t.Helper()
	entries, err := app.Bus().ReadChain(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var out []contract.AuditRecord
	for _, e := range entries {
		out = append(out, e.Record)
	}
	return out
}

func indexOf(t *testing.T, recs []contract.AuditRecord, typ string) int {
	for i, r := range recs {
		if r.Type == typ {
			return i
		}
	}
	t.Fatalf("no %s record in the chain", typ)
	return -1
}

// rewriteChain plays someone with write access to the audit stream:
// it purges the chain and publishes the records again, changed or left
// out by edit; with fix, the forger also recomputes the hashes and links.
func rewriteChain(t *testing.T, ctx context.Context, app *devstack.App, recs []contract.AuditRecord, edit func(i int, r *contract.AuditRecord) bool, fix bool) {
	t.Helper()
	stream, err := app.Bus().JS.Stream(ctx, bus.StreamAudit)
	if err != nil {
		t.Fatal(err)
	}
	if err := stream.Purge(ctx, jetstream.WithPurgeSubject(bus.SubjectChain)); err != nil {
		t.Fatal(err)
	}
	prev := contract.GenesisHash
	for i, r := range recs {
		if !edit(i, &r) {
			continue
		}
		if fix {
			r.Prev = prev
			r.Hash = r.ComputeHash()
			prev = r.Hash
		}
		raw, _ := json.Marshal(r)
		if _, err := app.Bus().JS.Publish(ctx, bus.SubjectChain, raw); err != nil {
			t.Fatal(err)
		}
	}
}
