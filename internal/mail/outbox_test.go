package mail

import (
	"bytes"
	"context"
	"encoding/base64"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	netmail "net/mail"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dossier/dossier/activities"
)

const testFrom = "no-reply@montreuil-sur-loire.example"

// testEmail returns an email with accents everywhere they can appear and a
// small binary attachment.
func testEmail() activities.Email {
	return activities.Email{
		MessageID:      "6f1c2a4e-3b1d-5c8e-9a7f-2d4b6e8f0a1c.letter-v1@dossier",
		FromName:       "Ville de Montreuil-sur-Loire",
		To:             "zoe@example.org",
		ToName:         "Zoë Lefèvre-Œuvray",
		Subject:        "[DOS-6F1C2A4E] Accusé de réception de votre demande : élections",
		Text:           "Madame, Monsieur,\n\nVous trouverez ci-joint le courrier de la Ville (référence DOS-6F1C2A4E) ; cordialement, le Service Relations usagers de Montreuil-sur-Loire, à votre écoute.\n",
		AttachmentName: "DOS-6F1C2A4E.pdf",
		Attachment:     append([]byte("%PDF-1.4\n"), 0x00, 0xff, 0x80, '\n', 'é'),
	}
}

// deliver delivers e into a new outbox in a temp dir, or fails the test.
func deliver(t *testing.T, o *Outbox, e activities.Email) string {
	t.Helper()
	path, err := o.Deliver(context.Background(), e)
	if err != nil {
		t.Fatalf("Deliver: %v", err)
	}
	return path
}

// dirNames lists the names in dir, hidden ones included.
func dirNames(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	names := make([]string, len(entries))
	for i, e := range entries {
		names[i] = e.Name()
	}
	return names
}

func TestDeliverOneFilePerMessageID(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "outbox") // created on first delivery
	o := &Outbox{Dir: dir, From: testFrom}
	first := testEmail()
	second := testEmail()
	second.MessageID = strings.Replace(second.MessageID, "letter-v1", "letter-v2", 1)

	p1 := deliver(t, o, first)
	p2 := deliver(t, o, second)
	if p1 == p2 {
		t.Fatalf("two Message-IDs share one file %s", p1)
	}
	want := []string{
		"6f1c2a4e-3b1d-5c8e-9a7f-2d4b6e8f0a1c.letter-v1_at_dossier.eml",
		"6f1c2a4e-3b1d-5c8e-9a7f-2d4b6e8f0a1c.letter-v2_at_dossier.eml",
	}
	got := dirNames(t, dir)
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("outbox holds %v, want %v (and no temp file)", got, want)
	}
	if filepath.Dir(p1) != dir {
		t.Errorf("Deliver returned %s, outside %s", p1, dir)
	}
}

func TestDeliverTwiceLeavesTheFirstFile(t *testing.T) {
	dir := t.TempDir()
	o := &Outbox{Dir: dir, From: testFrom}
	path := deliver(t, o, testEmail())
	before, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	old := time.Date(2020, 1, 2, 3, 4, 5, 0, time.UTC)
	if err := os.Chtimes(path, old, old); err != nil {
		t.Fatal(err)
	}

	again := testEmail()
	again.Text = "a retry must not rewrite the message"
	if p := deliver(t, o, again); p != path {
		t.Errorf("second Deliver returned %s, want %s", p, path)
	}
	after, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(before, after) {
		t.Errorf("second delivery rewrote the message")
	}
	if info, err := os.Stat(path); err != nil || !info.ModTime().Equal(old) {
		t.Errorf("second delivery touched the file: %v, %v", info.ModTime(), err)
	}
	if names := dirNames(t, dir); len(names) != 1 {
		t.Errorf("outbox holds %v, want one file", names)
	}
}

func TestDeliveredMessageParses(t *testing.T) {
	e := testEmail()
	path := deliver(t, &Outbox{Dir: t.TempDir(), From: testFrom}, e)
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	msg, err := netmail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("ReadMessage: %v\n%s", err, raw)
	}
	checkAddress(t, msg.Header, "From", e.FromName, testFrom)
	checkAddress(t, msg.Header, "To", e.ToName, e.To)
	var dec mime.WordDecoder
	subject, err := dec.DecodeHeader(msg.Header.Get("Subject"))
	if err != nil || subject != e.Subject {
		t.Errorf("Subject = %q (%v), want %q", subject, err, e.Subject)
	}
	if got := msg.Header.Get("Message-ID"); got != "<"+e.MessageID+">" {
		t.Errorf("Message-ID = %q, want <%s>", got, e.MessageID)
	}
	text, pdf := parts(t, msg)
	if text != e.Text {
		t.Errorf("text part = %q, want %q", text, e.Text)
	}
	if !bytes.Equal(pdf, e.Attachment) {
		t.Errorf("attachment = %q, want %q", pdf, e.Attachment)
	}
}

// checkAddress fails unless header key holds exactly one address, with the
// given display name (accents decoded) and address.
func checkAddress(t *testing.T, h netmail.Header, key, name, addr string) {
	t.Helper()
	list, err := h.AddressList(key)
	if err != nil || len(list) != 1 {
		t.Fatalf("%s = %q: %v, %d addresses", key, h.Get(key), err, len(list))
	}
	if list[0].Name != name || list[0].Address != addr {
		t.Errorf("%s = %q <%s>, want %q <%s>", key, list[0].Name, list[0].Address, name, addr)
	}
}

// parts returns the decoded text/plain part and application/pdf attachment
// of a multipart/mixed message.
func parts(t *testing.T, msg *netmail.Message) (text string, pdf []byte) {
	t.Helper()
	mediaType, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil || mediaType != "multipart/mixed" {
		t.Fatalf("Content-Type = %q (%v), want multipart/mixed", msg.Header.Get("Content-Type"), err)
	}
	mr := multipart.NewReader(msg.Body, params["boundary"])
	for {
		p, err := mr.NextRawPart() // raw: the test decodes what the file says
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("NextRawPart: %v", err)
		}
		body := decodePart(t, p)
		switch ct, _, _ := mime.ParseMediaType(p.Header.Get("Content-Type")); ct {
		case "text/plain":
			text = strings.ReplaceAll(string(body), "\r\n", "\n")
		case "application/pdf":
			if d := p.Header.Get("Content-Disposition"); !strings.Contains(d, "attachment") || !strings.Contains(d, "DOS-6F1C2A4E.pdf") {
				t.Errorf("PDF Content-Disposition = %q, want an attachment named DOS-6F1C2A4E.pdf", d)
			}
			pdf = body
		default:
			t.Errorf("unexpected part %q", ct)
		}
	}
	if text == "" || pdf == nil {
		t.Fatalf("message lacks a text part (%q) or a PDF attachment (%d bytes)", text, len(pdf))
	}
	return text, pdf
}

// decodePart reads a part and undoes its Content-Transfer-Encoding.
func decodePart(t *testing.T, p *multipart.Part) []byte {
	t.Helper()
	var r io.Reader = p
	switch enc := strings.ToLower(p.Header.Get("Content-Transfer-Encoding")); enc {
	case "base64":
		r = base64.NewDecoder(base64.StdEncoding, p)
	case "quoted-printable":
		r = quotedprintable.NewReader(p)
	case "", "7bit", "8bit":
	default:
		t.Fatalf("unexpected Content-Transfer-Encoding %q", enc)
	}
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatalf("decode part: %v", err)
	}
	return b
}

func TestDeliverInvalidRecipientWritesNothing(t *testing.T) {
	tests := []struct {
		name string
		to   string
	}{
		{name: "no at sign", to: "zoe.example.org"},
		{name: "empty", to: ""},
		{name: "header injection", to: "zoe@example.org\r\nBcc: all@example.org"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			e := testEmail()
			e.To = tt.to
			path, err := (&Outbox{Dir: dir, From: testFrom}).Deliver(context.Background(), e)
			if err == nil {
				t.Fatalf("Deliver to %q = %s, want an error", tt.to, path)
			}
			if names := dirNames(t, dir); len(names) != 0 {
				t.Errorf("outbox holds %v after a refused delivery", names)
			}
		})
	}
}
