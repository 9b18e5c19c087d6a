// Package bustest runs a real nats-server with JetStream for tests.
package bustest

import (
	"path/filepath"
	"testing"
	"time"

	natsserver "github.com/nats-io/nats-server/v2/server"
)

// Server starts nats-server with JetStream on a free loopback port, with
// its store in a temporary folder, and returns its client URL. It stops
// when the test ends.
func Server(tb testing.TB) string {
	tb.Helper()
	ns, err := natsserver.NewServer(&natsserver.Options{Host: "127.0.0.1", Port: natsserver.RANDOM_PORT,
		JetStream: true, StoreDir: filepath.Join(tb.TempDir(), "js"), NoSigs: true})
	if err != nil {
		tb.Fatal(err)
	}
	ns.Start()
	if !ns.ReadyForConnections(10 * time.Second) {
		tb.Fatal("nats-server not ready after 10s")
	}
	tb.Cleanup(ns.Shutdown)
	return ns.ClientURL()
}
