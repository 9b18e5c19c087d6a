package bench

import (
	"bytes"
	"encoding/base64"
	"html/template"
	"strings"

	qrcode "github.com/skip2/go-qrcode"

	"github.com/dossier/dossier/internal/pdf"
	"github.com/dossier/dossier/templates"
)

// htmlLetter is what the HTML version of a letter is executed with.
type htmlLetter struct {
	pdf.Letter
	Paragraphs []string
	Dated      string
	Labels     htmlLabels
	QR         template.URL // data: URL of the verification QR code
	VerifyAt   string       // the verification page, without the code
}

// htmlLabels is the fixed wording internal/pdf prints in each language.
type htmlLabels struct {
	Reference, Subject, VerifyIntro, VerifyCode string
}

var htmlLabelSets = map[string]htmlLabels{
	"fr": {"Référence : ", "Objet : ", "Vérifiez l'authenticité de ce courrier en flashant ce code, ou sur", "avec le code :"},
	"en": {"Reference: ", "Subject: ", "Check that this letter is genuine by scanning this code, or at", "with the code:"},
}

// letterHTML returns l as an A4 HTML page laid out like the PDF the
// renderer prints: the same blocks at the same places, in the same Go
// fonts loaded with @font-face from /fonts/. The footer is printed by
// Chromium (footerTemplate), as HTML-to-PDF services do.
func letterHTML(l pdf.Letter) ([]byte, error) {
	lang := l.Language
	if lang == "" {
		lang = "fr"
	}
	h := htmlLetter{Letter: l, Labels: htmlLabelSets[lang], Dated: dated(lang, l)}
	for _, p := range strings.Split(strings.ReplaceAll(l.Body, "\r\n", "\n"), "\n\n") {
		if p = strings.TrimSpace(p); p != "" {
			h.Paragraphs = append(h.Paragraphs, p)
		}
	}
	if v := l.Verification; v != nil {
		png, err := qrcode.Encode(v.URL, qrcode.Medium, 256)
		if err != nil {
			return nil, err
		}
		h.QR = template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(png))
		h.VerifyAt = strings.TrimSuffix(v.URL, "/"+v.Code)
	}
	var buf bytes.Buffer
	err := letterPage.Execute(&buf, h)
	return buf.Bytes(), err
}

// dated is the place and date line.
func dated(lang string, l pdf.Letter) string {
	if lang == "en" {
		return l.Place + ", " + l.Date.Format("2 January 2006")
	}
	return l.Place + ", le " + templates.FormatDateFR(l.Date)
}

// footerHTML is the footer Chromium prints on every page.
func footerHTML(l pdf.Letter) string {
	return `<div style="font-size:8pt;color:#5a5a5a;width:100%;margin:0 20mm;border-top:0.2mm solid #a0a0a0;` +
		`display:flex;justify-content:space-between;padding-top:1.5mm">` +
		`<span>` + template.HTMLEscapeString(l.ServiceContact) + `</span>` +
		`<span><span class="pageNumber"></span>/<span class="totalPages"></span></span></div>`
}

var letterPage = template.Must(template.New("letter").Parse(`<!doctype html>
<html lang="{{.Language}}"><head><meta charset="utf-8"><title>{{.Title}}</title>
<style>
@font-face { font-family: Go; src: url(/fonts/regular.ttf); font-weight: 400; font-style: normal; }
@font-face { font-family: Go; src: url(/fonts/bold.ttf); font-weight: 700; font-style: normal; }
@font-face { font-family: Go; src: url(/fonts/italic.ttf); font-weight: 400; font-style: italic; }
@page { size: A4; }
body { margin: 0; font-family: Go; font-size: 11pt; line-height: 5.5mm; }
p { margin: 0 0 2.5mm; white-space: pre-line; }
.top { position: relative; height: 58mm; }
.head { position: absolute; top: -5mm; left: 0; width: 85mm; }
.head img { height: 10mm; display: block; margin-bottom: 2mm; }
.admin { font-weight: 700; font-size: 12pt; }
.service { font-size: 10pt; line-height: 4.6mm; margin-bottom: 1.5mm; }
.address { font-size: 9pt; line-height: 4.2mm; }
.recipient { position: absolute; top: 25mm; left: 90mm; width: 80mm; line-height: 5mm; }
.right { margin-left: 90mm; line-height: 5mm; }
.ref { font-size: 10pt; line-height: 5mm; margin-top: 8mm; }
.subject { font-weight: 700; margin-bottom: 8mm; }
.signature { display: flex; margin-top: 10mm; break-inside: avoid; }
.verify { width: 84mm; display: flex; gap: 3mm; font-size: 7pt; line-height: 3.2mm; }
.verify img { width: 22mm; height: 22mm; }
.code { font-weight: 700; font-size: 8pt; line-height: 4mm; }
.signatory { margin-top: 14mm; font-weight: 700; }
.mentions { margin-top: 10mm; font-style: italic; font-size: 8pt; line-height: 3.6mm; color: #3c3c3c; }
</style></head><body>
<div class="top">
<div class="head">{{if .Logo}}<img src="/logo.png" alt="">{{end}}
<div class="admin">{{.Administration}}</div><div class="service">{{.Service}}</div>
{{range .ServiceAddress}}<div class="address">{{.}}</div>{{end}}</div>
<div class="recipient">{{range .Recipient}}<div>{{.}}</div>{{end}}</div>
</div>
<div class="right">{{.Dated}}</div>
{{if .Reference}}<div class="ref">{{.Labels.Reference}}{{.Reference}}</div>{{end}}
{{if .Subject}}<div class="subject">{{.Labels.Subject}}{{.Subject}}</div>{{end}}
{{range .Paragraphs}}<p>{{.}}</p>{{end}}
<div class="signature">
<div class="verify">{{with .Verification}}<img src="{{$.QR}}" alt="">
<div>{{$.Labels.VerifyIntro}}<br>{{$.VerifyAt}}<div class="code">{{$.Labels.VerifyCode}}<br>{{.Code}}</div></div>{{end}}</div>
<div><div>{{.SignatoryTitle}}</div><div class="signatory">{{.Signatory}}</div></div>
</div>
<div class="mentions">{{range .Mentions}}<p>{{.}}</p>{{end}}</div>
</body></html>
`))
