package verification

import (
	"regexp"
	"testing"
)

func TestCode(t *testing.T) {
	secret := []byte("montreuil-sur-loire")
	code := Code(secret, "4a6a1111-d970-5b16-bb49-919ebb1537ff", 1)
	if !regexp.MustCompile(`^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$`).MatchString(code) {
		t.Fatalf("code %q is not four groups of four", code)
	}
	if Code(secret, "4a6a1111-d970-5b16-bb49-919ebb1537ff", 1) != code {
		t.Error("the same letter got another code")
	}
	for name, other := range map[string]string{
		"next version":   Code(secret, "4a6a1111-d970-5b16-bb49-919ebb1537ff", 2),
		"another case":   Code(secret, "4a6a1111-d970-5b16-bb49-919ebb1537fe", 1),
		"another secret": Code([]byte("angers"), "4a6a1111-d970-5b16-bb49-919ebb1537ff", 1),
	} {
		if other == code {
			t.Errorf("%s has the same code", name)
		}
	}
}

func TestNormalize(t *testing.T) {
	code := Code([]byte("s"), "case", 1)
	tests := []struct{ typed, want string }{
		{code, code},
		{" " + code[:4] + " " + code[5:9] + code[10:14] + code[15:] + " ", code},
		{"abcd-efgh-jkmn-pqrs", "ABCD-EFGH-JKMN-PQRS"},
		{"o0o0-iiii-llll-0000", "0000-1111-1111-0000"},
		{"too-short", ""},
		{"ABCD-EFGH-JKMN-PQR!", ""},
	}
	for _, tt := range tests {
		if got := Normalize(tt.typed); got != tt.want {
			t.Errorf("Normalize(%q) = %q, want %q", tt.typed, got, tt.want)
		}
	}
}
