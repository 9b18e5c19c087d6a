// Package mail delivers Dossier's emails to citizens. Outbox writes each
// message as an .eml file in a folder, the way `dossier dev` delivers.
package mail

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	gomail "github.com/wneessen/go-mail"

	"github.com/dossier/dossier/activities"
)

// Outbox writes emails as RFC 5322 files named after their Message-ID.
type Outbox struct {
	Dir  string
	From string
}

// Deliver writes e to the outbox once: a message already there (same
// Message-ID) is left untouched, so a retried delivery sends nothing twice.
// It returns the file's path.
func (o *Outbox) Deliver(ctx context.Context, e activities.Email) (string, error) {
	path := filepath.Join(o.Dir, fileName(e.MessageID))
	if _, err := os.Stat(path); err == nil {
		return path, nil
	} else if !errors.Is(err, fs.ErrNotExist) {
		return "", fmt.Errorf("outbox: %w", err)
	}
	msg, err := Build(o.From, e)
	if err != nil {
		return "", err
	}
	var buf bytes.Buffer
	if _, err := msg.WriteTo(&buf); err != nil {
		return "", fmt.Errorf("outbox: %w", err)
	}
	return path, writeAtomic(path, buf.Bytes())
}

// Build returns the MIME message for e: a text part and the PDF attached.
func Build(from string, e activities.Email) (*gomail.Msg, error) {
	msg := gomail.NewMsg()
	if err := msg.FromFormat(e.FromName, from); err != nil {
		return nil, fmt.Errorf("mail: from: %w", err)
	}
	if err := msg.AddToFormat(e.ToName, e.To); err != nil {
		return nil, fmt.Errorf("mail: to %q: %w", e.To, err)
	}
	msg.SetMessageIDWithValue(e.MessageID)
	msg.Subject(e.Subject)
	msg.SetBodyString(gomail.TypeTextPlain, e.Text)
	if err := msg.AttachReader(e.AttachmentName, bytes.NewReader(e.Attachment),
		gomail.WithFileContentType(gomail.ContentType("application/pdf"))); err != nil {
		return nil, fmt.Errorf("mail: attach: %w", err)
	}
	return msg, nil
}

func fileName(messageID string) string {
	return strings.NewReplacer("/", "_", "@", "_at_", "<", "", ">", "").Replace(messageID) + ".eml"
}

func writeAtomic(path string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return fmt.Errorf("outbox: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".tmp-*")
	if err != nil {
		return fmt.Errorf("outbox: %w", err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("outbox: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("outbox: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("outbox: %w", err)
	}
	return os.Rename(tmp.Name(), path)
}
