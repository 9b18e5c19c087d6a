package web

import (
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/dossier/dossier/internal/contract"
)

var camille = contract.Actor{ID: "camille", Roles: []string{contract.RoleCaseworker}}

// signedIn starts a session and returns the request cookie carrying it.
func signedIn(t *testing.T, s *sessions) (*session, *http.Cookie) {
	t.Helper()
	rec := httptest.NewRecorder()
	sess := s.start(rec, httptest.NewRequest("POST", "/login", nil), camille)
	cookies := rec.Result().Cookies()
	if len(cookies) == 0 {
		t.Fatal("no session cookie")
	}
	c := cookies[len(cookies)-1]
	if !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Value != sess.id {
		t.Errorf("cookie %+v, want HttpOnly SameSite=Lax carrying the session id", c)
	}
	return sess, c
}

func requestWith(c *http.Cookie) *http.Request {
	r := httptest.NewRequest("GET", "/inbox", nil)
	r.AddCookie(c)
	return r
}

func TestSessionTimeouts(t *testing.T) {
	now := time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
	s := newSessions(true)
	s.now = func() time.Time { return now }
	_, c := signedIn(t, s)
	if !c.Secure {
		t.Error("cookie not Secure in production mode")
	}
	now = now.Add(IdleTimeout - time.Minute)
	if s.get(requestWith(c)) == nil {
		t.Fatal("session ended before the idle timeout")
	}
	for range 25 { // active all day: every 25 minutes
		now = now.Add(25 * time.Minute)
		if s.get(requestWith(c)) == nil && now.Sub(time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)) < AbsoluteTimeout {
			t.Fatalf("an active session ended at %v", now)
		}
	}
	if s.get(requestWith(c)) != nil {
		t.Errorf("session alive %v after sign-in, past the absolute timeout", AbsoluteTimeout)
	}
	_, c = signedIn(t, s)
	now = now.Add(IdleTimeout + time.Second)
	if s.get(requestWith(c)) != nil {
		t.Error("session alive after the idle timeout")
	}
}

func TestSignInChangesTheSessionID(t *testing.T) {
	s := newSessions(false)
	_, first := signedIn(t, s)
	rec := httptest.NewRecorder()
	second := s.start(rec, requestWith(first), camille)
	if second.id == first.Value || s.get(requestWith(first)) != nil {
		t.Error("signing in again kept the old session id alive")
	}
}

// Every POST needs the session's anti-forgery token, even same-origin.
func TestPostsNeedTheAntiForgeryToken(t *testing.T) {
	srv := &Server{Logger: slog.Default()}
	h, err := srv.Handler()
	if err != nil {
		t.Fatal(err)
	}
	sess, c := signedIn(t, srv.sessions)
	for _, tt := range []struct {
		token string
		want  int
	}{{"", http.StatusForbidden}, {"forged", http.StatusForbidden}, {sess.csrf, http.StatusSeeOther}} {
		r := httptest.NewRequest("POST", "/logout", strings.NewReader(url.Values{"csrf": {tt.token}}.Encode()))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		r.Header.Set("Sec-Fetch-Site", "same-origin")
		r.AddCookie(c)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		if rec.Code != tt.want {
			t.Errorf("POST /logout with token %q: %d, want %d", tt.token, rec.Code, tt.want)
		}
	}
}

type stubAuth map[string]contract.Actor

func (a stubAuth) SignIn(account, password string) (contract.Actor, bool) {
	actor, ok := a[account+":"+password]
	return actor, ok
}

// The web app is for caseworkers, supervisors and auditors: an integrator
// account (API only) and a wrong password are refused, with a new form.
func TestWebSignInRoles(t *testing.T) {
	srv := &Server{Logger: slog.Default(), Auth: stubAuth{
		"camille:dev-camille": camille,
		"legacy:dev-legacy":   {ID: "legacy", Roles: []string{contract.RoleIntegrator}},
	}}
	h, err := srv.Handler()
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		account, password string
		want              int
	}{{"camille", "dev-camille", http.StatusSeeOther}, {"camille", "wrong", http.StatusUnauthorized}, {"legacy", "dev-legacy", http.StatusUnauthorized}} {
		r := httptest.NewRequest("POST", "/login", strings.NewReader(url.Values{"account": {tt.account}, "password": {tt.password}}.Encode()))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		r.Header.Set("Sec-Fetch-Site", "same-origin")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		if rec.Code != tt.want {
			t.Errorf("sign in as %s: %d, want %d", tt.account, rec.Code, tt.want)
		}
	}
}
