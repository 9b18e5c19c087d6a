package main_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

// binary is the dossier binary built once for this package's tests.
var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "dossier-bin-")
	if err != nil {
		panic(err)
	}
	binary = filepath.Join(dir, "dossier")
	if out, err := exec.Command("go", "build", "-o", binary, ".").CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "go build: %v\n%s", err, out)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// buildDossier returns the binary a user runs.
func buildDossier(t *testing.T) string {
	t.Helper()
	return binary
}

// devProcess is a running `dossier dev`.
type devProcess struct {
	cmd      *exec.Cmd
	api      string
	temporal string // Temporal's gRPC host:port
	stderr   *bytes.Buffer
}

var (
	apiLine      = regexp.MustCompile(`Web app\s+(http://[^/\s]+)`)
	temporalLine = regexp.MustCompile(`Temporal gRPC\s+(\S+)`)
)

// startDev runs `dossier dev` on free ports and waits for its ready block;
// flags in more replace the defaults (the last one given wins).
func startDev(t *testing.T, bin, dataDir string, more ...string) *devProcess {
	t.Helper()
	args := []string{"dev", "--data", dataDir, "--http", "127.0.0.1:0",
		"--temporal-port", "0", "--nats-port", "0", "--ui-port", "0", "--smtp-port", "0", "--no-ui"}
	cmd := exec.Command(bin, append(args, more...)...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	p := &devProcess{cmd: cmd, stderr: &bytes.Buffer{}}
	cmd.Stderr = p.stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	ready := make(chan [2]string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		var api string
		for sc.Scan() {
			if m := apiLine.FindStringSubmatch(sc.Text()); m != nil {
				api = m[1]
			}
			if m := temporalLine.FindStringSubmatch(sc.Text()); m != nil {
				ready <- [2]string{api, m[1]}
			}
		}
	}()
	select {
	case addrs := <-ready:
		p.api, p.temporal = addrs[0], addrs[1]
	case <-time.After(90 * time.Second):
		t.Fatalf("dossier dev printed no ready block in 90s; stderr:\n%s", p.stderr)
	}
	return p
}

func (p *devProcess) call(t *testing.T, method, path, token, body string) (int, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest(method, p.api+path, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var out map[string]any
	_ = json.Unmarshal(raw, &out)
	return resp.StatusCode, out
}

func (p *devProcess) waitStage(t *testing.T, id, stage string) {
	t.Helper()
	for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
		if status, c := p.call(t, "GET", "/api/v1/cases/"+id, "dev-camille", ""); status == 200 && c["stage"] == stage {
			return
		}
	}
	t.Fatalf("case %s did not reach %s", id, stage)
}

const submission = `{"template":"accuse-reception","language":"fr",
 "applicant":{"name":"Zoë Lefèvre-Œuvray","email":"zoe@example.org","address":["12 rue des Écoles","44000 Nantes"]},
 "facts":{"request_subject":"inscription sur les listes électorales","received_on":"2026-11-20"}}`

// TestDevSurvivesKillAndStopsCleanly runs the binary as a user does: a
// case waiting for approval survives `kill -9`, and Ctrl-C (SIGINT) stops
// the stack cleanly with exit status 0.
func TestDevSurvivesKillAndStopsCleanly(t *testing.T) {
	bin := buildDossier(t)
	data := t.TempDir()
	first := startDev(t, bin, data)
	status, created := first.call(t, "POST", "/api/v1/cases", "dev-legacy", submission)
	if status != http.StatusCreated {
		t.Fatalf("submit: %d %v", status, created)
	}
	id, _ := created["id"].(string)
	first.waitStage(t, id, "awaiting_approval")
	if err := first.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = first.cmd.Wait()

	second := startDev(t, bin, data)
	status, res := second.call(t, "POST", "/api/v1/cases/"+id+"/review", "dev-camille", `{"decision":"approve","version":1}`)
	if status != http.StatusOK {
		t.Fatalf("approve after kill -9 and restart: %d %v", status, res)
	}
	second.waitStage(t, id, "completed")
	if status, list := second.call(t, "GET", "/api/v1/cases", "dev-dominique", ""); status != 200 || len(list["cases"].([]any)) != 4 {
		t.Errorf("after restart: %d, %v; want the 3 demo cases and ours", status, list)
	}

	if err := second.cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- second.cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("exit after Ctrl-C: %v; stderr:\n%s", err, second.stderr)
		}
	case <-time.After(30 * time.Second):
		t.Fatalf("still running 30s after Ctrl-C; stderr:\n%s", second.stderr)
	}
	if !strings.Contains(second.stderr.String(), "stopped cleanly") {
		t.Errorf("no clean-stop message; stderr:\n%s", second.stderr)
	}
}

func TestBadFlagsAreRefused(t *testing.T) {
	bin := buildDossier(t)
	tests := []struct {
		args     []string
		wantCode int // 2 for a command line that does not parse, 1 for a run that fails
	}{
		{[]string{"dev", "--temporal-port", "seven"}, 2}, {[]string{"dev", "--bogus"}, 2},
		{[]string{"api", "--accounts", ""}, 1}, {[]string{"frobnicate"}, 2},
	}
	for _, tt := range tests {
		out, err := exec.Command(bin, tt.args...).CombinedOutput()
		if exit, ok := err.(*exec.ExitError); !ok || exit.ExitCode() != tt.wantCode {
			t.Errorf("dossier %v: %v, want exit status %d; output:\n%s", tt.args, err, tt.wantCode, out)
		}
	}
}

// TestTemplatesCommands runs the template authors' commands on the shipped
// catalogue and on a copy with a released version edited in place.
func TestTemplatesCommands(t *testing.T) {
	bin := buildDossier(t)
	out, err := exec.Command(bin, "templates", "check").CombinedOutput()
	if err != nil || !strings.Contains(string(out), "0 with problems") {
		t.Fatalf("templates check on the shipped catalogue: %v\n%s", err, out)
	}
	out, err = exec.Command(bin, "templates", "list").CombinedOutput()
	if err != nil || !strings.Contains(string(out), "subvention-refus") {
		t.Errorf("templates list: %v\n%s", err, out)
	}
	out, err = exec.Command(bin, "templates", "show", "occupation-domaine-public").CombinedOutput()
	if err != nil || !strings.Contains(string(out), "voirie.emplacement") {
		t.Errorf("templates show: %v\n%s", err, out)
	}

	dir := copyTemplates(t)
	body := filepath.Join(dir, "accuse-reception", "fr.tmpl")
	raw, _ := os.ReadFile(body)
	if err := os.WriteFile(body, append(raw, []byte("\n{{.Facts.colour}}\n")...), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err = exec.Command(bin, "templates", "check", "--dir", dir).CombinedOutput()
	for _, want := range []string{"FAIL  accuse-reception@1", "changed after release", "map has no entry for key \"colour\""} {
		if err == nil || !strings.Contains(string(out), want) {
			t.Errorf("templates check of an edited release: %v, want a failure saying %q\n%s", err, want, out)
		}
	}
	if out, err := exec.Command(bin, "templates", "lock", "--dir", dir).CombinedOutput(); err == nil {
		t.Errorf("templates lock rewrote a released version's hash:\n%s", out)
	}
}

func copyTemplates(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	src := filepath.Join("..", "..", "templates")
	err := filepath.WalkDir(src, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, path)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dir, rel), 0o755)
		}
		raw, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dir, rel), raw, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dir
}
