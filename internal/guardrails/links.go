package guardrails

import (
	"regexp"
	"strings"
)

var (
	urlPattern   = regexp.MustCompile(`(?i)\b(?:https?://|www\.)[^\s<>"«»“”()\[\]{}|\\^` + "`" + `]+`)
	emailPattern = regexp.MustCompile(`[\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)+`)
	// domainPattern finds a bare domain such as "service-public.fr", for
	// the top-level domains a letter to a French administration's users
	// is likely to cite; the TLD must be lower case.
	domainPattern = regexp.MustCompile(`[\p{L}\p{N}][\p{L}\p{N}-]*(?:\.[\p{L}\p{N}-]+)*\.(?:fr|com|org|net|eu|info|io|be|ch|example)\b`)
)

// trailingPunct is stripped from the end of a link: it belongs to the
// sentence ("(www.telerecours.fr).").
const trailingPunct = `.,;:!?'"»)]}>…*`

// checkLinks reports the URLs, bare domains and email addresses of the
// draft that Allowed does not contain.
func checkLinks(p prepared) string {
	unknown := unknownLinks(p.normMasked, p.normAllowed)
	if len(unknown) == 0 {
		return ""
	}
	return "links or email addresses not found in the case facts: " + quoteList(unknown)
}

// unknownLinks returns the distinct links of the normalised draft, as
// written, that the normalised allowed text does not contain.
func unknownLinks(draft, allowed string) []string {
	known := map[string]bool{}
	for _, l := range extractLinks(allowed) {
		known[canonicalLink(l)] = true
	}
	lowerAllowed := strings.ToLower(allowed)
	var out []string
	for _, l := range extractLinks(draft) {
		if !isKnownLink(canonicalLink(l), known, lowerAllowed) {
			out = append(out, l)
		}
	}
	return out
}

// extractLinks returns the distinct URLs ("https://…", "www.…"), email
// addresses and bare domains of the normalised text s, in order, trailing
// punctuation stripped; a domain inside a URL or an address is not listed
// again. A link has no space, so the patterns run only on the
// space-separated tokens that may hold one: this keeps the check in
// microseconds.
func extractLinks(s string) []string {
	var spans []span
	for start := 0; start < len(s); {
		end := strings.IndexByte(s[start:], ' ')
		if end < 0 {
			end = len(s) - start
		}
		if strings.ContainsAny(s[start:start+end], ".@") {
			spans = append(spans, linksIn(s, start, start+end)...)
		}
		start += end + 1
	}
	return spanTexts(spans)
}

// linkKinds are the patterns of a link, each with a cheap test telling
// whether a token may hold one.
var linkKinds = []struct {
	re  *regexp.Regexp
	may func(token string) bool
}{
	{urlPattern, func(t string) bool {
		return strings.Contains(t, "://") || strings.Contains(strings.ToLower(t), "www.")
	}},
	{emailPattern, func(t string) bool { return strings.Contains(t, "@") }},
	{domainPattern, func(t string) bool { return strings.Contains(strings.TrimRight(t, trailingPunct), ".") }},
}

// linksIn returns the links of the token s[start:end].
func linksIn(s string, start, end int) []span {
	var out []span
	token := s[start:end]
	for _, kind := range linkKinds {
		if !kind.may(token) {
			continue
		}
		for _, loc := range kind.re.FindAllStringIndex(token, -1) {
			from, to := start+loc[0], start+loc[1]
			if kind.re == domainPattern && !isLinkBoundary(s, from, to) {
				continue
			}
			text := strings.TrimRight(s[from:to], trailingPunct)
			out = append(out, span{from, from + len(text), text})
		}
	}
	return out
}

// isKnownLink reports whether the canonical link c is one of the known
// canonical links, the site or a parent path of one ("service-public.fr"
// for "service-public.fr/particuliers"), or appears as a whole link in
// the lower-cased allowed text (a link of a TLD extractLinks ignores).
func isKnownLink(c string, known map[string]bool, lowerAllowed string) bool {
	if known[c] {
		return true
	}
	for k := range known {
		if strings.HasPrefix(k, c+"/") {
			return true
		}
	}
	return containsLink(lowerAllowed, c)
}

// canonicalLink lowercases a link and drops its scheme, a leading "www."
// and trailing slashes, so that "https://www.telerecours.fr/" and
// "www.telerecours.fr" compare equal.
func canonicalLink(l string) string {
	l = strings.ToLower(l)
	for _, prefix := range []string{"https://", "http://", "mailto:"} {
		l = strings.TrimPrefix(l, prefix)
	}
	l = strings.TrimPrefix(l, "www.")
	return strings.TrimRight(l, "/")
}

// containsLink reports whether link occurs in s as a whole link, or as
// the start of a longer URL of the same site: "usagers@mairie.fr" is not
// in "relations.usagers@mairie.fr", "mairie.fr" is in "https://mairie.fr/x".
func containsLink(s, link string) bool {
	for from := 0; link != "" && from <= len(s); {
		i := strings.Index(s[from:], link)
		if i < 0 {
			return false
		}
		start, end := from+i, from+i+len(link)
		if isLinkBoundary(s, start, end) {
			return true
		}
		from = start + 1
	}
	return false
}

// isLinkBoundary reports whether s[start:end] is not glued to more of a
// link: no letter, digit or . - _ @ + % before it, no letter, digit or
// - _ @ after it.
func isLinkBoundary(s string, start, end int) bool {
	before, after := runeBefore(s, start), runeAfter(s, end)
	return !isWordRune(before) && !strings.ContainsRune(".-_@+%", before) &&
		!isWordRune(after) && !strings.ContainsRune("-_@", after)
}
