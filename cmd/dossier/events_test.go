package main_test

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	natsserver "github.com/nats-io/nats-server/v2/server"

	"github.com/dossier/dossier/activities"
	"github.com/dossier/dossier/internal/bus"
	"github.com/dossier/dossier/internal/contract"
)

const (
	caseA = "0b8e3a52-6c1f-5d2e-9a47-1f0c2b7d9e11"
	caseB = "7f21c9d4-2b3a-5e8f-8c10-4d6e9a0b3c22"
)

// TestEventsTail follows the events a worker publishes on an embedded
// nats-server: from now for one case, as JSON from a sequence, from a
// time; Ctrl-C and SIGTERM stop it with status 0.
func TestEventsTail(t *testing.T) {
	url, publish := eventsNATS(t)
	publish(t, contract.Event{Type: contract.EventSubmitted, CaseID: caseA, Stage: contract.StagePrefilling}) // seq 1
	publish(t, contract.Event{Type: contract.EventSubmitted, CaseID: caseB, Stage: contract.StagePrefilling}) // seq 2
	time.Sleep(20 * time.Millisecond)
	mark := time.Now()
	publish(t, contract.Event{Type: contract.EventDrafted, CaseID: caseA, Stage: contract.StageAwaitingApproval, Version: 1}) // seq 3

	t.Run("from now, one case", func(t *testing.T) {
		tail := startTail(t, "--nats", url, "--case", caseA)
		publish(t, contract.Event{Type: contract.EventChangesRequested, CaseID: caseA, Stage: contract.StageDrafting, Version: 1,
			Actor: "camille", Reason: "préciser la date"})
		publish(t, contract.Event{Type: contract.EventApproved, CaseID: caseB, Stage: contract.StageRendering, Version: 1, Actor: "camille"})
		publish(t, contract.Event{Type: contract.EventApproved, CaseID: caseA, Stage: contract.StageRendering, Version: 2, Actor: "dominique"})
		wants := [][]string{
			{caseA, "changes_requested", "drafting", "camille", "v1", `reason="préciser la date"`},
			{caseA, "approved", "rendering", "dominique", "v2"},
		}
		for _, want := range wants {
			line := tail.next(t)
			for _, w := range want {
				if !strings.Contains(line, w) {
					t.Errorf("line %q lacks %q", line, w)
				}
			}
		}
		tail.stop(t, os.Interrupt)
	})
	t.Run("json from a sequence", func(t *testing.T) {
		tail := startTail(t, "--nats", url, "--seq", "2", "--json")
		defer tail.stop(t, syscall.SIGTERM)
		for _, want := range []string{caseB + ".submitted.0", caseA + ".drafted.1", caseA + ".changes_requested.1", caseB + ".approved.1", caseA + ".approved.2"} {
			line := tail.next(t)
			var env contract.Envelope
			if err := json.Unmarshal([]byte(line), &env); err != nil || env.ID != want || env.SpecVersion != "1.0" || env.Subject != env.Data.CaseID {
				t.Errorf("line %q: %v; want the envelope %s", line, err, want)
			}
		}
	})
	t.Run("since a time", func(t *testing.T) {
		for since, first := range map[string]string{mark.Format(time.RFC3339Nano): "drafted", "1h": "submitted"} {
			tail := startTail(t, "--nats", url, "--since", since, "--case", caseA)
			if line := tail.next(t); !strings.Contains(line, first) {
				t.Errorf("--since %s: first line %q, want the %s event", since, line, first)
			}
			tail.stop(t, os.Interrupt)
		}
	})
}

func TestEventsTailRefusesBadFlags(t *testing.T) {
	tests := []struct {
		args     []string
		wantCode int
		wantErr  string
	}{
		{[]string{"--since", "yesterday"}, 2, "--since: want a duration"},
		{[]string{"--since", "1h", "--seq", "3"}, 2, "can't be used together"},
		{[]string{"--seq", "-1"}, 2, "--seq"},
		{[]string{"--follow"}, 2, "unknown flag --follow"},
		{[]string{"--nats", "nats://127.0.0.1:1"}, 1, "connect"},
	}
	for _, tt := range tests {
		out, err := exec.Command(binary, append([]string{"events", "tail"}, tt.args...)...).CombinedOutput()
		var exit *exec.ExitError
		if !errors.As(err, &exit) || exit.ExitCode() != tt.wantCode || !strings.Contains(string(out), tt.wantErr) {
			t.Errorf("events tail %v: %v, want exit status %d saying %q; output:\n%s", tt.args, err, tt.wantCode, tt.wantErr, out)
		}
	}
}

// eventsNATS runs a nats-server with Dossier's streams and returns its URL
// and a function that publishes an event as the worker does.
func eventsNATS(t *testing.T) (string, func(*testing.T, contract.Event)) {
	t.Helper()
	ns, err := natsserver.NewServer(&natsserver.Options{Host: "127.0.0.1", Port: natsserver.RANDOM_PORT,
		JetStream: true, StoreDir: t.TempDir(), NoSigs: true})
	if err != nil {
		t.Fatal(err)
	}
	ns.Start()
	t.Cleanup(ns.Shutdown)
	if !ns.ReadyForConnections(10 * time.Second) {
		t.Fatal("nats-server not ready")
	}
	b, err := bus.Dial(ns.ClientURL(), "events-test")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(b.Close)
	if err := b.Ensure(context.Background()); err != nil {
		t.Fatal(err)
	}
	worker := &activities.Activities{Events: b}
	return ns.ClientURL(), func(t *testing.T, e contract.Event) {
		t.Helper()
		e.Template, e.Time = "accuse-reception", time.Now()
		if _, err := worker.PublishEvent(context.Background(), e); err != nil {
			t.Fatal(err)
		}
	}
}

// tailProcess is a running `dossier events tail`.
type tailProcess struct {
	cmd    *exec.Cmd
	lines  chan string
	mu     sync.Mutex
	stderr strings.Builder
}

// startTail runs `dossier events tail args…` and waits until it follows
// the stream.
func startTail(t *testing.T, args ...string) *tailProcess {
	t.Helper()
	p := &tailProcess{cmd: exec.Command(binary, append([]string{"events", "tail"}, args...)...), lines: make(chan string, 64)}
	stdout, _ := p.cmd.StdoutPipe()
	stderr, _ := p.cmd.StderrPipe()
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = p.cmd.Process.Kill(); _ = p.cmd.Wait() })
	go func() {
		for sc := bufio.NewScanner(stdout); sc.Scan(); {
			p.lines <- sc.Text()
		}
	}()
	ready := make(chan struct{})
	go func() {
		for sc := bufio.NewScanner(stderr); sc.Scan(); {
			p.mu.Lock()
			p.stderr.WriteString(sc.Text() + "\n")
			p.mu.Unlock()
			if strings.HasPrefix(sc.Text(), "Following") {
				close(ready)
			}
		}
	}()
	select {
	case <-ready:
	case <-time.After(10 * time.Second):
		t.Fatalf("events tail %v did not start in 10s; stderr:\n%s", args, p.errors())
	}
	return p
}

func (p *tailProcess) errors() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.stderr.String()
}

// next returns the next line printed.
func (p *tailProcess) next(t *testing.T) string {
	t.Helper()
	select {
	case line := <-p.lines:
		return line
	case <-time.After(10 * time.Second):
		t.Fatalf("no line in 10s; stderr:\n%s", p.errors())
		return ""
	}
}

// stop sends sig (os.Interrupt is Ctrl-C) and checks that the tail exits
// with status 0.
func (p *tailProcess) stop(t *testing.T, sig os.Signal) {
	t.Helper()
	if err := p.cmd.Process.Signal(sig); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- p.cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("exit after %v: %v; stderr:\n%s", sig, err, p.errors())
		}
	case <-time.After(10 * time.Second):
		t.Fatalf("still running 10s after %v", sig)
	}
}
