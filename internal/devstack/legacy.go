package devstack

import (
	"fmt"

	"github.com/nats-io/nats.go"

	"github.com/dossier/dossier/internal/legacysim"
)

// startLegacySim runs the simulated legacy systems on the embedded NATS,
// on a connection of their own, as a separate system would.
func (a *App) startLegacySim() error {
	nc, err := nats.Connect(a.NATSURL, nats.Name("dossier-legacy-sim"))
	if err != nil {
		return fmt.Errorf("legacy-sim: %w", err)
	}
	sim, err := legacysim.Start(nc, a.opts.Logger)
	if err != nil {
		nc.Close()
		return err
	}
	a.legacyConn, a.legacy = nc, sim
	return nil
}

// LegacySim is the running legacy-system simulator, nil with --no-legacy-sim.
func (a *App) LegacySim() *legacysim.Sim { return a.legacy }

func (a *App) stopLegacySim() {
	if a.legacy != nil {
		a.legacy.Stop()
	}
	if a.legacyConn != nil {
		a.legacyConn.Close()
	}
}
