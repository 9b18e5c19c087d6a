package devstack_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/dossier/dossier/internal/cases"
	"github.com/dossier/dossier/internal/contract"
)

// apiClient calls the stack's HTTP API as one demo account.
type apiClient struct {
	t     *testing.T
	base  string
	token string
}

func (c apiClient) as(token string) apiClient { c.token = token; return c }

// do sends a request and returns the status and body.
func (c apiClient) do(method, path string, body any, headers ...string) (int, []byte) {
	c.t.Helper()
	var rd io.Reader
	if body != nil {
		raw, ok := body.([]byte)
		if !ok {
			var err error
			if raw, err = json.Marshal(body); err != nil {
				c.t.Fatal(err)
			}
		}
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, c.base+path, rd)
	if err != nil {
		c.t.Fatal(err)
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	if err != nil {
		c.t.Fatal(err)
	}
	return resp.StatusCode, out
}

// want sends a request, checks its status and decodes the JSON answer.
func (c apiClient) want(status int, method, path string, body any, out any, headers ...string) {
	c.t.Helper()
	got, raw := c.do(method, path, body, headers...)
	if got != status {
		c.t.Fatalf("%s %s: status %d, want %d; body: %s", method, path, got, status, raw)
	}
	if out != nil {
		if err := json.Unmarshal(raw, out); err != nil {
			c.t.Fatalf("%s %s: decode %s: %v", method, path, raw, err)
		}
	}
}

type caseView struct {
	contract.CaseState
	Reference string          `json:"reference"`
	Waiting   []cases.Pending `json:"waiting"`
}

func (c apiClient) get(id string) caseView {
	c.t.Helper()
	var v caseView
	c.want(http.StatusOK, "GET", "/api/v1/cases/"+id, nil, &v)
	return v
}

// waitStage polls the case until it reaches stage, for up to 30 seconds.
func (c apiClient) waitStage(id string, stage contract.Stage) caseView {
	c.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		status, raw := c.do("GET", "/api/v1/cases/"+id, nil)
		var v caseView
		if status == http.StatusOK && json.Unmarshal(raw, &v) == nil && v.Stage == stage {
			return v
		}
		if time.Now().After(deadline) {
			c.t.Fatalf("case %s did not reach %s in 30s; last answer %d %s", id, stage, status, raw)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

type listView struct {
	Cases []struct {
		ID    string `json:"id"`
		Stage string `json:"stage"`
	} `json:"cases"`
}

func (c apiClient) list(query string) listView {
	c.t.Helper()
	var l listView
	c.want(http.StatusOK, "GET", "/api/v1/cases"+query, nil, &l)
	return l
}

// receivedOn is the day the test requests were received: three days ago,
// so that their two-month legal deadline is always far off (no reminder or
// escalation in the events the tests expect).
var receivedOn = time.Now().AddDate(0, 0, -3)

func submission(name string) contract.Submission {
	return contract.Submission{
		Template: "accuse-reception", Language: "fr",
		Applicant: contract.Applicant{Name: name, Email: "citoyen@example.org", Address: []string{"5 rue de la Paix", "75002 Paris"}},
		Facts:     map[string]string{"request_subject": "inscription sur les listes électorales", "received_on": receivedOn.Format(time.DateOnly)},
	}
}

// eventually retries check for up to 10 seconds, for what Temporal's
// visibility store shows a moment after the workflow changed.
func eventually(t *testing.T, what string, check func() error) {
	t.Helper()
	within(t, 10*time.Second, what, check)
}
