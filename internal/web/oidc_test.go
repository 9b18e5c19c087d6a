package web

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"

	"github.com/dossier/dossier/internal/contract"
)

// provider is an OpenID Connect provider for tests: it signs in whoever
// it is told to, at once, with RS256 ID tokens.
type provider struct {
	t       *testing.T
	srv     *httptest.Server
	key     *rsa.PrivateKey
	mu      sync.Mutex
	subject string
	email   string
	nonces  map[string]string // code → nonce
}

func newProvider(t *testing.T, subject, email string) *provider {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	p := &provider{t: t, key: key, subject: subject, email: email, nonces: map[string]string{}}
	mux := http.NewServeMux()
	mux.HandleFunc("/.well-known/openid-configuration", p.discovery)
	mux.HandleFunc("/jwks", p.jwks)
	mux.HandleFunc("/authorize", p.authorize)
	mux.HandleFunc("/token", p.token)
	p.srv = httptest.NewServer(mux)
	t.Cleanup(p.srv.Close)
	return p
}

func (p *provider) discovery(w http.ResponseWriter, r *http.Request) {
	_ = json.NewEncoder(w).Encode(map[string]any{"issuer": p.srv.URL, "authorization_endpoint": p.srv.URL + "/authorize",
		"token_endpoint": p.srv.URL + "/token", "jwks_uri": p.srv.URL + "/jwks", "id_token_signing_alg_values_supported": []string{"RS256"}})
}

func (p *provider) jwks(w http.ResponseWriter, r *http.Request) {
	_ = json.NewEncoder(w).Encode(jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{Key: &p.key.PublicKey, KeyID: "k1", Algorithm: "RS256", Use: "sig"}}})
}

// authorize signs the user in at once and sends the browser back.
func (p *provider) authorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if q.Get("code_challenge_method") != "S256" || q.Get("code_challenge") == "" {
		p.t.Errorf("authorization request without PKCE: %s", r.URL.RawQuery)
	}
	code := randomToken()
	p.mu.Lock()
	p.nonces[code] = q.Get("nonce")
	p.mu.Unlock()
	back, _ := url.Parse(q.Get("redirect_uri"))
	back.RawQuery = url.Values{"code": {code}, "state": {q.Get("state")}}.Encode()
	http.Redirect(w, r, back.String(), http.StatusFound)
}

func (p *provider) token(w http.ResponseWriter, r *http.Request) {
	_ = r.ParseForm()
	p.mu.Lock()
	nonce, ok := p.nonces[r.PostForm.Get("code")]
	delete(p.nonces, r.PostForm.Get("code"))
	p.mu.Unlock()
	if !ok || r.PostForm.Get("code_verifier") == "" {
		http.Error(w, `{"error":"invalid_grant"}`, http.StatusBadRequest)
		return
	}
	signer, _ := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: p.key}, (&jose.SignerOptions{}).WithHeader("kid", "k1"))
	claims := map[string]any{"iss": p.srv.URL, "sub": p.subject, "aud": "dossier", "exp": time.Now().Add(time.Hour).Unix(),
		"iat": time.Now().Unix(), "nonce": nonce, "email": p.email, "email_verified": true}
	idToken, _ := jwt.Signed(signer).Claims(claims).Serialize()
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{"access_token": "at", "token_type": "Bearer", "expires_in": 3600, "id_token": idToken})
}

type directory map[string]contract.Actor

func (d directory) Identify(subject, email string) (contract.Actor, bool) {
	if a, ok := d[subject]; ok {
		return a, true
	}
	a, ok := d[email]
	return a, ok
}

// webWithOIDC serves the web app (sign-in only) against the provider.
func webWithOIDC(t *testing.T, p *provider) *httptest.Server {
	t.Helper()
	s := &Server{Logger: slog.Default()}
	app := httptest.NewUnstartedServer(nil)
	cfg := OIDCConfig{Issuer: p.srv.URL, ClientID: "dossier", ClientSecret: "s3cret", RedirectURL: "http://" + app.Listener.Addr().String() + "/auth/callback"}
	var err error
	s.OIDC, err = NewOIDC(context.Background(), cfg, directory{"agent-42": {ID: "camille", Roles: []string{"caseworker"}}})
	if err != nil {
		t.Fatal(err)
	}
	h, err := s.Handler()
	if err != nil {
		t.Fatal(err)
	}
	app.Config.Handler = h
	app.Start()
	t.Cleanup(app.Close)
	return app
}

func browse(t *testing.T, url string) (*http.Response, string) {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, CheckRedirect: func(req *http.Request, via []*http.Request) error {
		if strings.HasSuffix(req.URL.Path, "/inbox") {
			return http.ErrUseLastResponse // the inbox needs the case service; stop at the redirect
		}
		return nil
	}}
	resp, err := c.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp, string(body)
}

func TestOIDCSignIn(t *testing.T) {
	app := webWithOIDC(t, newProvider(t, "agent-42", "camille.martin@montreuil.example"))
	resp, _ := browse(t, app.URL+"/auth/login")
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/inbox" {
		t.Fatalf("after the provider: %d to %q, want 303 to /inbox", resp.StatusCode, resp.Header.Get("Location"))
	}
	var session *http.Cookie
	for _, c := range resp.Cookies() {
		if c.Name == cookieName && c.Value != "" {
			session = c
		}
	}
	if session == nil || !session.HttpOnly || session.SameSite != http.SameSiteLaxMode {
		t.Errorf("session cookie %+v, want HttpOnly SameSite=Lax", session)
	}
}

func TestOIDCRefusesUnknownPeopleAndForgedCallbacks(t *testing.T) {
	app := webWithOIDC(t, newProvider(t, "someone-else", "intruder@example.org"))
	if resp, _ := browse(t, app.URL+"/auth/login"); resp.StatusCode != http.StatusForbidden {
		t.Errorf("a person without an account: %d, want 403", resp.StatusCode)
	}
	if resp, _ := browse(t, app.URL+"/auth/callback?code=x&state=forged"); resp.StatusCode != http.StatusBadRequest {
		t.Errorf("a callback without the flow's state: %d, want 400", resp.StatusCode)
	}
}
