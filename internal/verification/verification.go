// Package verification makes letters checkable by anyone who holds one:
// each letter version gets a code, printed with a QR code, that the
// public page /verify/{code} confirms. Codes are an HMAC of the case and
// version under the administration's secret: without the secret they can
// be neither guessed nor enumerated (80 bits), and the same letter always
// gets the same code, so a re-rendered letter is byte-identical.
package verification

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base32"
	"fmt"
	"strings"
)

// alphabet avoids the letters read as digits (I, L, O, U).
var encoding = base32.NewEncoding("0123456789ABCDEFGHJKMNPQRSTVWXYZ").WithPadding(base32.NoPadding)

// Code returns the verification code of version of case caseID, as
// printed: four groups of four characters.
func Code(secret []byte, caseID string, version int) string {
	mac := hmac.New(sha256.New, secret)
	fmt.Fprintf(mac, "dossier-letter\x00%s\x00%d", caseID, version)
	raw := encoding.EncodeToString(mac.Sum(nil))[:16]
	return raw[0:4] + "-" + raw[4:8] + "-" + raw[8:12] + "-" + raw[12:16]
}

// Normalize returns a code as typed by someone (lower case, spaces,
// without dashes, O for 0…) in its printed form, or "" when it cannot be one.
func Normalize(typed string) string {
	r := strings.NewReplacer("-", "", " ", "", "O", "0", "I", "1", "L", "1", "U", "V")
	s := r.Replace(strings.ToUpper(strings.TrimSpace(typed)))
	if len(s) != 16 {
		return ""
	}
	for _, c := range s {
		if !strings.ContainsRune("0123456789ABCDEFGHJKMNPQRSTVWXYZ", c) {
			return ""
		}
	}
	return s[0:4] + "-" + s[4:8] + "-" + s[8:12] + "-" + s[12:16]
}

// Record is what the public page shows about a letter: who issued it,
// when, about what, and its fingerprint; nothing about the person beyond
// what the letter itself says to its holder.
type Record struct {
	Code           string `json:"code"`
	Administration string `json:"administration"`
	Service        string `json:"service"`
	Date           string `json:"date"` // YYYY-MM-DD
	Subject        string `json:"subject"`
	Reference      string `json:"reference"`
	SHA256         string `json:"sha256"`
	Size           int    `json:"size"`
	Language       string `json:"language"`
}
