// Package llmtest is an OpenAI-compatible chat-completions server for
// tests: it answers with a script of realistic replies (drafts, errors,
// delays, malformed bodies) and records what it was asked.
package llmtest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"
)

// Reply is one scripted answer.
type Reply struct {
	Status     int           // HTTP status; 200 when zero
	RetryAfter string        // Retry-After header
	Body       string        // raw body; empty: a completion of Text
	Text       string        // the completion's text
	Delay      time.Duration // answer after this long
}

// Server is the scripted model server.
type Server struct {
	t        testing.TB
	mu       sync.Mutex
	script   []Reply
	requests []Request
	// cancelled counts the requests whose client went away before the
	// answer.
	cancelled int
	srv       *httptest.Server
}

// Request is what the server was asked.
type Request struct {
	Model    string `json:"model"`
	Messages []struct {
		Role    string `json:"role"`
		Content string `json:"content"`
	} `json:"messages"`
}

// New starts a server that answers with script, in order, and fails the
// test when asked more often.
func New(t testing.TB, script ...Reply) *Server {
	f := &Server{t: t, script: script}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

// URL is the OpenAI-compatible base URL, ending in /v1.
func (f *Server) URL() string { return f.srv.URL + "/v1" }

func (f *Server) serve(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/v1/chat/completions" {
		http.NotFound(w, r)
		return
	}
	var req Request
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		f.t.Errorf("fake model: bad request: %v", err)
	}
	f.mu.Lock()
	f.requests = append(f.requests, req)
	if len(f.script) == 0 {
		f.mu.Unlock()
		f.t.Errorf("fake model: asked more often than scripted")
		http.Error(w, "unscripted", http.StatusInternalServerError)
		return
	}
	rep := f.script[0]
	f.script = f.script[1:]
	f.mu.Unlock()
	select {
	case <-time.After(rep.Delay):
	case <-r.Context().Done():
		f.mu.Lock()
		f.cancelled++
		f.mu.Unlock()
		return
	}
	writeReply(w, req, rep)
}

func writeReply(w http.ResponseWriter, req Request, rep Reply) {
	if rep.RetryAfter != "" {
		w.Header().Set("Retry-After", rep.RetryAfter)
	}
	w.Header().Set("Content-Type", "application/json")
	if rep.Status == 0 {
		rep.Status = http.StatusOK
	}
	w.WriteHeader(rep.Status)
	if rep.Body != "" {
		fmt.Fprint(w, rep.Body)
		return
	}
	raw, _ := json.Marshal(map[string]any{
		"id": "chatcmpl-1", "object": "chat.completion", "created": 1764200000, "model": req.Model + "-served",
		"choices": []map[string]any{{"index": 0, "finish_reason": "stop",
			"message": map[string]string{"role": "assistant", "content": rep.Text}}},
		"usage": map[string]int{"prompt_tokens": 812, "completion_tokens": 301, "total_tokens": 1113},
	})
	w.Write(raw)
}

// Asked returns the requests received so far.
func (f *Server) Asked() []Request {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]Request(nil), f.requests...)
}

// Cancelled returns how many requests were given up by their client before
// the server answered them.
func (f *Server) Cancelled() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.cancelled
}
