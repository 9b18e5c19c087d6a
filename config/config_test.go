package config

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestDevAccounts(t *testing.T) {
	want := map[string]struct {
		role, token string
	}{
		"camille":   {"caseworker", "dev-camille"},
		"dominique": {"supervisor", "dev-dominique"},
		"alex":      {"auditor", "dev-alex"},
		"legacy":    {"integrator", "dev-legacy"},
		"yannick":   {"caseworker", "dev-yannick"},
	}
	f := Dev()
	if len(f.Accounts) != len(want) {
		t.Fatalf("Dev has %d accounts, want %d", len(f.Accounts), len(want))
	}
	for _, a := range f.Accounts {
		w, ok := want[a.ID]
		if !ok {
			t.Errorf("unexpected dev account %q", a.ID)
			continue
		}
		if !slices.Equal(a.Roles, []string{w.role}) {
			t.Errorf("%s roles = %v, want [%s]", a.ID, a.Roles, w.role)
		}
		if a.Token != w.token {
			t.Errorf("%s token = %q, want %q", a.ID, a.Token, w.token)
		}
		if a.TokenSHA256 != HashToken(w.token) || a.Name == "" {
			t.Errorf("%s: hash %q, name %q; want HashToken(%q) and a name", a.ID, a.TokenSHA256, a.Name, w.token)
		}
	}
	if f.Administration.Name == "" || f.Administration.Place == "" || len(f.Administration.Address) == 0 {
		t.Errorf("Dev administration incomplete: %+v", f.Administration)
	}
}

// Every template belongs to exactly one service, and every service a dev
// account works in exists.
func TestDevServices(t *testing.T) {
	f := Dev()
	owner := map[string]string{}
	for id, s := range f.Services {
		for _, tmpl := range s.Templates {
			if other, dup := owner[tmpl]; dup {
				t.Errorf("%s is handled by both %s and %s", tmpl, other, id)
			}
			owner[tmpl] = id
		}
	}
	for _, tmpl := range []string{"accuse-reception", "demande-pieces", "subvention-attribution", "subvention-refus", "occupation-domaine-public", "communication-documents"} {
		if f.ServiceOf(tmpl) == "" {
			t.Errorf("no service handles %s", tmpl)
		}
	}
	for _, a := range f.Accounts {
		for _, s := range a.Services {
			if _, ok := f.Services[s]; !ok {
				t.Errorf("%s works in unknown service %q", a.ID, s)
			}
		}
	}
	if len(f.Deadlines.ReminderDays) == 0 || f.Deadlines.EscalationDays == 0 {
		t.Errorf("deadlines %+v, want reminder and escalation thresholds", f.Deadlines)
	}
}

func TestHashToken(t *testing.T) {
	// printf %s dev-camille | sha256sum — not echo: a newline changes the hash.
	const want = "2b9b07299129a7df67caef893a5d190a38efc4db5f018eed013c2b550fecae56"
	if got := HashToken("dev-camille"); got != want {
		t.Errorf("HashToken(dev-camille) = %q, want %q", got, want)
	}
	if HashToken("dev-camille\n") == want {
		t.Errorf("HashToken ignores a trailing newline")
	}
}

// writeFile writes content to a file in a temp dir and returns its path.
func writeFile(t *testing.T, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "accounts.yaml")
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestLoadAccounts(t *testing.T) {
	hash := HashToken("s3cret")
	tests := []struct {
		name    string
		content string
		noFile  bool   // pass an empty path
		wantErr string // "" for success
		wantIs  error
	}{
		{name: "valid hashed file", content: "- id: camille\n  name: Camille Martin\n  roles: [caseworker]\n  token_sha256: " + hash + "\n"},
		{name: "uppercase hash accepted", content: "- id: camille\n  roles: [caseworker]\n  token_sha256: " + strings.ToUpper(hash) + "\n"},
		{name: "plain token refused", wantErr: "plain tokens are refused",
			content: "- id: camille\n  roles: [caseworker]\n  token: s3cret\n  token_sha256: " + hash + "\n"},
		{name: "hash too short", wantErr: "64 hex digits",
			content: "- id: camille\n  roles: [caseworker]\n  token_sha256: " + hash[:63] + "\n"},
		{name: "hash too long", wantErr: "64 hex digits",
			content: "- id: camille\n  roles: [caseworker]\n  token_sha256: " + hash + "0\n"},
		{name: "hash not hex in the middle", wantErr: "64 hex digits",
			content: "- id: camille\n  roles: [caseworker]\n  token_sha256: " + hash[:30] + "zz" + hash[32:] + "\n"},
		{name: "no hash", wantErr: "64 hex digits",
			content: "- id: camille\n  roles: [caseworker]\n"},
		{name: "missing id", wantErr: "id and roles are required",
			content: "- name: Camille\n  roles: [caseworker]\n  token_sha256: " + hash + "\n"},
		{name: "missing roles", wantErr: `account "camille": id and roles are required`,
			content: "- id: camille\n  token_sha256: " + hash + "\n"},
		{name: "second account bad", wantErr: `account "alex"`,
			content: "- id: camille\n  roles: [caseworker]\n  token_sha256: " + hash + "\n- id: alex\n  roles: [auditor]\n  token: x\n"},
		{name: "not a list", wantErr: "config: accounts", content: "id: camille\n"},
		{name: "two accounts share a token", wantErr: `"camille" and "alex" share a token`,
			content: "- id: camille\n  roles: [caseworker]\n  token_sha256: " + hash + "\n- id: alex\n  roles: [auditor]\n  token_sha256: " + hash + "\n"},
		{name: "empty file", content: "", wantIs: ErrNoAccounts},
		{name: "only comments", content: "# nobody yet\n", wantIs: ErrNoAccounts},
		{name: "empty list", content: "[]\n", wantIs: ErrNoAccounts},
		{name: "empty path", noFile: true, wantIs: ErrNoAccounts},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := ""
			if !tt.noFile {
				path = writeFile(t, tt.content)
			}
			accounts, err := LoadAccounts(path)
			switch {
			case tt.wantIs != nil:
				if !errors.Is(err, tt.wantIs) {
					t.Fatalf("LoadAccounts = %v, want %v", err, tt.wantIs)
				}
			case tt.wantErr != "":
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("LoadAccounts = %v, want error containing %q", err, tt.wantErr)
				}
				if !strings.Contains(err.Error(), path) {
					t.Errorf("error %q does not name the file", err)
				}
			default:
				if err != nil {
					t.Fatalf("LoadAccounts: %v", err)
				}
				if len(accounts) != 1 || accounts[0].ID != "camille" || !strings.EqualFold(accounts[0].TokenSHA256, hash) {
					t.Errorf("LoadAccounts = %+v", accounts)
				}
			}
			if err != nil && accounts != nil {
				t.Errorf("LoadAccounts returned accounts %v with error", accounts)
			}
		})
	}
}

func TestLoadAccountsMissingFile(t *testing.T) {
	_, err := LoadAccounts(filepath.Join(t.TempDir(), "absent.yaml"))
	if !errors.Is(err, os.ErrNotExist) {
		t.Errorf("LoadAccounts(absent) = %v, want os.ErrNotExist", err)
	}
}

// The example shipped for operators must load, and its comment's claim
// about the placeholder tokens must hold.
func TestLoadAccountsDeployExample(t *testing.T) {
	accounts, err := LoadAccounts(filepath.Join("..", "deploy", "accounts.example.yaml"))
	if err != nil {
		t.Fatalf("LoadAccounts(example): %v", err)
	}
	for _, a := range accounts {
		if a.TokenSHA256 != HashToken("change-me-"+a.ID) {
			t.Errorf("%s: token_sha256 is not the hash of change-me-%s", a.ID, a.ID)
		}
	}
}

func TestLoadAdministration(t *testing.T) {
	tests := []struct {
		name     string
		content  string
		noFile   bool
		wantName string
		wantErr  string
	}{
		{name: "empty path gives the dev administration", noFile: true, wantName: Dev().Administration.Name},
		{name: "file", content: "administration:\n  name: Mairie de Test\n  place: Test\n", wantName: "Mairie de Test"},
		{name: "missing name", content: "administration:\n  service: Accueil\n", wantErr: "administration.name is required"},
		{name: "empty file", content: "", wantErr: "administration.name is required"},
		{name: "bad YAML", content: "administration: [\n", wantErr: "config:"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := ""
			if !tt.noFile {
				path = writeFile(t, tt.content)
			}
			got, err := LoadAdministration(path)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("LoadAdministration = %+v, %v; want error containing %q", got, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("LoadAdministration: %v", err)
			}
			if got.Name != tt.wantName || got.Name == "" {
				t.Errorf("Name = %q, want %q", got.Name, tt.wantName)
			}
		})
	}
}

func TestLoadAdministrationDeployExample(t *testing.T) {
	got, err := LoadAdministration(filepath.Join("..", "deploy", "administration.example.yaml"))
	if err != nil {
		t.Fatalf("LoadAdministration(example): %v", err)
	}
	if len(got.Address) == 0 || got.Contact == "" {
		t.Errorf("example administration incomplete: %+v", got)
	}
}

func TestDelegations(t *testing.T) {
	if steps := Dev().DelegationsOf("subvention-attribution"); len(steps) != 1 || steps[0].Task != "parapheur" || steps[0].Heartbeat == 0 {
		t.Errorf("dev grants' delegated steps = %+v, want the parapheur with a heartbeat", steps)
	}
	if steps := Dev().DelegationsOf("accuse-reception"); len(steps) != 0 {
		t.Errorf("acknowledgements have delegated steps %+v", steps)
	}
	tests := []struct {
		name    string
		d       Delegation
		wantErr string
	}{
		{"ok", Delegation{Task: "ged-archive", At: "after_notify", Timeout: time.Hour}, ""},
		{"print is taken", Delegation{Task: "print", At: "before_render", Timeout: time.Hour}, "not print"},
		{"not a subject token", Delegation{Task: "visa.maire", At: "before_render", Timeout: time.Hour}, "lower-case"},
		{"unknown place", Delegation{Task: "visa", At: "before_draft", Timeout: time.Hour}, "before_render or after_notify"},
		{"no timeout", Delegation{Task: "visa", At: "before_render"}, "timeout"},
		{"heartbeat too long", Delegation{Task: "visa", At: "before_render", Timeout: time.Hour, Heartbeat: time.Hour}, "heartbeat"},
	}
	for _, tt := range tests {
		err := checkDelegations(map[string][]Delegation{"accuse-reception": {tt.d}})
		if tt.wantErr == "" && err != nil || tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
			t.Errorf("%s: error %v, want %q", tt.name, err, tt.wantErr)
		}
	}
}
