package app

import (
	"log/slog"
	"testing"

	"github.com/dossier/dossier/config"
	"github.com/dossier/dossier/internal/bus"
)

// TestRolesShareOneCaseService: the web app, the API and the bridge of
// one process get the same case service, so that they share its inbox
// counts (a count at 100,000 cases holds Temporal's store for a while).
func TestRolesShareOneCaseService(t *testing.T) {
	d, err := NewDeps(nil, &bus.Bus{}, config.File{}, slog.Default())
	if err != nil {
		t.Fatal(err)
	}
	copied := d
	if d.Cases() != d.Cases() || copied.Cases() != d.Cases() {
		t.Error("each call made its own case service")
	}
}
