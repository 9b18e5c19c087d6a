package main_test

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestBenchLetters runs `dossier bench letters` as a user does, with a few
// letters: a table by default, the same figures as JSON with --json, and
// progress on stderr. A Chromium that does not exist is an error, not a
// silent skip.
func TestBenchLetters(t *testing.T) {
	bin := buildDossier(t)
	var stdout, stderr bytes.Buffer
	cmd := exec.Command(bin, "bench", "letters", "--n", "9", "--rounds", "1", "--chromium-n", "1", "--json")
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("bench letters --json: %v\n%s", err, stderr.Bytes())
	}
	var rep struct {
		Renderer struct {
			Letters int     `json:"letters"`
			PerCore float64 `json:"letters_per_second_per_core"`
		} `json:"renderer"`
	}
	if err := json.Unmarshal(stdout.Bytes(), &rep); err != nil || rep.Renderer.Letters != 9 || rep.Renderer.PerCore <= 0 {
		t.Errorf("JSON %+v (%v):\n%s", rep, err, stdout.Bytes())
	}
	if !strings.Contains(stderr.String(), "renderer: round 1/1") {
		t.Errorf("no progress on stderr:\n%s", stderr.Bytes())
	}
	out, err := exec.Command(bin, "bench", "letters", "--n", "9", "--rounds", "1", "--chromium", "/nonexistent/chromium").CombinedOutput()
	if err == nil || !strings.Contains(string(out), "/nonexistent/chromium") {
		t.Errorf("a missing --chromium binary: %v\n%s", err, out)
	}
}

// TestBenchOverheadProfiles runs `dossier bench overhead` on one case with
// --cpuprofile and --trace: the figures come out as JSON, and both files
// are written (a gzipped profile, a trace with its header).
func TestBenchOverheadProfiles(t *testing.T) {
	bin := buildDossier(t)
	dir := t.TempDir()
	prof, trace := filepath.Join(dir, "cpu.pprof"), filepath.Join(dir, "run.trace")
	var stdout, stderr bytes.Buffer
	cmd := exec.Command(bin, "bench", "overhead", "--n", "1", "--llm-latency", "50ms", "--json", "--cpuprofile", prof, "--trace", trace)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("bench overhead: %v\n%s", err, stderr.Bytes())
	}
	var res struct {
		Cases int `json:"cases"`
	}
	if err := json.Unmarshal(stdout.Bytes(), &res); err != nil || res.Cases != 1 {
		t.Errorf("JSON %+v (%v):\n%s", res, err, stdout.Bytes())
	}
	if zr, err := gzip.NewReader(mustOpen(t, prof)); err != nil {
		t.Errorf("CPU profile: %v", err)
	} else if n, err := io.Copy(io.Discard, zr); err != nil || n == 0 {
		t.Errorf("CPU profile: %d bytes, %v", n, err)
	}
	if raw, err := os.ReadFile(trace); err != nil || !bytes.HasPrefix(raw, []byte("go 1.")) {
		t.Errorf("trace: %v, starts with %q", err, raw[:min(len(raw), 16)])
	}
}

func mustOpen(t *testing.T, path string) *os.File {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}
