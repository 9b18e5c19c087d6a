package bus

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	natsserver "github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nkeys"
)

// TestAuth connects to nats-servers that require a token, a user and
// password, or an NKey, with and without the right credentials.
func TestAuth(t *testing.T) {
	kp, _ := nkeys.CreateUser()
	pub, _ := kp.PublicKey()
	seed, _ := kp.Seed()
	seedFile := filepath.Join(t.TempDir(), "dossier.nk")
	if err := os.WriteFile(seedFile, seed, 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name      string
		server    natsserver.Options
		userinfo  string
		good, bad Auth
	}{
		{name: "token", server: natsserver.Options{Authorization: "s3cret-token"}, good: Auth{Token: "s3cret-token"}, bad: Auth{Token: "guess"}},
		{name: "nkey", server: natsserver.Options{Nkeys: []*natsserver.NkeyUser{{Nkey: pub}}}, good: Auth{NKeyFile: seedFile}, bad: Auth{}},
		{name: "user and password", server: natsserver.Options{Username: "dossier-worker", Password: "pw"}, userinfo: "dossier-worker:pw@"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := tt.server
			opts.Host, opts.Port, opts.NoSigs, opts.JetStream, opts.StoreDir = "127.0.0.1", natsserver.RANDOM_PORT, true, true, t.TempDir()
			ns, err := natsserver.NewServer(&opts)
			if err != nil {
				t.Fatal(err)
			}
			ns.Start()
			if !ns.ReadyForConnections(5 * time.Second) {
				t.Fatal("not ready")
			}
			defer ns.Shutdown()
			addr := ns.Addr().String()
			b, err := Dial("nats://"+tt.userinfo+addr, "test", tt.good)
			if err != nil {
				t.Fatalf("with the right credentials: %v", err)
			}
			b.Close()
			if b, err := Dial("nats://"+addr, "test", tt.bad); err == nil {
				b.Close()
				t.Error("connected without the right credentials")
			}
		})
	}
}
