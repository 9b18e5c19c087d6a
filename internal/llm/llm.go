// Package llm talks to the language models an administration hosts, through
// any OpenAI-compatible chat-completions endpoint (vLLM, Ollama, llama.cpp
// server, a state-run API). Calls are bounded: a timeout per request, and a
// few retries when the server says it is busy (429, 503), honouring
// Retry-After.
package llm

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"

	openai "github.com/sashabaranov/go-openai"
)

// Model is one configured model: where it is served and how it is called.
type Model struct {
	// Name is how templates and cases refer to the endpoint, e.g. "default".
	Name string `yaml:"-"`
	// URL is the OpenAI-compatible base URL, e.g. http://127.0.0.1:11434/v1.
	URL string `yaml:"url"`
	// Model is the exact model id the endpoint serves, recorded on every draft.
	Model string `yaml:"model"`
	// APIKeyEnv names the environment variable holding the API key.
	APIKeyEnv   string        `yaml:"api_key_env"`
	Timeout     time.Duration `yaml:"timeout"`
	Temperature float32       `yaml:"temperature"`
	MaxTokens   int           `yaml:"max_tokens"`
}

// Defaults for a model that leaves them unset.
const (
	DefaultTimeout     = 60 * time.Second
	DefaultTemperature = 0.2
	DefaultMaxTokens   = 2000
)

// FromEnv returns the default model configured by DOSSIER_LLM_URL,
// DOSSIER_LLM_MODEL and DOSSIER_LLM_API_KEY, and whether one is.
func FromEnv() (Model, bool) {
	url, model := os.Getenv("DOSSIER_LLM_URL"), os.Getenv("DOSSIER_LLM_MODEL")
	if url == "" || model == "" {
		return Model{}, false
	}
	return Model{Name: "default", URL: url, Model: model, APIKeyEnv: "DOSSIER_LLM_API_KEY"}, true
}

func (m Model) withDefaults() Model {
	if m.Timeout <= 0 {
		m.Timeout = DefaultTimeout
	}
	if m.Temperature == 0 {
		m.Temperature = DefaultTemperature
	}
	if m.MaxTokens <= 0 {
		m.MaxTokens = DefaultMaxTokens
	}
	return m
}

// Message is one chat message.
type Message struct {
	Role    string `json:"role"`
	Content string `json:"content"`
}

// Completion is a model's answer and what it cost.
type Completion struct {
	Text             string
	ModelServed      string
	PromptTokens     int
	CompletionTokens int
	Latency          time.Duration
}

// Errors a completion may end with, matched with errors.Is.
var (
	ErrTimeout   = errors.New("llm: the model did not answer in time")
	ErrBusy      = errors.New("llm: the model is busy (rate limited)")
	ErrMalformed = errors.New("llm: malformed answer")
	ErrFailed    = errors.New("llm: request failed")
)

// Client calls one model.
type Client struct {
	model  Model
	client *openai.Client
}

// NewClient returns a client for m.
func NewClient(m Model) *Client {
	m = m.withDefaults()
	cfg := openai.DefaultConfig(os.Getenv(m.APIKeyEnv))
	cfg.BaseURL = strings.TrimRight(m.URL, "/")
	cfg.HTTPClient = &retryingDoer{client: &http.Client{}, attempts: 3, maxWait: 10 * time.Second}
	return &Client{model: m, client: openai.NewClientWithConfig(cfg)}
}

// Model returns the client's model, defaults filled in.
func (c *Client) Model() Model { return c.model }

// Complete sends msgs and returns the first choice. It returns an error
// matching ErrTimeout, ErrBusy, ErrMalformed or ErrFailed.
func (c *Client) Complete(ctx context.Context, msgs []Message) (Completion, error) {
	ctx, cancel := context.WithTimeout(ctx, c.model.Timeout)
	defer cancel()
	req := openai.ChatCompletionRequest{
		Model: c.model.Model, Temperature: c.model.Temperature, MaxTokens: c.model.MaxTokens,
		Messages: make([]openai.ChatCompletionMessage, len(msgs)),
	}
	for i, m := range msgs {
		req.Messages[i] = openai.ChatCompletionMessage{Role: m.Role, Content: m.Content}
	}
	start := time.Now()
	resp, err := c.client.CreateChatCompletion(ctx, req)
	if err != nil {
		return Completion{}, classify(ctx, err)
	}
	if len(resp.Choices) == 0 || strings.TrimSpace(resp.Choices[0].Message.Content) == "" {
		return Completion{}, fmt.Errorf("%w: no text in the answer", ErrMalformed)
	}
	return Completion{
		Text: resp.Choices[0].Message.Content, ModelServed: resp.Model, Latency: time.Since(start),
		PromptTokens: resp.Usage.PromptTokens, CompletionTokens: resp.Usage.CompletionTokens,
	}, nil
}

func classify(ctx context.Context, err error) error {
	var apiErr *openai.APIError
	var reqErr *openai.RequestError
	var syntaxErr *json.SyntaxError
	var typeErr *json.UnmarshalTypeError
	switch {
	case ctx.Err() != nil || errors.Is(err, context.DeadlineExceeded):
		return fmt.Errorf("%w (%v)", ErrTimeout, err)
	case errors.As(err, &apiErr) && apiErr.HTTPStatusCode == http.StatusTooManyRequests,
		errors.As(err, &reqErr) && reqErr.HTTPStatusCode == http.StatusTooManyRequests:
		return fmt.Errorf("%w: %v", ErrBusy, err)
	case errors.As(err, &apiErr) || errors.As(err, &reqErr):
		return fmt.Errorf("%w: %v", ErrFailed, err)
	case errors.As(err, &syntaxErr) || errors.As(err, &typeErr) || errors.Is(err, io.ErrUnexpectedEOF) ||
		strings.Contains(err.Error(), "unexpected EOF") || strings.Contains(err.Error(), "unexpected end of JSON"):
		return fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	return fmt.Errorf("%w: %v", ErrFailed, err)
}
