package devstack

import (
	"fmt"
	"net"
	"time"

	"github.com/nats-io/nats-server/v2/server"
)

// startNATS runs nats-server in this process with JetStream storing its
// streams and objects under storeDir. A port of 0 picks a free one.
func startNATS(port int, storeDir string) (*server.Server, error) {
	if port == 0 {
		port = server.RANDOM_PORT
	}
	ns, err := server.NewServer(&server.Options{
		ServerName: "dossier-dev",
		Host:       "127.0.0.1",
		Port:       port,
		JetStream:  true,
		StoreDir:   storeDir,
		NoSigs:     true,
	})
	if err != nil {
		return nil, fmt.Errorf("nats: %w", err)
	}
	ns.Start()
	if !ns.ReadyForConnections(10 * time.Second) {
		ns.Shutdown()
		return nil, fmt.Errorf("nats: not ready after 10s (port %d busy?)", port)
	}
	return ns, nil
}

// StopNATS shuts the embedded nats-server down the way an operator
// restarting NATS does: cleanly, so that JetStream writes its streams and
// consumers' state to the store. The stack's connections keep trying to
// reconnect (bus.Dial); StartNATS brings the server back. Tests use the
// pair to stop NATS while submissions are in flight.
func (a *App) StopNATS() {
	if a.nats == nil {
		return
	}
	a.natsPort = a.nats.Addr().(*net.TCPAddr).Port
	a.nats.Shutdown()
	a.nats.WaitForShutdown()
	a.nats = nil
}

// StartNATS starts nats-server again after StopNATS, on the same port and
// the same store, so that every client finds it where it was.
func (a *App) StartNATS() error {
	if a.nats != nil {
		return nil
	}
	ns, err := startNATS(a.natsPort, a.path("jetstream"))
	if err != nil {
		return err
	}
	a.nats = ns
	return nil
}
