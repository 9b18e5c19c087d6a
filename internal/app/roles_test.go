package app_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"go.temporal.io/server/temporaltest"

	"github.com/dossier/dossier/config"
	"github.com/dossier/dossier/internal/app"
	"github.com/dossier/dossier/internal/bridge"
	"github.com/dossier/dossier/internal/bus/bustest"
	"github.com/dossier/dossier/internal/contract"
	"github.com/dossier/dossier/internal/intake"
)

// TestProductionRoles runs the worker, the API and the bridge as separate
// roles against a Temporal server and a nats-server that Dossier did not
// start, the way docker-compose runs them, starting the API first and the
// worker last.
func TestProductionRoles(t *testing.T) {
	temporalAddr := temporaltest.NewServer(temporaltest.WithT(t)).GetFrontendHostPort()
	natsURL := bustest.Server(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	connect := func(role string) *app.Conn {
		conn, err := app.Connect(ctx, app.ConnectOptions{TemporalAddr: temporalAddr, NATSURL: natsURL, Name: role,
			Config: config.Dev(), Logger: logger})
		if err != nil {
			t.Fatalf("%s: %v", role, err)
		}
		t.Cleanup(conn.Close)
		return conn
	}
	roleCtx, stopRoles := context.WithCancel(ctx)
	var roles sync.WaitGroup
	run := func(role string, f func(*app.Conn) error) {
		conn := connect(role)
		roles.Go(func() {
			if err := f(conn); err != nil {
				t.Errorf("%s: %v", role, err)
			}
		})
	}
	httpAddr := freeAddr(t)
	outbox := t.TempDir()
	run("api", func(c *app.Conn) error { return c.RunAPI(roleCtx, httpAddr, config.Dev().Accounts) })
	run("bridge", func(c *app.Conn) error { return c.RunBridge(roleCtx) })
	waitHealth(t, "http://"+httpAddr, http.StatusServiceUnavailable, "no worker polls")
	run("worker", func(c *app.Conn) error { return c.RunWorker(roleCtx, app.WorkerOptions{OutboxDir: outbox}) })
	// Registered after the connections, so it runs before they close.
	t.Cleanup(func() { stopRoles(); roles.Wait() })

	nc, err := nats.Connect(natsURL)
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	js, _ := jetstream.New(nc)
	raw, _ := json.Marshal(contract.Submission{Template: "accuse-reception", Language: "fr",
		Applicant: contract.Applicant{Name: "Émile Brontë", Email: "emile@example.org", Address: []string{"2 quai Branly", "75007 Paris"}},
		Facts:     map[string]string{"request_subject": "carte de stationnement résident", "received_on": "2026-11-25"}})
	if _, err := js.Publish(ctx, "dossier.cases.submit", raw, jetstream.WithMsgID("crm-77")); err != nil {
		t.Fatal(err)
	}
	id := intake.CaseID("nats", bridge.Submitter.ID, "crm-77")
	base := "http://" + httpAddr
	waitStage(t, base, id, contract.StageAwaitingApproval)
	status, body := call(t, "POST", base+"/api/v1/cases/"+id+"/review", `{"decision":"approve","version":1}`)
	if status != http.StatusOK {
		t.Fatalf("approve: %d %s", status, body)
	}
	waitStage(t, base, id, contract.StageCompleted)
	if emails, _ := filepath.Glob(filepath.Join(outbox, "*.eml")); len(emails) != 1 {
		t.Errorf("worker outbox holds %d emails, want 1", len(emails))
	}
	waitHealth(t, base, http.StatusOK, `"worker": "ok"`)
}

// waitHealth waits until /healthz answers status with a body containing want.
func waitHealth(t *testing.T, base string, status int, want string) {
	t.Helper()
	var got int
	var body []byte
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if got, body = call(t, "GET", base+"/healthz", ""); got == status && bytes.Contains(body, []byte(want)) {
			return
		}
	}
	t.Fatalf("healthz answered %d %s, want %d with %q", got, body, status, want)
}

func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

func call(t *testing.T, method, url, body string) (int, []byte) {
	t.Helper()
	req, _ := http.NewRequest(method, url, bytes.NewBufferString(body))
	req.Header.Set("Authorization", "Bearer dev-camille")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, []byte(err.Error())
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, out
}

func waitStage(t *testing.T, base, id string, stage contract.Stage) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		status, body := call(t, "GET", base+"/api/v1/cases/"+id, "")
		var st contract.CaseState
		if status == http.StatusOK && json.Unmarshal(body, &st) == nil && st.Stage == stage {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("case %s did not reach %s: %d %s", id, stage, status, body)
		}
		time.Sleep(200 * time.Millisecond)
	}
}
