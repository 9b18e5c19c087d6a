package dossier_test

// These tests run deploy/nats.conf in an in-process nats-server, with the
// passwords docker-compose.yml gives the nats service, and connect with the
// URL compose gives each Dossier role, and as the legacy systems: each does
// its part of the contract with Dossier's own code, and the legacy systems
// are refused the rest.

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/compose-spec/compose-go/v2/types"
	natsserver "github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/dossier/dossier/internal/bus"
)

// natsDeployment is deploy/nats.conf running, with a connection of each
// Dossier role, which set the streams and buckets up as at start.
type natsDeployment struct {
	ns                  *natsserver.Server
	p                   *types.Project
	worker, bridge, api *bus.Bus
	refusals            map[*nats.Conn]*refusals
}

func startNATSDeployment(t *testing.T) *natsDeployment {
	t.Helper()
	p := loadCompose(t, true)
	opts := natsConfig(t, p)
	opts.Host, opts.Port, opts.HTTPPort = "127.0.0.1", natsserver.RANDOM_PORT, 0
	opts.StoreDir, opts.NoSigs = t.TempDir(), true
	ns, err := natsserver.NewServer(opts)
	if err != nil {
		t.Fatal(err)
	}
	ns.Start()
	t.Cleanup(ns.Shutdown)
	if !ns.ReadyForConnections(10 * time.Second) {
		t.Fatal("nats-server not ready after 10s")
	}
	d := &natsDeployment{ns: ns, p: p, refusals: map[*nats.Conn]*refusals{}}
	d.worker, d.bridge, d.api = d.role(t, "dossier-worker"), d.role(t, "dossier-bridge"), d.role(t, "dossier-api")
	return d
}

// role connects as a Dossier service does, with the DOSSIER_NATS_URL
// compose gives it, and sets the streams and buckets up as each role does
// at start.
func (d *natsDeployment) role(t *testing.T, name string) *bus.Bus {
	t.Helper()
	u, err := url.Parse(env(service(t, d.p, name), "DOSSIER_NATS_URL"))
	if err != nil {
		t.Fatal(err)
	}
	u.Host = d.ns.Addr().String()
	b, err := bus.Dial(u.String(), name)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	t.Cleanup(b.Close)
	d.refusals[b.Conn] = watch(b.Conn)
	if err := b.Ensure(ctx(t)); err != nil {
		t.Fatalf("%s: set up the streams and buckets: %v", name, err)
	}
	return b
}

// legacy connects as the legacy systems, with the password compose gives
// the nats service.
func (d *natsDeployment) legacy(t *testing.T) (*nats.Conn, jetstream.JetStream, *refusals) {
	t.Helper()
	password := env(service(t, d.p, "nats"), "NATS_LEGACY_PASSWORD")
	nc, err := nats.Connect("nats://legacy:"+password+"@"+d.ns.Addr().String(), nats.Name("legacy"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(nc.Close)
	r := watch(nc)
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	return nc, js, r
}

// refusals collects the permission violations the server reports to a
// connection, which arrive asynchronously.
type refusals struct{ errs chan error }

func watch(nc *nats.Conn) *refusals {
	r := &refusals{errs: make(chan error, 64)}
	nc.SetErrorHandler(func(_ *nats.Conn, _ *nats.Subscription, err error) {
		if errors.Is(err, nats.ErrPermissionViolation) {
			select {
			case r.errs <- err:
			default: // enough to fail the test
			}
		}
	})
	return r
}

// want waits for the violation of what, e.g. `Publish to "x"`.
func (r *refusals) want(t *testing.T, what string) {
	t.Helper()
	timeout := time.After(3 * time.Second)
	for {
		select {
		case err := <-r.errs:
			if strings.Contains(err.Error(), what) {
				return
			}
			t.Errorf("refused something else: %v", err)
		case <-timeout:
			t.Errorf("not refused: %s", what)
			return
		}
	}
}

// none checks that nothing was refused, once the connection is flushed:
// the last refusals may still be on their way to the handler.
func (r *refusals) none(t *testing.T, who string) {
	t.Helper()
	for {
		select {
		case err := <-r.errs:
			t.Errorf("%s was refused: %v", who, err)
		case <-time.After(200 * time.Millisecond):
			return
		}
	}
}

// ctx bounds one step of a test.
func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	t.Cleanup(cancel)
	return c
}

// streamMsgs is how many messages stream holds, read on the server.
func (d *natsDeployment) streamMsgs(t *testing.T, stream string) (uint64, bool) {
	t.Helper()
	info, err := d.ns.Jsz(&natsserver.JSzOptions{Accounts: true, Streams: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, acc := range info.AccountDetails {
		for _, s := range acc.Streams {
			if s.Name == stream {
				return s.State.Msgs, true
			}
		}
	}
	return 0, false
}

// TestNATSRefusesUnknownClients connects without a user, and with a wrong
// password.
func TestNATSRefusesUnknownClients(t *testing.T) {
	d := startNATSDeployment(t)
	for _, u := range []string{"nats://" + d.ns.Addr().String(), "nats://legacy:guess@" + d.ns.Addr().String()} {
		if nc, err := nats.Connect(u); !errors.Is(err, nats.ErrAuthorization) {
			if err == nil {
				nc.Close()
			}
			t.Errorf("connect %s: %v, want %v", u, err, nats.ErrAuthorization)
		}
	}
}

// TestNATSLegacyFollowsTheContract checks that the legacy user may use
// every channel of docs/asyncapi.yaml meant for it: publish what Dossier
// receives, and consume what Dossier sends (through a consumer of the
// stream that keeps it, or a subscription when no stream does), answering
// requests. Refusals and the audit chain are the auditors' business, not
// the integrators'; the chain's daily digest is for outside systems to keep.
func TestNATSLegacyFollowsTheContract(t *testing.T) {
	d := startNATSDeployment(t)
	perms := legacyPermissions(t, natsConfig(t, d.p))
	doc := asyncAPI(t)
	for name, op := range get(doc, "operations").(map[string]any) {
		ref := fmt.Sprint(get(op, "channel", "$ref"))
		channel := get(doc, "channels", strings.TrimPrefix(ref, "#/channels/"))
		if addr := fmt.Sprint(get(channel, "address")); addr == bus.SubjectRefused || addr == bus.SubjectChain {
			continue
		}
		for _, subject := range addresses(channel) {
			var ok bool
			var what string
			switch stream := d.streamOf(t, subject); {
			case get(op, "action") == "receive":
				what, ok = "publish", allowed(perms.Publish, subject)
			case get(op, "reply") != nil:
				what, ok = "answer", allowed(perms.Subscribe, subject) && perms.Response != nil
			case stream != "":
				what, ok = "consume ("+stream+")", allowed(perms.Publish, "$JS.API.CONSUMER.CREATE."+stream+".crm."+subject)
			default:
				what, ok = "subscribe to", allowed(perms.Subscribe, subject)
			}
			if !ok {
				t.Errorf("%s: the legacy user may not %s %s", name, what, subject)
			}
		}
	}
}

func legacyPermissions(t *testing.T, opts *natsserver.Options) *natsserver.Permissions {
	t.Helper()
	for _, u := range opts.Users {
		if u.Username == "legacy" && u.Permissions != nil {
			return u.Permissions
		}
	}
	t.Fatal("deploy/nats.conf has no legacy user with permissions")
	return nil
}

// allowed reports whether subject passes the permission list.
func allowed(p *natsserver.SubjectPermission, subject string) bool {
	if p == nil || slices.ContainsFunc(p.Deny, func(f string) bool { return natsserver.SubjectMatchesFilter(subject, f) }) {
		return false
	}
	return slices.ContainsFunc(p.Allow, func(f string) bool { return natsserver.SubjectMatchesFilter(subject, f) })
}

// addresses expands a channel's address with every value of its
// parameters, e.g. legacy.{system}.{query}.
func addresses(channel any) []string {
	out := []string{fmt.Sprint(get(channel, "address"))}
	params, _ := get(channel, "parameters").(map[string]any)
	for param := range params {
		values, _ := get(params, param, "enum").([]any)
		var next []string
		for _, a := range out {
			for _, v := range values {
				next = append(next, strings.ReplaceAll(a, "{"+param+"}", fmt.Sprint(v)))
			}
		}
		out = next
	}
	return out
}

// streamOf is the stream that keeps subject, or "".
func (d *natsDeployment) streamOf(t *testing.T, subject string) string {
	t.Helper()
	info, err := d.ns.Jsz(&natsserver.JSzOptions{Accounts: true, Streams: true, Config: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, acc := range info.AccountDetails {
		for _, s := range acc.Streams {
			if s.Config != nil && slices.ContainsFunc(s.Config.Subjects, func(f string) bool { return natsserver.SubjectMatchesFilter(subject, f) }) {
				return s.Name
			}
		}
	}
	return ""
}
