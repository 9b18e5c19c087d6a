package devstack_test

import (
	"context"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/dossier/dossier/internal/contract"
	"github.com/dossier/dossier/internal/devstack"
	"github.com/dossier/dossier/internal/pdf/pdftest"
)

// browser starts headless Chromium (Debian's chromium) for one test.
func browser(t *testing.T) context.Context {
	t.Helper()
	path, err := exec.LookPath("chromium")
	if err != nil {
		t.Fatalf("the browser tests need Chromium (apt-get install chromium): %v", err)
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(path), chromedp.NoSandbox,
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.Flag("disable-quic", true), chromedp.UserDataDir(t.TempDir()))
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(alloc)
	ctx, cancelTimeout := context.WithTimeout(ctx, 2*time.Minute)
	t.Cleanup(func() { cancelTimeout(); cancel(); cancelAlloc() })
	return ctx
}

// do runs browser steps, failing the test with what on error.
func do(t *testing.T, ctx context.Context, what string, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// get runs one browser action and returns its value.
func get[T any](t *testing.T, ctx context.Context, what string, a chromedp.Action[T]) T {
	t.Helper()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	return v
}

func signIn(t *testing.T, ctx context.Context, base, account, password string) {
	t.Helper()
	do(t, ctx, "sign in as "+account,
		chromedp.Navigate(base+"/login"),
		chromedp.WaitVisible("#account"),
		chromedp.SendKeys("#account", account),
		chromedp.SendKeys("#password", password),
		chromedp.Submit("#password"),
	)
	// The login page and the inbox share elements: wait for the inbox's
	// address, then for its heading, so the next step does not abort the
	// navigation still under way.
	for deadline := time.Now().Add(15 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		if loc, err := chromedp.Run(ctx, chromedp.Location()); err == nil && strings.HasSuffix(loc, "/inbox") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("sign in as %s: still not on the inbox", account)
		}
	}
	do(t, ctx, "inbox of "+account, chromedp.WaitVisible("form[role=search]"))
}

// TestCaseworkerInBrowser walks the caseworker's day in a real browser:
// sign in, open the inbox and a case, edit the letter, preview the exact
// PDF, approve, and see the case completed.
func TestCaseworkerInBrowser(t *testing.T) {
	app := start(t, t.TempDir(), devstack.Options{NoUI: true})
	dominique := client(t, app, "dev-dominique")
	eventually(t, "demo cases", func() error { return wantCount(dominique.list("?stage=awaiting_approval"), 3) })
	ctx := browser(t)
	signIn(t, ctx, app.HTTPURL, "camille", "dev-camille")

	heading := get(t, ctx, "inbox heading", chromedp.Text("h1"))
	rows := get(t, ctx, "inbox rows", chromedp.Evaluate[int](`document.querySelectorAll("table.cases tbody tr").length`))
	if !strings.Contains(heading, "Courriers à valider") || rows != 2 {
		t.Fatalf("inbox %q with %d rows, want camille's 2 cases", heading, rows)
	}
	screenshot(t, ctx, "inbox")
	checkAccessibility(t, ctx, "inbox")

	do(t, ctx, "open the acknowledgement",
		chromedp.Click(`//tr[td[contains(., "Accusé de réception")]]//a`),
		chromedp.WaitVisible("#body"))
	const added = "Nous restons à votre disposition pour tout renseignement complémentaire."
	get(t, ctx, "edit the letter", chromedp.Evaluate[bool](fmt.Sprintf(`document.querySelector("#body").value += "\n\n%s"; true`, added)))
	screenshot(t, ctx, "case")
	checkAccessibility(t, ctx, "case page")

	preview := get(t, ctx, "preview the PDF", chromedp.Evaluate[string](`(async () => {
		const form = document.querySelector("#review");
		const r = await fetch(form.getAttribute("action").replace("/review", "/preview"), {method: "POST", body: new FormData(form)});
		const bytes = new Uint8Array(await r.arrayBuffer());
		let bin = ""; for (const b of bytes) bin += String.fromCharCode(b);
		return r.headers.get("Content-Type") + "|" + btoa(bin);
	})()`, chromedp.EvalAwaitPromise))
	kind, b64, _ := strings.Cut(preview, "|")
	raw, _ := base64.StdEncoding.DecodeString(b64)
	if kind != "application/pdf" || !strings.Contains(flat(pdftest.Text(t, raw)), added) || !strings.Contains(pdftest.Text(t, raw), "Camille Martin") {
		t.Fatalf("preview: %s, %d bytes; want the edited letter signed by the caseworker", kind, len(raw))
	}

	do(t, ctx, "approve",
		chromedp.Click(`button[name=decision][value=approve]`),
		chromedp.WaitVisible(".alert.ok"))
	url := get(t, ctx, "location", chromedp.Location())
	id := url[strings.LastIndex(url, "/")+1:]
	id, _, _ = strings.Cut(id, "?")
	done := dominique.waitStage(id, contract.StageCompleted)
	do(t, ctx, "completed", chromedp.Navigate(app.HTTPURL+"/cases/"+id))
	status := get(t, ctx, "stage", chromedp.Text(".stage"))
	if status != "envoyé" || !strings.Contains(done.Draft.Body, added) || done.Draft.EditedBy != "camille" {
		t.Errorf("after approval: stage %q, edited by %q", status, done.Draft.EditedBy)
	}

	do(t, ctx, "batch approval", chromedp.Navigate(app.HTTPURL+"/inbox"), chromedp.WaitVisible("table.cases"),
		chromedp.Click(`table.cases tbody input[type=checkbox]`), chromedp.Submit(`table.cases tbody input[type=checkbox]`),
		chromedp.WaitVisible("ul.results"))
	results := get(t, ctx, "batch results", chromedp.Text("ul.results"))
	if !strings.Contains(results, "validé") {
		t.Errorf("batch approval results: %q, want the selected case approved", results)
	}
}

// TestBrowserSecurity: a caseworker of another service gets 403, a
// cross-site form post is refused, and HTML in an applicant's name is
// shown as text, never run.
func TestBrowserSecurity(t *testing.T) {
	app := start(t, t.TempDir(), devstack.Options{NoUI: true, NoDemo: true})
	hostile := `<img src=x onerror="document.title='pwned'"><script>document.title='pwned'</script>`
	var created struct{ ID string }
	client(t, app, "dev-legacy").want(http.StatusCreated, "POST", "/api/v1/cases", submission(hostile), &created)
	dominique := client(t, app, "dev-dominique")
	dominique.waitStage(created.ID, contract.StageAwaitingApproval)
	ctx := browser(t)

	signIn(t, ctx, app.HTTPURL, "yannick", "dev-yannick")
	do(t, ctx, "another service's case", chromedp.Navigate(app.HTTPURL+"/cases/"+created.ID))
	heading := get(t, ctx, "heading", chromedp.Text("h1"))
	if heading != "403" {
		t.Errorf("a voirie caseworker opening a relations-usagers case sees %q, want 403", heading)
	}

	signIn(t, ctx, app.HTTPURL, "camille", "dev-camille")
	do(t, ctx, "hostile name", chromedp.Navigate(app.HTTPURL+"/cases/"+created.ID), chromedp.WaitVisible("dl.meta"))
	title := get(t, ctx, "title", chromedp.Title())
	name := get(t, ctx, "applicant", chromedp.Text("dl.meta dd:nth-of-type(2)"))
	if title == "pwned" || !strings.Contains(name, "<script>") {
		t.Errorf("title %q, name shown %q: the applicant's HTML must be shown as text", title, name)
	}

	evil := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, `<form id=f method=post action="%s/cases/%s/review"><input name=decision value=approve><input name=version value=1></form><script>document.getElementById("f").submit()</script>`, app.HTTPURL, created.ID)
	}))
	defer evil.Close()
	do(t, ctx, "cross-site post", chromedp.Navigate(strings.Replace(evil.URL, "127.0.0.1", "localhost", 1)), chromedp.Sleep(time.Second))
	body := get(t, ctx, "page", chromedp.Text("body"))
	if c := dominique.get(created.ID); c.Stage != contract.StageAwaitingApproval || len(c.Reviews) != 0 {
		t.Errorf("a cross-site form approved the case: stage %s; page: %q", c.Stage, body)
	}
}

func flat(s string) string { return strings.Join(strings.Fields(s), " ") }

// screenshot saves a PNG of the page when DOSSIER_SCREENSHOTS names a folder.
func screenshot(t *testing.T, ctx context.Context, name string) {
	dir := os.Getenv("DOSSIER_SCREENSHOTS")
	if dir == "" {
		return
	}
	do(t, ctx, "viewport", chromedp.EmulateViewport(1280, 900))
	png := get(t, ctx, "screenshot", chromedp.FullScreenshot(100))
	if err := os.WriteFile(dir+"/"+name+".png", png, 0o644); err != nil {
		t.Error(err)
	}
}

// checkAccessibility checks basic RGAA criteria on the current page: the
// page's language, a title, one main heading, a label for every form
// control, text for every link and button, alternatives for images, and a
// skip link to the content.
func checkAccessibility(t *testing.T, ctx context.Context, page string) {
	t.Helper()
	problems := get(t, ctx, "accessibility of "+page, chromedp.Evaluate[[]string](`(() => {
		const p = [];
		if (!document.documentElement.lang) p.push("no lang on <html>");
		if (!document.title.trim()) p.push("no <title>");
		if (document.querySelectorAll("h1").length !== 1) p.push("not exactly one <h1>");
		for (const el of document.querySelectorAll("input:not([type=hidden]), select, textarea")) {
			if (!(el.labels && el.labels.length) && !el.getAttribute("aria-label")) p.push("control without label: " + (el.name || el.id));
		}
		for (const el of document.querySelectorAll("a, button")) {
			if (!el.textContent.trim() && !el.getAttribute("aria-label")) p.push("link or button without text: " + el.outerHTML.slice(0, 60));
		}
		for (const img of document.querySelectorAll("img")) if (!img.hasAttribute("alt")) p.push("image without alt");
		if (!document.querySelector("a.skip[href='#main']") || !document.getElementById("main")) p.push("no skip link to the content");
		return p;
	})()`))
	for _, p := range problems {
		t.Errorf("%s: %s", page, p)
	}
}
