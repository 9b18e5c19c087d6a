package devstack_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"go.temporal.io/api/workflowservice/v1"
	sdkclient "go.temporal.io/sdk/client"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/temporal"

	"github.com/dossier/dossier/internal/contract"
	"github.com/dossier/dossier/internal/devstack"
	"github.com/dossier/dossier/templates"
)

// The demo accounts as the API puts them on a case (config/dev.yaml).
var (
	policyCamille = contract.Actor{ID: "camille", Name: "Camille Martin", Roles: []string{contract.RoleCaseworker},
		Services: []string{"relations-usagers", "vie-associative"}}
	policyYannick = contract.Actor{ID: "yannick", Name: "Yannick Le Gall", Roles: []string{contract.RoleCaseworker},
		Services: []string{"voirie"}}
)

// policyParis is the zone legal deadlines are counted in.
var policyParis = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		panic(err)
	}
	return loc
}()

// documentsRequest is a request for administrative documents received
// daysAgo days ago: its legal deadline (SVR, one month) is that much closer.
func documentsRequest(daysAgo int) contract.Submission {
	received := time.Now().In(policyParis).AddDate(0, 0, -daysAgo).Format(time.DateOnly)
	return contract.Submission{Template: "communication-documents", Language: "fr",
		Applicant: contract.Applicant{Name: "Théo Mercier-Ançelin", Email: "theo.mercier@example.net", Address: []string{"22 rue du Maréchal-Leclerc", "49000 Montreuil-sur-Loire"}},
		Facts: map[string]string{"received_on": received, "decision": "granted", "communication_mode": "email",
			"requested_documents": "Arrêté municipal du 3 mars 2026 portant réglementation des terrasses sur le domaine public"}}
}

// grantRefusal is a refusal of a grant, which needs two approvals.
func grantRefusal() contract.Submission {
	return contract.Submission{Template: "subvention-refus", Language: "fr",
		Applicant: contract.Applicant{Name: "Hélène Bérard", Email: "h@example.org", Address: []string{"3 rue de la Fraternité", "49000 Montreuil-sur-Loire"}},
		Facts: map[string]string{"rna_number": "W491012345", "requested_amount": "3000.00", "year": "2027",
			"received_on": time.Now().In(policyParis).AddDate(0, 0, -10).Format(time.DateOnly),
			"grounds":     "Le règlement municipal réserve les subventions de fonctionnement aux associations dont l'activité principale se situe sur le territoire de la commune, ce qui n'est pas le cas du projet présenté."}}
}

// TestDeadlineEscalatesAtOnce: a request whose legal deadline is a day or
// two away escalates as soon as it is prefilled, before it is drafted; the
// case carries its deadline, and the search attributes let supervisors
// find it. A caseworker of another service can neither claim nor approve
// it; one of the service claims it and approves it.
func TestDeadlineEscalatesAtOnce(t *testing.T) {
	app := start(t, t.TempDir(), devstack.Options{NoUI: true, NoDemo: true})
	ev := subscribe(t, app)
	camille := client(t, app, "dev-camille")
	var created struct{ ID string }
	camille.as("dev-legacy").want(http.StatusCreated, "POST", "/api/v1/cases", documentsRequest(29), &created)
	id := created.ID

	c := camille.waitStage(id, contract.StageAwaitingApproval)
	if got := strings.Join(ev.until(id, contract.EventDrafted), ","); got != "submitted,escalated,drafted" {
		t.Errorf("events %s, want the escalation before the draft", got)
	}
	want := documentsDeadline(t, c.Facts["received_on"])
	if c.Deadline == nil || *c.Deadline != want {
		t.Errorf("deadline %+v, want %+v", c.Deadline, want)
	}
	if !c.Escalated || len(c.Reminders) != 1 || c.Reminders[0].Kind != "escalation" || c.Reminders[0].DaysLeft > 3 {
		t.Errorf("escalated %v, reminders %+v; want one escalation, 3 days left at most", c.Escalated, c.Reminders)
	}
	if c.Service != "relations-usagers" {
		t.Errorf("service %q, want relations-usagers", c.Service)
	}
	checkDeadlineAttributes(t, app, id, want.Date)

	refused := policyAssign(t, app, id, contract.AssignInput{Assignee: "yannick", By: policyYannick})
	if updateErrType(refused) != contract.ErrTypeForbidden {
		t.Errorf("a caseworker of voirie claimed a relations-usagers case: %v", refused)
	}
	review := contract.ReviewInput{Decision: contract.DecisionApprove, Version: 1, Reviewer: policyYannick}
	if err := policyReview(t, app, id, review); updateErrType(err) != contract.ErrTypeForbidden {
		t.Errorf("a caseworker of voirie approved a relations-usagers case: %v", err)
	}
	if status, _ := camille.as("dev-yannick").do("POST", "/api/v1/cases/"+id+"/review", map[string]any{"decision": "approve", "version": 1}); status != http.StatusForbidden && status != http.StatusNotFound {
		t.Errorf("yannick's approval over HTTP: status %d, want 403 or 404", status)
	}
	if err := policyAssign(t, app, id, contract.AssignInput{Assignee: "camille", By: policyCamille}); err != nil {
		t.Fatalf("camille claims the case: %v", err)
	}
	if got := camille.get(id).Assignee; got != "camille" {
		t.Errorf("assignee %q, want camille", got)
	}
	camille.want(http.StatusOK, "POST", "/api/v1/cases/"+id+"/review", map[string]any{"decision": "approve", "version": 1}, nil)
	camille.waitStage(id, contract.StageCompleted)
	if got := strings.Join(ev.until(id, contract.EventCompleted), ","); got != "assigned,approved,rendered,notified,completed" {
		t.Errorf("events after the draft %s, want no reminder once approved", got)
	}
	keepHistory(t, app, id, "escalated-assigned")
}

// TestDeadlineTimersEndWithTheDecision: a request with a month to go
// waits for its reminders on timers, which the approval cancels.
func TestDeadlineTimersEndWithTheDecision(t *testing.T) {
	app := start(t, t.TempDir(), devstack.Options{NoUI: true, NoDemo: true})
	ev := subscribe(t, app)
	camille := client(t, app, "dev-camille")
	var created struct{ ID string }
	camille.as("dev-legacy").want(http.StatusCreated, "POST", "/api/v1/cases", documentsRequest(2), &created)
	id := created.ID
	c := camille.waitStage(id, contract.StageAwaitingApproval)
	if c.Deadline == nil || c.Escalated || len(c.Reminders) != 0 {
		t.Errorf("deadline %+v, escalated %v, reminders %+v; want a deadline and nothing sent yet", c.Deadline, c.Escalated, c.Reminders)
	}
	camille.want(http.StatusOK, "POST", "/api/v1/cases/"+id+"/review", map[string]any{"decision": "approve", "version": 1}, nil)
	camille.waitStage(id, contract.StageCompleted)
	if got := strings.Join(ev.until(id, contract.EventCompleted), ","); got != "submitted,drafted,approved,rendered,notified,completed" {
		t.Errorf("events %s", got)
	}
	keepHistory(t, app, id, "deadline-timers-cancelled")
}

// TestTwoApprovals: a refusal of a grant goes out only once two different
// people of the service approved it; the same person twice is refused.
func TestTwoApprovals(t *testing.T) {
	app := start(t, t.TempDir(), devstack.Options{NoUI: true, NoDemo: true})
	ev := subscribe(t, app)
	camille := client(t, app, "dev-camille")
	dominique := camille.as("dev-dominique")
	var created struct{ ID string }
	camille.as("dev-legacy").want(http.StatusCreated, "POST", "/api/v1/cases", grantRefusal(), &created)
	id := created.ID

	c := camille.waitStage(id, contract.StageAwaitingApproval)
	if c.Approval.Approvals != 2 || c.Deadline != nil {
		t.Errorf("approval policy %+v, deadline %+v; want two approvals and no deadline", c.Approval, c.Deadline)
	}
	approve := map[string]any{"decision": "approve", "version": 1}
	var res contract.ReviewResult
	camille.want(http.StatusOK, "POST", "/api/v1/cases/"+id+"/review", approve, &res)
	if res.Stage != contract.StageAwaitingApproval || res.Version != 1 {
		t.Errorf("first approval answered %+v, want still awaiting approval of version 1", res)
	}
	status, body := camille.do("POST", "/api/v1/cases/"+id+"/review", approve)
	if status != http.StatusForbidden || !strings.Contains(string(body), "a second, different approver is needed") {
		t.Errorf("a second approval by camille: %d %s, want 403", status, body)
	}
	if got := camille.get(id); len(got.Approvals) != 1 || got.Approvals[0].Reviewer.ID != "camille" || got.Stage != contract.StageAwaitingApproval {
		t.Errorf("after one approval: stage %s, approvals %+v", got.Stage, got.Approvals)
	}
	dominique.want(http.StatusOK, "POST", "/api/v1/cases/"+id+"/review", approve, &res)
	if res.Stage != contract.StageRendering {
		t.Errorf("second approval answered %+v, want rendering", res)
	}
	done := camille.waitStage(id, contract.StageCompleted)
	if len(done.Approvals) != 2 || done.Approvals[1].Reviewer.ID != "dominique" {
		t.Errorf("approvals %+v, want camille's and dominique's", done.Approvals)
	}
	if got := strings.Join(ev.until(id, contract.EventCompleted), ","); got != "submitted,drafted,approval_recorded,approved,rendered,notified,completed" {
		t.Errorf("events %s", got)
	}
	keepHistory(t, app, id, "two-approvals")
}

// documentsDeadline is the deadline of a communication-documents request
// received on receivedOn, as the template counts it.
func documentsDeadline(t *testing.T, receivedOn string) contract.LegalDeadline {
	t.Helper()
	catalog, err := templates.Load()
	if err != nil {
		t.Fatal(err)
	}
	tmpl, err := catalog.Get("communication-documents")
	if err != nil {
		t.Fatal(err)
	}
	d, err := tmpl.DeadlineFor(receivedOn)
	if err != nil {
		t.Fatal(err)
	}
	return contract.LegalDeadline{Rule: d.Rule, Months: d.Months, Date: d.Date}
}

// checkDeadlineAttributes checks that visibility finds the case escalated,
// and that its CaseDeadline is the deadline day at 23:59:59 in Paris.
func checkDeadlineAttributes(t *testing.T, app *devstack.App, id, day string) {
	t.Helper()
	eventually(t, "escalated search attribute", func() error {
		resp, err := app.Client().ListWorkflow(context.Background(), &workflowservice.ListWorkflowExecutionsRequest{
			Query: "CaseEscalated = true AND WorkflowId = '" + id + "'"})
		if err != nil || len(resp.GetExecutions()) != 1 {
			return errors.New("visibility does not find the case escalated")
		}
		return nil
	})
	desc, err := app.Client().DescribeWorkflowExecution(context.Background(), id, "")
	if err != nil {
		t.Fatal(err)
	}
	payload := desc.GetWorkflowExecutionInfo().GetSearchAttributes().GetIndexedFields()[contract.SearchDeadline.GetName()]
	var got time.Time
	if err := converter.GetDefaultDataConverter().FromPayload(payload, &got); err != nil {
		t.Fatalf("CaseDeadline: %v", err)
	}
	want, _ := time.ParseInLocation(time.DateTime, day+" 23:59:59", policyParis)
	if !got.Equal(want) {
		t.Errorf("CaseDeadline %v, want %v", got, want)
	}
}

// policyAssign sends the assign Update as the web app does, and returns
// the workflow's refusal, if any.
func policyAssign(t *testing.T, app *devstack.App, id string, in contract.AssignInput) error {
	t.Helper()
	return policyUpdate(t, app, id, contract.UpdateAssign, in)
}

// policyReview sends the review Update with an actor the API would not let
// through, to check the workflow's own rule.
func policyReview(t *testing.T, app *devstack.App, id string, in contract.ReviewInput) error {
	t.Helper()
	return policyUpdate(t, app, id, contract.UpdateReview, in)
}

func policyUpdate(t *testing.T, app *devstack.App, id, name string, arg any) error {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	handle, err := app.Client().UpdateWorkflow(ctx, sdkclient.UpdateWorkflowOptions{
		WorkflowID: id, UpdateName: name, Args: []any{arg}, WaitForStage: sdkclient.WorkflowUpdateStageCompleted})
	if err != nil {
		return err
	}
	return handle.Get(ctx, nil)
}

func updateErrType(err error) string {
	var appErr *temporal.ApplicationError
	if errors.As(err, &appErr) {
		return appErr.Type()
	}
	return "not an application error"
}
