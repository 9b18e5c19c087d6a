package bus

import (
	"fmt"
	"os"

	"github.com/nats-io/nats.go"
)

// Auth is how Dossier authenticates to NATS, besides a user and password
// in the URL (nats://user:password@host:4222): a token, a credentials file
// (JWT + NKey, for operator/account setups), or an NKey seed file; and the
// TLS settings. AuthFromEnv reads DOSSIER_NATS_TOKEN, DOSSIER_NATS_CREDS,
// DOSSIER_NATS_NKEY, DOSSIER_NATS_CA, DOSSIER_NATS_CERT and DOSSIER_NATS_KEY.
type Auth struct {
	Token     string
	CredsFile string
	NKeyFile  string
	// CAFile trusts a private CA; CertFile and KeyFile present a client
	// certificate (mutual TLS).
	CAFile, CertFile, KeyFile string
}

// AuthFromEnv returns the NATS authentication the environment configures.
func AuthFromEnv() Auth {
	return Auth{Token: os.Getenv("DOSSIER_NATS_TOKEN"), CredsFile: os.Getenv("DOSSIER_NATS_CREDS"),
		NKeyFile: os.Getenv("DOSSIER_NATS_NKEY"), CAFile: os.Getenv("DOSSIER_NATS_CA"),
		CertFile: os.Getenv("DOSSIER_NATS_CERT"), KeyFile: os.Getenv("DOSSIER_NATS_KEY")}
}

// options turns a into nats.go options.
func (a Auth) options() ([]nats.Option, error) {
	var opts []nats.Option
	if a.Token != "" {
		opts = append(opts, nats.Token(a.Token))
	}
	if a.CredsFile != "" {
		opts = append(opts, nats.UserCredentials(a.CredsFile))
	}
	if a.NKeyFile != "" {
		opt, err := nats.NkeyOptionFromSeed(a.NKeyFile)
		if err != nil {
			return nil, fmt.Errorf("bus: nkey %s: %w", a.NKeyFile, err)
		}
		opts = append(opts, opt)
	}
	if a.CAFile != "" {
		opts = append(opts, nats.RootCAs(a.CAFile))
	}
	if a.CertFile != "" || a.KeyFile != "" {
		opts = append(opts, nats.ClientCert(a.CertFile, a.KeyFile))
	}
	return opts, nil
}
