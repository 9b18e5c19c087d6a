package dossier_test

// These tests check the wiring of docker-compose.yml without a Docker engine:
// they load it with compose-go, as `docker compose` does, and follow every
// link between services, mounted files and the Dockerfile.

import (
	"context"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/compose-spec/compose-go/v2/cli"
	"github.com/compose-spec/compose-go/v2/types"
	natsserver "github.com/nats-io/nats-server/v2/server"

	"github.com/dossier/dossier/config"
)

const composeFile = "docker-compose.yml"

// dossierRoles are the services built from the repository's Dockerfile, with
// the subcommand each one runs.
var dossierRoles = []struct{ service, command string }{
	{"dossier-worker", "worker"},
	{"dossier-api", "api"},
	{"dossier-bridge", "bridge"},
}

func TestComposeServices(t *testing.T) {
	p := loadCompose(t, true)
	want := []string{"postgresql", "temporal-schema", "temporal", "temporal-ui", "nats"}
	for _, r := range dossierRoles {
		want = append(want, r.service)
	}
	for _, name := range want {
		if _, ok := p.Services[name]; !ok {
			t.Errorf("service %q is missing", name)
		}
	}
	for name := range p.Services {
		if !slices.Contains(want, name) {
			t.Errorf("unexpected service %q: add it to this test with its checks", name)
		}
	}
}

func TestComposeImagesArePinned(t *testing.T) {
	p := loadCompose(t, true)
	exact := map[string]string{
		"temporal-schema": "temporalio/admin-tools:1.32.1",
		"temporal":        "temporalio/server:1.32.1",
		"temporal-ui":     "temporalio/ui:2.55.0",
	}
	prefix := map[string]string{"postgresql": "postgres:16", "nats": "nats:2."}
	for name, s := range p.Services {
		switch {
		case s.Image == "" && s.Build == nil:
			t.Errorf("%s: neither image nor build", name)
		case s.Image == "":
			continue // built from the repository, checked by TestComposeDossierRoles
		case !pinned(s.Image):
			t.Errorf("%s: image %q is not pinned to a version tag", name, s.Image)
		}
		if want, ok := exact[name]; ok && s.Image != want {
			t.Errorf("%s: image %q, want %q", name, s.Image, want)
		}
		if want, ok := prefix[name]; ok && !strings.HasPrefix(s.Image, want) {
			t.Errorf("%s: image %q, want %s*", name, s.Image, want)
		}
	}
}

func TestComposeDossierRoles(t *testing.T) {
	p := loadCompose(t, true)
	root := repoRoot(t)
	for _, r := range dossierRoles {
		t.Run(r.service, func(t *testing.T) {
			s := service(t, p, r.service)
			if s.Build == nil {
				t.Fatal("no build section, want the repository's Dockerfile")
			}
			if s.Build.Context != root {
				t.Errorf("build.context %s, want the repository root %s", s.Build.Context, root)
			}
			if _, err := os.Stat(filepath.Join(s.Build.Context, s.Build.Dockerfile)); err != nil {
				t.Errorf("build.dockerfile: %v", err)
			}
			if !slices.Equal(s.Command, types.ShellCommand{r.command}) {
				t.Errorf("command %q, want [%s]", s.Command, r.command)
			}
			checkAddress(t, p, s, "DOSSIER_TEMPORAL_ADDRESS", "temporal", temporalPort(p))
			checkAddress(t, p, s, "DOSSIER_NATS_URL", "nats", strconv.Itoa(natsConfig(t, p).Port))
			for _, dep := range []string{"temporal", "nats"} {
				checkDependsOn(t, p, s, dep, types.ServiceConditionHealthy)
			}
			if _, err := config.LoadAdministration(hostPath(t, s, env(s, "DOSSIER_CONFIG"))); err != nil {
				t.Errorf("DOSSIER_CONFIG: %v", err)
			}
		})
	}
}

func TestComposeTemporalStartsAfterItsSchema(t *testing.T) {
	p := loadCompose(t, true)
	temporal, schema := service(t, p, "temporal"), service(t, p, "temporal-schema")
	checkDependsOn(t, p, temporal, "postgresql", types.ServiceConditionHealthy)
	checkDependsOn(t, p, temporal, "temporal-schema", types.ServiceConditionCompletedSuccessfully)
	checkDependsOn(t, p, schema, "postgresql", types.ServiceConditionHealthy)
	if r := schema.Restart; r == types.RestartPolicyAlways || r == types.RestartPolicyUnlessStopped {
		t.Errorf("temporal-schema: restart %q would rerun a job that must complete", r)
	}
	if hc := healthcheck(t, p, "postgresql"); !slices.Contains(hc, "pg_isready") {
		t.Errorf("postgresql: healthcheck %q does not run pg_isready", hc)
	}
	checkNamedVolume(t, p, "postgresql", "/var/lib/postgresql/data")

	// The schema job and the server must agree on where the databases are.
	postgres := service(t, p, "postgresql")
	same := []struct{ what, a, b string }{
		{"temporal-schema SQL_HOST, temporal POSTGRES_SEEDS", env(schema, "SQL_HOST"), env(temporal, "POSTGRES_SEEDS")},
		{"temporal-schema SQL_HOST, the postgresql service", env(schema, "SQL_HOST"), "postgresql"},
		{"temporal-schema SQL_USER, temporal POSTGRES_USER", env(schema, "SQL_USER"), env(temporal, "POSTGRES_USER")},
		{"postgresql POSTGRES_USER, temporal POSTGRES_USER", env(postgres, "POSTGRES_USER"), env(temporal, "POSTGRES_USER")},
		{"temporal-schema SQL_PASSWORD, temporal POSTGRES_PWD", env(schema, "SQL_PASSWORD"), env(temporal, "POSTGRES_PWD")},
		{"postgresql POSTGRES_PASSWORD, temporal POSTGRES_PWD", env(postgres, "POSTGRES_PASSWORD"), env(temporal, "POSTGRES_PWD")},
		{"DBNAME of temporal-schema and temporal", env(schema, "DBNAME"), env(temporal, "DBNAME")},
		{"VISIBILITY_DBNAME of temporal-schema and temporal", env(schema, "VISIBILITY_DBNAME"), env(temporal, "VISIBILITY_DBNAME")},
	}
	for _, s := range same {
		if s.a == "" || s.a != s.b {
			t.Errorf("%s differ: %q, %q", s.what, s.a, s.b)
		}
	}
}

func TestComposeNATSJetStream(t *testing.T) {
	p := loadCompose(t, true)
	opts := natsConfig(t, p)
	if !opts.JetStream || opts.StoreDir == "" {
		t.Fatalf("nats: JetStream %v with store_dir %q, want enabled with a store_dir", opts.JetStream, opts.StoreDir)
	}
	checkNamedVolume(t, p, "nats", opts.StoreDir)
	hc := strings.Join(healthcheck(t, p, "nats"), " ")
	want := "http://127.0.0.1:" + strconv.Itoa(opts.HTTPPort) + "/healthz?js-enabled-only=true"
	if opts.HTTPPort == 0 || !strings.Contains(hc, want) {
		t.Errorf("nats: healthcheck %q, want a probe of %s", hc, want)
	}
}

func TestComposeAPI(t *testing.T) {
	p := loadCompose(t, true)
	api := service(t, p, "dossier-api")
	_, port, err := net.SplitHostPort(env(api, "DOSSIER_HTTP_ADDR"))
	if err != nil || port != "8080" {
		t.Errorf("DOSSIER_HTTP_ADDR %q, want port 8080 (%v)", env(api, "DOSSIER_HTTP_ADDR"), err)
	}
	if !slices.ContainsFunc(api.Ports, func(pc types.ServicePortConfig) bool {
		return pc.Target == 8080 && pc.Published == "8080"
	}) {
		t.Errorf("dossier-api: ports %+v, want 8080:8080", api.Ports)
	}
	hc := healthcheck(t, p, "dossier-api")
	if !slices.Contains(hc, "http://127.0.0.1:8080/healthz") {
		t.Errorf("dossier-api: healthcheck %q, want GET http://127.0.0.1:8080/healthz", hc)
	}
	if hc[1] != "/dossier" || hc[2] != "healthcheck" {
		t.Errorf("dossier-api: healthcheck %q, want the binary's own probe: /dossier healthcheck URL", hc)
	}
	checkInImage(t, api, hc[1])
	if _, err := config.LoadAccounts(hostPath(t, api, env(api, "DOSSIER_ACCOUNTS_FILE"))); err != nil {
		t.Errorf("DOSSIER_ACCOUNTS_FILE: %v", err)
	}
}

func TestComposeMountedFilesExist(t *testing.T) {
	p := loadCompose(t, true)
	root := repoRoot(t)
	for name, s := range p.Services {
		for _, v := range s.Volumes {
			if v.Type != types.VolumeTypeBind {
				continue
			}
			rel, err := filepath.Rel(root, v.Source)
			if err != nil || strings.HasPrefix(rel, "..") {
				t.Errorf("%s: mounts %s from outside the repository", name, v.Source)
			}
			if _, err := os.Stat(v.Source); err != nil {
				t.Errorf("%s: mount for %s: %v", name, v.Target, err)
			}
			if !v.ReadOnly {
				t.Errorf("%s: %s is mounted read-write, want :ro", name, v.Target)
			}
		}
	}
}

// TestComposeSecretsFromEnvironment reads the file before interpolation:
// every password or token must come from the environment, with at most an
// obvious dev default.
func TestComposeSecretsFromEnvironment(t *testing.T) {
	p := loadCompose(t, false)
	for name, s := range p.Services {
		for key, v := range s.Environment {
			secret := strings.Contains(key, "PASSWORD") || strings.Contains(key, "PWD") ||
				strings.Contains(key, "SECRET") || strings.Contains(key, "TOKEN")
			if secret && (v == nil || !strings.HasPrefix(*v, "${")) {
				t.Errorf("%s: %s is written in clear, want ${VAR:-dev-default}", name, key)
			}
			if password, ok := urlPassword(v); ok && !strings.HasPrefix(password, "${") {
				t.Errorf("%s: the password in %s is written in clear, want ${VAR:-dev-default}", name, key)
			}
		}
	}
}

// urlPassword returns the password of a URL such as
// nats://user:password@host:4222, before interpolation.
func urlPassword(v *string) (string, bool) {
	if v == nil {
		return "", false
	}
	_, rest, ok := strings.Cut(*v, "://")
	userinfo, _, hasAt := strings.Cut(rest, "@")
	_, password, hasPassword := strings.Cut(userinfo, ":")
	return password, ok && hasAt && hasPassword
}

// loadCompose loads docker-compose.yml as `docker compose` would, with a fixed
// project name and an empty environment, so that defaults apply.
func loadCompose(t *testing.T, interpolate bool) *types.Project {
	t.Helper()
	opts, err := cli.NewProjectOptions([]string{composeFile},
		cli.WithName("dossier-test"),
		cli.WithWorkingDirectory(repoRoot(t)),
		cli.WithEnv(nil),
		cli.WithInterpolation(interpolate),
		cli.WithResolvedPaths(true),
	)
	if err != nil {
		t.Fatal(err)
	}
	p, err := opts.LoadProject(context.Background())
	if err != nil {
		t.Fatalf("load %s: %v", composeFile, err)
	}
	return p
}

func repoRoot(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs(".")
	if err != nil {
		t.Fatal(err)
	}
	return root
}

func service(t *testing.T, p *types.Project, name string) types.ServiceConfig {
	t.Helper()
	s, ok := p.Services[name]
	if !ok {
		t.Fatalf("service %q is missing", name)
	}
	return s
}

// env returns a service's environment variable, or "" when unset.
func env(s types.ServiceConfig, key string) string {
	if v := s.Environment[key]; v != nil {
		return *v
	}
	return ""
}

// pinned reports whether an image reference names a tag other than latest,
// or a digest.
func pinned(image string) bool {
	if strings.Contains(image, "@sha256:") {
		return true
	}
	name := image[strings.LastIndex(image, "/")+1:]
	_, tag, ok := strings.Cut(name, ":")
	return ok && tag != "" && tag != "latest"
}

// checkAddress checks that s's variable key holds a host:port or URL whose
// host is the service wantHost and whose port is the one it listens on.
func checkAddress(t *testing.T, p *types.Project, s types.ServiceConfig, key, wantHost, wantPort string) {
	t.Helper()
	addr := env(s, key)
	if u, err := url.Parse(addr); err == nil && u.Host != "" {
		addr = u.Host
	}
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		t.Errorf("%s %q: %v", key, env(s, key), err)
		return
	}
	if _, ok := p.Services[host]; !ok || host != wantHost || port != wantPort {
		t.Errorf("%s %q, want service %s on port %s", key, env(s, key), wantHost, wantPort)
	}
}

// checkDependsOn checks that s waits for dep with the given condition, and
// that a health condition has a healthcheck to wait on.
func checkDependsOn(t *testing.T, p *types.Project, s types.ServiceConfig, dep, condition string) {
	t.Helper()
	if got := s.DependsOn[dep].Condition; got != condition {
		t.Errorf("%s: depends_on %s with condition %q, want %q", s.Name, dep, got, condition)
	}
	if condition == types.ServiceConditionHealthy {
		healthcheck(t, p, dep)
	}
}

// healthcheck returns the test command of a service's healthcheck.
func healthcheck(t *testing.T, p *types.Project, name string) []string {
	t.Helper()
	hc := service(t, p, name).HealthCheck
	if hc == nil || hc.Disable || len(hc.Test) < 2 || hc.Test[0] != "CMD" && hc.Test[0] != "CMD-SHELL" {
		t.Fatalf("%s: no usable healthcheck: %+v", name, hc)
	}
	return hc.Test
}

// checkNamedVolume checks that dir, in service name, lies on a named volume
// declared at the top level.
func checkNamedVolume(t *testing.T, p *types.Project, name, dir string) {
	t.Helper()
	for _, v := range service(t, p, name).Volumes {
		_, declared := p.Volumes[v.Source]
		if v.Type == types.VolumeTypeVolume && declared && within(dir, v.Target) {
			return
		}
	}
	t.Errorf("%s: %s is not on a named volume: its data would not survive the container", name, dir)
}

// hostPath returns the repository file mounted at path in s.
func hostPath(t *testing.T, s types.ServiceConfig, path string) string {
	t.Helper()
	for _, v := range s.Volumes {
		if v.Type == types.VolumeTypeBind && within(path, v.Target) {
			return filepath.Join(v.Source, strings.TrimPrefix(path, v.Target))
		}
	}
	t.Fatalf("%s: nothing is mounted at %q", s.Name, path)
	return ""
}

func within(path, dir string) bool {
	return path == dir || strings.HasPrefix(path, strings.TrimSuffix(dir, "/")+"/")
}

// natsConfig parses the configuration file that the nats service is started
// with, using nats-server's own parser, in the service's environment (the
// file reads the users' passwords from it).
func natsConfig(t *testing.T, p *types.Project) *natsserver.Options {
	t.Helper()
	s := service(t, p, "nats")
	for key, v := range s.Environment {
		if v != nil {
			t.Setenv(key, *v)
		}
	}
	i := slices.IndexFunc(s.Command, func(arg string) bool { return arg == "--config" || arg == "-c" })
	if i < 0 || i+1 == len(s.Command) {
		t.Fatalf("nats: command %q does not give a --config file", s.Command)
	}
	opts, err := natsserver.ProcessConfigFile(hostPath(t, s, s.Command[i+1]))
	if err != nil {
		t.Fatalf("nats: %v", err)
	}
	return opts
}

// temporalPort is the frontend's gRPC port as the server image derives it.
func temporalPort(p *types.Project) string {
	if port := env(p.Services["temporal"], "FRONTEND_GRPC_PORT"); port != "" {
		return port
	}
	return "7233"
}

// checkInImage checks that the program a healthcheck runs, given by absolute
// path, is installed by the service's Dockerfile.
func checkInImage(t *testing.T, s types.ServiceConfig, program string) {
	t.Helper()
	dockerfile, err := os.ReadFile(filepath.Join(s.Build.Context, s.Build.Dockerfile))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(dockerfile), " "+program+"\n") {
		t.Errorf("%s: healthcheck runs %s, which the Dockerfile does not install", s.Name, program)
	}
}
