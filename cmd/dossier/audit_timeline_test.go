package main_test

import (
	"encoding/json"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/dossier/dossier/internal/audit"
	"github.com/dossier/dossier/internal/pdf/pdftest"
)

// freePort returns a TCP port free on the loopback right now.
func freePort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return strconv.Itoa(l.Addr().(*net.TCPAddr).Port)
}

// auditedCase runs `dossier dev`, has a case approved after a stale
// approval was refused, and returns the case id and the environment that
// points the auditors' commands at that stack.
func auditedCase(t *testing.T, bin string) (string, []string) {
	t.Helper()
	temporalPort, natsPort := freePort(t), freePort(t)
	dev := startDev(t, bin, t.TempDir(), "--temporal-port", temporalPort, "--nats-port", natsPort, "--no-demo")
	status, created := dev.call(t, "POST", "/api/v1/cases", "dev-legacy", submission)
	if status != http.StatusCreated {
		t.Fatalf("submit: %d %v", status, created)
	}
	id, _ := created["id"].(string)
	dev.waitStage(t, id, "awaiting_approval")
	if status, res := dev.call(t, "POST", "/api/v1/cases/"+id+"/review", "dev-camille", `{"decision":"approve","version":2}`); status != http.StatusConflict {
		t.Fatalf("approve a version that does not exist: %d %v, want 409", status, res)
	}
	if status, res := dev.call(t, "POST", "/api/v1/cases/"+id+"/review", "dev-camille", `{"decision":"approve","version":1}`); status != http.StatusOK {
		t.Fatalf("approve: %d %v", status, res)
	}
	dev.waitStage(t, id, "completed")
	env := append(os.Environ(), "DOSSIER_TEMPORAL_ADDRESS=127.0.0.1:"+temporalPort, "DOSSIER_NATS_URL=nats://127.0.0.1:"+natsPort)
	return id, env
}

func auditRun(t *testing.T, bin string, env []string, args ...string) string {
	t.Helper()
	cmd := exec.Command(bin, append([]string{"audit"}, args...)...)
	cmd.Env = env
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("dossier audit %v: %v\n%s", args, err, out)
	}
	return string(out)
}

// TestAuditCommands reads a case the dev stack handled, as an auditor
// does: the timeline from Temporal with the refused attempt from NATS, and
// the explanation the citizen may ask for, as text and as a PDF.
func TestAuditCommands(t *testing.T) {
	bin := buildDossier(t)
	id, env := auditedCase(t, bin)

	text := auditRun(t, bin, env, "timeline", id)
	for _, want := range []string{"Case DOS-", "prefilling", "awaiting_approval", "approve by camille (Camille Martin) on v1",
		"Refused attempts", "draft version 2 is stale", "SHA-256", "email  sent"} {
		if !strings.Contains(text, want) {
			t.Errorf("audit timeline lacks %q:\n%s", want, text)
		}
	}
	var tl audit.Timeline
	if err := json.Unmarshal([]byte(auditRun(t, bin, env, "timeline", "--json", id)), &tl); err != nil {
		t.Fatalf("audit timeline --json: %v", err)
	}
	if tl.CaseID != id || tl.Letter == nil || len(tl.Letter.SHA256) != 64 || len(tl.Refused) != 1 || len(tl.Problems) != 0 {
		t.Errorf("audit timeline --json: case %s, letter %+v, refused %+v, problems %v", tl.CaseID, tl.Letter, tl.Refused, tl.Problems)
	}

	explained := strings.Join(strings.Fields(auditRun(t, bin, env, "explain", id)), " ")
	for _, want := range []string{"Explication du traitement de votre demande", "rédigé à partir d'un modèle de lettre, sans intelligence artificielle",
		"approuvé par Camille Martin", "Objet de la demande : « inscription sur les listes électorales », fournie dans votre demande"} {
		if !strings.Contains(explained, want) {
			t.Errorf("audit explain does not say %q:\n%s", want, explained)
		}
	}
	file := filepath.Join(t.TempDir(), "explication.pdf")
	if out := auditRun(t, bin, env, "explain", "-o", file, id); out != "" {
		t.Errorf("audit explain -o printed %q, want the PDF only", out)
	}
	raw, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if text := strings.Join(strings.Fields(pdftest.Text(t, raw)), " "); !strings.Contains(text, "sans intelligence artificielle") ||
		!strings.Contains(text, "approuvé par Camille Martin") {
		t.Errorf("audit explain -o: the PDF says:\n%s", text)
	}
}
