package guardrails

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// maxListed and maxQuoted keep a Detail short enough to feed back to a
// model, whatever the size of the draft.
const (
	maxListed = 10
	maxQuoted = 60
)

// nfc puts s in Unicode normalisation form C, so that an "é" typed as
// "e" + combining accent equals the precomposed one. Accents still matter.
func nfc(s string) string {
	return norm.NFC.String(s)
}

// normalize returns s in NFC with its whitespace collapsed (see collapse).
func normalize(s string) string {
	return collapse(nfc(s))
}

// collapse turns every run of Unicode white space (ASCII space, tab,
// newline, NBSP U+00A0, narrow NBSP U+202F, thin space U+2009…) into one
// ASCII space, drops invisible format characters (zero-width spaces and
// joiners, BOM, soft hyphen) and writes the typographic apostrophes ’ and
// ʼ as '. Everything else, case and accents included, is kept.
func collapse(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	pending := false
	for _, r := range s {
		switch {
		case unicode.IsSpace(r):
			pending = true
			continue
		case isInvisible(r):
			continue
		case r == '’' || r == 'ʼ':
			r = '\''
		}
		if pending {
			b.WriteByte(' ')
			pending = false
		}
		b.WriteRune(r)
	}
	if pending {
		b.WriteByte(' ')
	}
	return b.String()
}

// isInvisible reports the format characters a reader cannot see.
func isInvisible(r rune) bool {
	switch r {
	case '\u200b', '\u200c', '\u200d', '\u2060', '\ufeff', '\u00ad':
		return true
	}
	return false
}

// isWordRune reports whether r is a letter or a digit.
func isWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r)
}

// runeBefore returns the rune ending at s[:i], or utf8.RuneError at the start.
func runeBefore(s string, i int) rune {
	r, _ := utf8.DecodeLastRuneInString(s[:i])
	return r
}

// runeAfter returns the rune starting at s[j:], or utf8.RuneError at the end.
func runeAfter(s string, j int) rune {
	r, _ := utf8.DecodeRuneInString(s[j:])
	return r
}

// quote returns s as a double-quoted string for a Detail: whitespace
// collapsed, cut to maxQuoted runes, control characters and invalid UTF-8
// escaped, accents and symbols kept readable.
func quote(s string) string {
	s = strings.TrimSpace(normalize(s))
	if utf8.RuneCountInString(s) > maxQuoted {
		s = string([]rune(s)[:maxQuoted]) + "…"
	}
	return strconv.QuoteToGraphic(s)
}

// quoteList quotes items and joins them with commas, listing at most
// maxListed of them and counting the rest.
func quoteList(items []string) string {
	var quoted []string
	for i, it := range items {
		if i == maxListed {
			quoted = append(quoted, fmt.Sprintf("and %d more", len(items)-maxListed))
			break
		}
		quoted = append(quoted, quote(it))
	}
	return strings.Join(quoted, ", ")
}

// span is a piece of a text found by a check: text[start:end].
type span struct {
	start, end int
	text       string
}

// spanTexts sorts spans by position, drops those overlapping an earlier
// (or, at the same start, longer) one and the repeated texts, and returns
// the texts left in order.
func spanTexts(spans []span) []string {
	sort.SliceStable(spans, func(i, j int) bool {
		if spans[i].start != spans[j].start {
			return spans[i].start < spans[j].start
		}
		return spans[i].end > spans[j].end
	})
	var out []string
	seen, end := map[string]bool{}, -1
	for _, s := range spans {
		if s.start < end {
			continue
		}
		end = s.end
		if seen[s.text] {
			continue
		}
		seen[s.text] = true
		out = append(out, s.text)
	}
	return out
}
