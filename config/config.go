// Package config holds Dossier's typed configuration: the administration
// printed on letters and the accounts allowed to use the API.
//
// `dossier dev` reads the embedded dev.yaml. The production roles read the
// administration from DOSSIER_CONFIG (a YAML file of the same shape, default:
// the dev administration) and hashed accounts from DOSSIER_ACCOUNTS_FILE.
// Connection settings are flags with environment overrides, documented in
// `dossier --help`: DOSSIER_TEMPORAL_ADDRESS, DOSSIER_NATS_URL,
// DOSSIER_HTTP_ADDR, DOSSIER_DATA.
package config

import (
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/dossier/dossier/internal/contract"
)

//go:embed dev.yaml
var devYAML []byte

//go:embed logo.png
var devLogo []byte

// Administration is the issuing administration, printed on every letter.
type Administration struct {
	Name    string   `yaml:"name"`
	Service string   `yaml:"service"`
	Address []string `yaml:"address"`
	Contact string   `yaml:"contact"`
	Place   string   `yaml:"place"`
	// Logo is the path of a PNG logo printed on letters (dev: the built-in one).
	Logo string `yaml:"logo"`
	// LogoPNG is the logo's content, read by Load or embedded for dev.
	LogoPNG []byte `yaml:"-"`
}

// Account is a person or system allowed to call the API.
type Account struct {
	ID    string   `yaml:"id"`
	Name  string   `yaml:"name"`
	Title string   `yaml:"title"`
	Roles []string `yaml:"roles"`
	// Services are the teams whose cases the account handles.
	Services []string `yaml:"services"`
	// Email and OIDCSubject identify the person when the identity
	// provider signs them in to the web app (OpenID Connect).
	Email       string `yaml:"email"`
	OIDCSubject string `yaml:"oidc_subject"`
	// Token is a plain bearer token; accepted in dev.yaml only.
	Token string `yaml:"token"`
	// TokenSHA256 is the hex SHA-256 of the bearer token.
	TokenSHA256 string `yaml:"token_sha256"`
}

// Service is a team of the administration and the letters it handles.
type Service struct {
	Name      string   `yaml:"name"`
	Templates []string `yaml:"templates"`
}

// Deadlines are the reminder and escalation thresholds before a legal
// deadline, in days.
type Deadlines struct {
	ReminderDays   []int `yaml:"reminder_days"`
	EscalationDays int   `yaml:"escalation_days"`
}

// Notify bounds the notification channels: how long the legacy print
// system has to answer a print job, and when a reminder goes out.
type Notify struct {
	PrintTimeout  time.Duration `yaml:"print_timeout"`
	PrintReminder time.Duration `yaml:"print_reminder"`
}

// Delegation is a step of a template's cases that a legacy system
// performs (see contract.DelegatedStep): its task name (the subject
// dossier.tasks.<task>), where it runs (before_render or after_notify),
// how long Dossier waits for the answer, and at most how long between two
// heartbeats (0: none needed).
type Delegation struct {
	Task      string        `yaml:"task"`
	At        string        `yaml:"at"`
	Timeout   time.Duration `yaml:"timeout"`
	Heartbeat time.Duration `yaml:"heartbeat"`
}

// File is the shape of dev.yaml and of DOSSIER_CONFIG files.
type File struct {
	Administration Administration     `yaml:"administration"`
	Services       map[string]Service `yaml:"services"`
	Deadlines      Deadlines          `yaml:"deadlines"`
	Notify         Notify             `yaml:"notify"`
	// Delegations are, by template, the steps legacy systems perform.
	Delegations map[string][]Delegation `yaml:"delegations"`
	Accounts    []Account               `yaml:"accounts"`
}

// DelegationsOf returns the delegated steps of template's cases.
func (f File) DelegationsOf(template string) []contract.DelegatedStep {
	var out []contract.DelegatedStep
	for _, d := range f.Delegations[template] {
		out = append(out, contract.DelegatedStep(d))
	}
	return out
}

// taskName is what a delegated task may be called: it is a NATS subject
// token, and "print" is the print jobs'.
var taskName = regexp.MustCompile(`^[a-z][a-z0-9-]{0,39}$`)

// checkDelegations refuses a delegation Dossier could not run: a bad task
// name, an unknown place, no timeout or one over 30 days, or a heartbeat
// that is not shorter than the timeout.
func checkDelegations(ds map[string][]Delegation) error {
	for template, steps := range ds {
		for i, d := range steps {
			where := fmt.Sprintf("delegations.%s[%d]", template, i)
			switch {
			case !taskName.MatchString(d.Task) || d.Task == "print":
				return fmt.Errorf("%s: task %q must be lower-case letters, digits and dashes, and not print", where, d.Task)
			case d.At != contract.DelegateBeforeRender && d.At != contract.DelegateAfterNotify:
				return fmt.Errorf("%s: at %q must be %s or %s", where, d.At, contract.DelegateBeforeRender, contract.DelegateAfterNotify)
			case d.Timeout <= 0 || d.Timeout > 30*24*time.Hour:
				return fmt.Errorf("%s: timeout %s must be between 1s and 720h", where, d.Timeout)
			case d.Heartbeat < 0 || d.Heartbeat >= d.Timeout:
				return fmt.Errorf("%s: heartbeat %s must be shorter than the timeout", where, d.Heartbeat)
			}
		}
	}
	return nil
}

// ServiceOf returns the id of the service that handles template, or "".
func (f File) ServiceOf(template string) string {
	for id, s := range f.Services {
		for _, t := range s.Templates {
			if t == template {
				return id
			}
		}
	}
	return ""
}

// Dev returns the embedded configuration of `dossier dev`, demo accounts included.
func Dev() File {
	var f File
	if err := yaml.Unmarshal(devYAML, &f); err != nil {
		panic(fmt.Sprintf("config: embedded dev.yaml: %v", err))
	}
	for i := range f.Accounts {
		f.Accounts[i].TokenSHA256 = HashToken(f.Accounts[i].Token)
	}
	f.Administration.LogoPNG = devLogo
	if err := checkDelegations(f.Delegations); err != nil {
		panic(fmt.Sprintf("config: embedded dev.yaml: %v", err))
	}
	return f
}

// HashToken returns the hex SHA-256 of a bearer token.
func HashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// ErrNoAccounts is returned when a production role has no account to accept.
var ErrNoAccounts = errors.New("config: no accounts configured (set DOSSIER_ACCOUNTS_FILE)")

// LoadAccounts reads a YAML list of accounts with hashed tokens. Plain
// tokens are refused: a production file must never hold them.
func LoadAccounts(path string) ([]Account, error) {
	if path == "" {
		return nil, ErrNoAccounts
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("config: accounts: %w", err)
	}
	var accounts []Account
	if err := yaml.Unmarshal(raw, &accounts); err != nil {
		return nil, fmt.Errorf("config: accounts %s: %w", path, err)
	}
	seen := map[string]string{}
	for _, a := range accounts {
		if err := checkAccount(a); err != nil {
			return nil, fmt.Errorf("config: accounts %s: %w", path, err)
		}
		hash := strings.ToLower(a.TokenSHA256)
		if other, dup := seen[hash]; dup && hash != "" {
			return nil, fmt.Errorf("config: accounts %s: %q and %q share a token", path, other, a.ID)
		}
		seen[hash] = a.ID
	}
	if len(accounts) == 0 {
		return nil, ErrNoAccounts
	}
	return accounts, nil
}

func checkAccount(a Account) error {
	switch {
	case a.ID == "" || len(a.Roles) == 0:
		return fmt.Errorf("account %q: id and roles are required", a.ID)
	case a.Token != "":
		return fmt.Errorf("account %q: plain tokens are refused, give token_sha256", a.ID)
	case a.TokenSHA256 == "" && (a.Email != "" || a.OIDCSubject != ""):
		return nil // signs in with OpenID Connect only
	case len(a.TokenSHA256) != 64 || strings.Trim(strings.ToLower(a.TokenSHA256), "0123456789abcdef") != "":
		return fmt.Errorf("account %q: token_sha256 must be 64 hex digits", a.ID)
	}
	return nil
}

// LoadAdministration reads the administration block of a YAML config file,
// or returns the dev administration when path is empty.
func LoadAdministration(path string) (Administration, error) {
	f, err := Load(path)
	return f.Administration, err
}

// Load reads a YAML config file (administration, services, deadlines), or
// returns the dev configuration when path is empty. Accounts in the file
// are ignored: production accounts come from DOSSIER_ACCOUNTS_FILE.
func Load(path string) (File, error) {
	if path == "" {
		return Dev(), nil
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		return File{}, fmt.Errorf("config: %w", err)
	}
	var f File
	if err := yaml.Unmarshal(raw, &f); err != nil {
		return File{}, fmt.Errorf("config: %s: %w", path, err)
	}
	if f.Administration.Name == "" {
		return File{}, fmt.Errorf("config: %s: administration.name is required", path)
	}
	if f.Administration.Logo != "" {
		logo := f.Administration.Logo
		if !filepath.IsAbs(logo) {
			logo = filepath.Join(filepath.Dir(path), logo)
		}
		if f.Administration.LogoPNG, err = os.ReadFile(logo); err != nil {
			return File{}, fmt.Errorf("config: %s: logo: %w", path, err)
		}
	}
	if err := checkDelegations(f.Delegations); err != nil {
		return File{}, fmt.Errorf("config: %s: %w", path, err)
	}
	f.Accounts = nil
	return f, nil
}
