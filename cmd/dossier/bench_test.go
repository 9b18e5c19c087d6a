package main_test

import (
	"bytes"
	"encoding/json"
	"os/exec"
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
