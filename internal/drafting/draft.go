package drafting

import (
	"context"
	"regexp"
	"strings"

	"github.com/dossier/dossier/internal/contract"
	"github.com/dossier/dossier/internal/guardrails"
	"github.com/dossier/dossier/internal/llm"
)

// Completer is a model client.
type Completer interface {
	Complete(ctx context.Context, msgs []llm.Message) (llm.Completion, error)
	Model() llm.Model
}

// Drafters: "llm" for a model's text that passed the guardrails,
// "template" for the template drafter's.
const (
	DrafterLLM      = "llm"
	DrafterTemplate = "template"
)

// MaxAttempts bounds the calls to the model for one draft: the first, and
// one retry with the failures fed back.
const MaxAttempts = 2

// Draft writes the body of req's letter with the model when there is one
// (model may be nil), and returns the draft with its provenance: model,
// endpoint, prompt hash, guardrail results, tokens and latency of every
// attempt. It returns an error only when ctx ends.
func Draft(ctx context.Context, model Completer, req Request) (contract.Draft, error) {
	d := contract.Draft{Subject: req.Skeleton.Subject, Body: req.Skeleton.Body, Mentions: req.Skeleton.Mentions, Drafter: DrafterTemplate}
	if model == nil {
		if req.Comment != "" {
			d.Flags = append(d.Flags, contract.Flag{Kind: "comment_not_applied",
				Message: "no language model is configured: the template's text cannot take the comment into account; edit the letter before approving"})
		}
		return d, nil
	}
	d.Model, d.Endpoint = model.Model().Model, model.Model().Name
	checks := inputFor(req)
	msgs := messages(req, nil)
	var reasons []string
	for range MaxAttempts {
		body, a, served, err := call(ctx, model, msgs, checks)
		record(&d, a)
		if ctx.Err() != nil {
			return d, ctx.Err()
		}
		if err != nil {
			reasons = append(reasons, "the model could not draft: "+err.Error())
			break
		}
		failed := guardrails.Failures(toResults(a.Guardrails))
		if len(failed) == 0 {
			d.Body, d.Drafter, d.ModelServed = body, DrafterLLM, served
			return d, nil
		}
		reasons = append(reasons, guardrails.Summary(failed))
		msgs = messages(req, &retryFeedback{draft: body, failures: guardrails.Summary(failed)})
	}
	d.Flags = append(d.Flags, contract.Flag{Kind: "guardrails",
		Message: "the model's draft was not used, the template's text is shown instead: " + strings.Join(reasons, " | ")})
	return d, nil
}

// record adds an attempt to the draft's provenance; the draft's prompt
// hash and guardrails are those of its latest attempt.
func record(d *contract.Draft, a contract.DraftAttempt) {
	d.Attempts = append(d.Attempts, a)
	d.PromptTokens += a.PromptTokens
	d.CompletionTokens += a.CompletionTokens
	d.LatencyMS += a.LatencyMS
	d.PromptHash, d.Guardrails = a.PromptHash, a.Guardrails
}

// call asks the model once and checks its text. It returns the cleaned
// text, the attempt's record and the model id the endpoint reported.
func call(ctx context.Context, model Completer, msgs []llm.Message, checks guardrails.Input) (string, contract.DraftAttempt, string, error) {
	a := contract.DraftAttempt{PromptHash: promptHash(model.Model(), msgs)}
	comp, err := model.Complete(ctx, msgs)
	a.LatencyMS = comp.Latency.Milliseconds()
	if err != nil {
		a.Error = err.Error()
		return "", a, "", err
	}
	a.PromptTokens, a.CompletionTokens = comp.PromptTokens, comp.CompletionTokens
	body := clean(comp.Text)
	checks.Draft = body
	a.Guardrails = fromResults(guardrails.Check(checks))
	return body, a, comp.ModelServed, nil
}

var fences = regexp.MustCompile("(?s)^```[a-z]*\n(.*)\n```$")

// clean trims the model's answer and removes a code fence around it.
func clean(text string) string {
	text = strings.TrimSpace(strings.ReplaceAll(text, "\r\n", "\n"))
	if m := fences.FindStringSubmatch(text); m != nil {
		text = strings.TrimSpace(m[1])
	}
	return text
}

func fromResults(rs []guardrails.Result) []contract.GuardrailResult {
	out := make([]contract.GuardrailResult, len(rs))
	for i, r := range rs {
		out[i] = contract.GuardrailResult{Check: r.Check, OK: r.OK, Detail: r.Detail}
	}
	return out
}

func toResults(rs []contract.GuardrailResult) []guardrails.Result {
	out := make([]guardrails.Result, len(rs))
	for i, r := range rs {
		out[i] = guardrails.Result{Check: r.Check, OK: r.OK, Detail: r.Detail}
	}
	return out
}
