package devstack

import (
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"go.temporal.io/server/common/cluster"
	"go.temporal.io/server/common/config"
	"go.temporal.io/server/common/dynamicconfig"
	"go.temporal.io/server/common/log"
	"go.temporal.io/server/common/membership/static"
	sqliteplugin "go.temporal.io/server/common/persistence/sql/sqlplugin/sqlite"
	"go.temporal.io/server/common/primitives"
	sqliteschema "go.temporal.io/server/schema/sqlite"
	"go.temporal.io/server/temporal"

	"google.golang.org/protobuf/types/known/durationpb"

	"github.com/dossier/dossier/internal/contract"
	"github.com/dossier/dossier/internal/engine"
)

const clusterName = "dossier-dev"

// temporalOptions configures the embedded Temporal server.
type temporalOptions struct {
	DBFile  string // SQLite file; created with its schema on first start
	Port    int    // frontend gRPC port on 127.0.0.1
	LogFile string // where the server's own log goes, at warn level and above
}

// sqlitePragmas are the connection settings of the dev database: WAL and
// synchronous=normal run about three times more cases per second than the
// defaults and still never lose a committed transaction on a process crash.
var sqlitePragmas = map[string]string{
	"mode":         "rwc",
	"journal_mode": "wal",
	"synchronous":  "normal",
	"busy_timeout": "10000",
}

// historyCacheSize bounds how many workflows' mutable state the history
// service keeps in memory (Temporal's default, 128,000 for an hour, would
// keep every case that moved in the last hour: some 11 KB each). It holds
// as many as the worker's cache; a case that moves after it was evicted
// has its state read back from SQLite first, a millisecond or two.
const historyCacheSize = 2000

// startTemporal creates the database on first start, makes sure the dossier
// namespace exists, and starts every Temporal service in this process. The
// internal services' ports are picked free just before they bind, so a
// start that loses one to another process is tried again on new ports.
func startTemporal(o temporalOptions) (temporal.Server, error) {
	var err error
	for range 3 {
		var srv temporal.Server
		if srv, err = startTemporalOnce(o); err == nil || !strings.Contains(err.Error(), "address already in use") {
			return srv, err
		}
	}
	return nil, err
}

func startTemporalOnce(o temporalOptions) (temporal.Server, error) {
	sqlConf, err := prepareDatabase(o.DBFile)
	if err != nil {
		return nil, err
	}
	conf, err := serverConfig(o, sqlConf)
	if err != nil {
		return nil, err
	}
	logger := log.NewZapLogger(log.BuildZapLogger(log.Config{Level: "warn", OutputFile: o.LogFile, Format: "json"}))
	srv, err := temporal.NewServer(
		temporal.WithConfig(conf),
		temporal.ForServices(temporal.DefaultServices),
		temporal.WithStaticHosts(staticHosts(conf)),
		temporal.WithLogger(logger),
		temporal.WithDynamicConfigClient(dynamicconfig.StaticClient{
			dynamicconfig.FrontendMaxNamespaceVisibilityRPSPerInstance.Key(): 200,
			dynamicconfig.HistoryCacheHostLevelMaxSize.Key():                 historyCacheSize,
		}),
	)
	if err != nil {
		return nil, fmt.Errorf("temporal: %w", err)
	}
	if err := srv.Start(); err != nil {
		return nil, fmt.Errorf("temporal: start: %w", err)
	}
	return srv, nil
}

func prepareDatabase(file string) (*config.SQL, error) {
	sqlConf := &config.SQL{PluginName: sqliteplugin.PluginName, DatabaseName: file, ConnectAttributes: sqlitePragmas}
	if _, err := os.Stat(file); errors.Is(err, fs.ErrNotExist) {
		if err := sqliteschema.SetupSchema(sqlConf); err != nil {
			return nil, fmt.Errorf("temporal: create schema in %s: %w", file, err)
		}
	} else if err != nil {
		return nil, fmt.Errorf("temporal: %w", err)
	}
	// A new database gets the namespace with its search attributes at once;
	// engine.EnsureNamespace adds any that a newer Dossier needs later.
	ns, err := sqliteschema.NewNamespaceConfig(clusterName, contract.Namespace, false, engine.SearchAttributes())
	if err != nil {
		return nil, fmt.Errorf("temporal: namespace: %w", err)
	}
	ns.Detail.Config.Retention = durationpb.New(engine.Retention)
	if err := sqliteschema.CreateNamespaces(sqlConf, ns); err != nil {
		return nil, fmt.Errorf("temporal: namespace: %w", err)
	}
	return sqlConf, nil
}

func serverConfig(o temporalOptions, sqlConf *config.SQL) (*config.Config, error) {
	ports, err := freePorts(4)
	if err != nil {
		return nil, err
	}
	frontend := hostPort(o.Port)
	conf := &config.Config{}
	conf.Global.Membership.MaxJoinDuration = 30 * time.Second
	conf.Global.Membership.BroadcastAddress = "127.0.0.1"
	conf.Persistence.DefaultStore = "sqlite"
	conf.Persistence.VisibilityStore = "sqlite"
	conf.Persistence.NumHistoryShards = 1
	conf.Persistence.DataStores = map[string]config.DataStore{"sqlite": {SQL: sqlConf}}
	conf.ClusterMetadata = &cluster.Config{
		FailoverVersionIncrement: 10,
		MasterClusterName:        clusterName,
		CurrentClusterName:       clusterName,
		ClusterInformation: map[string]cluster.ClusterInformation{clusterName: {
			Enabled: true, InitialFailoverVersion: 1, RPCAddress: frontend,
			HTTPAddress: hostPort(ports[3]), ClusterID: clusterName,
		}},
	}
	conf.DCRedirectionPolicy.Policy = "noop"
	conf.Services = map[string]config.Service{
		"frontend": service(o.Port, ports[3]),
		"history":  service(ports[0], 0),
		"matching": service(ports[1], 0),
		"worker":   service(ports[2], 0),
	}
	conf.Archival.History.State = "disabled"
	conf.Archival.Visibility.State = "disabled"
	conf.NamespaceDefaults.Archival.History.State = "disabled"
	conf.NamespaceDefaults.Archival.Visibility.State = "disabled"
	conf.PublicClient.HostPort = frontend
	return conf, nil
}

func service(grpcPort, httpPort int) config.Service {
	var s config.Service
	s.RPC.GRPCPort = grpcPort
	s.RPC.HTTPPort = httpPort
	s.RPC.BindOnIP = "127.0.0.1"
	return s
}

func staticHosts(conf *config.Config) map[primitives.ServiceName]static.Hosts {
	hosts := map[primitives.ServiceName]static.Hosts{}
	for name, svc := range conf.Services {
		hosts[primitives.ServiceName(name)] = static.SingleLocalHost(hostPort(svc.RPC.GRPCPort))
	}
	return hosts
}

func hostPort(port int) string {
	return net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
}

// freePorts returns n ports free on 127.0.0.1 right now.
func freePorts(n int) ([]int, error) {
	ports := make([]int, 0, n)
	var listeners []net.Listener
	defer func() {
		for _, l := range listeners {
			l.Close()
		}
	}()
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, fmt.Errorf("free port: %w", err)
		}
		listeners = append(listeners, l)
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	return ports, nil
}

// pickPort returns port, or a free port when port is 0.
func pickPort(port int) (int, error) {
	if port != 0 {
		return port, nil
	}
	ports, err := freePorts(1)
	if err != nil {
		return 0, err
	}
	return ports[0], nil
}

// dataPath joins the data dir and a file name.
func dataPath(dir, name string) string { return filepath.Join(dir, name) }
