package guardrails

import (
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// checkNumbers reports the numbers of the draft that are not numbers of
// Allowed, and its long dates ("15 mars 2027", "15 March 2027") that are
// not dates of Allowed, each quoted as written in the draft. A date is
// checked as a whole, so that an allowed day and an allowed year do not
// make up an invented deadline; the numbers inside a flagged date are not
// listed again.
func checkNumbers(p prepared) string {
	invented := inventedNumbers(p.draft, p.allowed)
	if len(invented) == 0 {
		return ""
	}
	return "numbers or dates not found in the case facts (do not invent or reformat them): " + quoteList(invented)
}

// inventedNumbers returns the distinct numbers and dates of draft, as
// written, that allowed does not contain.
func inventedNumbers(draft, allowed string) []string {
	okNumbers := map[string]bool{}
	for _, n := range extractNumbers(allowed) {
		okNumbers[n.text] = true
	}
	okDates := map[string]bool{}
	for _, d := range extractDates(allowed) {
		okDates[d.text] = true
	}
	var spans []span
	for _, d := range extractDates(draft) {
		if !okDates[d.text] {
			spans = append(spans, span{d.start, d.end, draft[d.start:d.end]})
		}
	}
	for _, n := range extractNumbers(draft) {
		if !okNumbers[n.text] {
			spans = append(spans, span{n.start, n.end, draft[n.start:n.end]})
		}
	}
	return spanTexts(spans)
}

// extractNumbers returns the numbers of s, each with its position and its
// digits only as text ("4 500,00" → "450000", "2026-118" → "2026118").
//
// A number is a maximal run of digits, extended across one of . , - /
// when a digit follows it, and across one space (ASCII, NBSP U+00A0,
// narrow NBSP U+202F or thin space U+2009) when it reads as a thousands
// separator: the number so far is made of space-separated groups only,
// the first of 1 to 3 digits, and the next run has exactly 3 digits.
// So "4 500,00" and "1 234 567" are one number each, while "20 novembre",
// "49000 Montreuil", "2026 150" and a number at the end of a line followed
// by one at the start of the next are not joined. Ordinals read as their
// number: "1er", "1re", "2e", "1st" give 1, 1, 2, 1. Digits inside a code
// count too ("L112-3" gives 1123, "W491012345" gives 491012345). Any
// Unicode decimal digit is a digit; superscripts such as "²" are not.
func extractNumbers(s string) []span {
	var out []span
	for i := 0; i < len(s); {
		r, w := utf8.DecodeRuneInString(s[i:])
		if !isDigit(r) {
			i += w
			continue
		}
		end := numberEnd(s, i)
		out = append(out, span{i, end, digitsOf(s[i:end])})
		i = end
	}
	return out
}

// numberEnd returns where the number starting at s[start] ends.
func numberEnd(s string, start int) int {
	end, n := digitRun(s, start)
	grouping := n <= 3
	for {
		r, w := utf8.DecodeRuneInString(s[end:])
		nextEnd, m := digitRun(s, end+w)
		switch {
		case m > 0 && isJoiner(r):
			grouping = false
		case m == 3 && grouping && isGroupSpace(r):
		default:
			return end
		}
		end = nextEnd
	}
}

// digitRun returns the end of the run of digits starting at s[i] and how
// many digits it has (0 when s[i] is not a digit).
func digitRun(s string, i int) (end, n int) {
	for end = i; end < len(s); n++ {
		r, w := utf8.DecodeRuneInString(s[end:])
		if !isDigit(r) {
			break
		}
		end += w
	}
	return end, n
}

// isDigit reports a decimal digit, in any script.
func isDigit(r rune) bool {
	return '0' <= r && r <= '9' || r >= utf8.RuneSelf && unicode.IsDigit(r)
}

// isJoiner reports the punctuation that joins two digit runs into one
// number: "4,500.00", "2026-118", "20/11/2026".
func isJoiner(r rune) bool {
	return r == '.' || r == ',' || r == '-' || r == '/'
}

// isGroupSpace reports the spaces used as thousands separators.
func isGroupSpace(r rune) bool {
	return r == ' ' || r == '\u00a0' || r == '\u202f' || r == '\u2009'
}

// digitsOf returns the digits of s, in order.
func digitsOf(s string) string {
	var b strings.Builder
	for _, r := range s {
		if isDigit(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// months maps the French and English month names to their number.
var months = map[string]int{
	"janvier": 1, "février": 2, "fevrier": 2, "mars": 3, "avril": 4, "mai": 5, "juin": 6,
	"juillet": 7, "août": 8, "aout": 8, "septembre": 9, "octobre": 10, "novembre": 11,
	"décembre": 12, "decembre": 12,
	"january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
	"august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
}

var (
	monthPattern = monthAlternation()
	// dayMonthYear: "20 novembre 2026", "1er mars 2027", "20th November 2026".
	dayMonthYear = regexp.MustCompile(`(?i)^(\d{1,2})(?:er|re|e|st|nd|rd|th)?` + spaces +
		`(` + monthPattern + `)` + spaces + `(\d{4})\b`)
	// monthDayYear: "November 20, 2026".
	monthDayYear = regexp.MustCompile(`(?i)^(` + monthPattern + `)` + spaces +
		`(\d{1,2})(?:st|nd|rd|th)?,?` + spaces + `(\d{4})\b`)
)

// spaces matches the white space between the parts of a date.
const spaces = `[\s\x{a0}\x{202f}\x{2009}]+`

// monthAlternation returns the month names as a regexp alternation.
func monthAlternation() string {
	names := make([]string, 0, len(months))
	for name := range months {
		names = append(names, name)
	}
	sort.Strings(names)
	return strings.Join(names, "|")
}

// extractDates returns the long dates of s, each with its position and
// its ISO form ("2027-03-15") as text, whatever the language it is in.
// The date patterns are anchored and tried only where a word starts with
// a digit or is a month name: unanchored, they would cost milliseconds.
func extractDates(s string) []span {
	var out []span
	for i := 0; i < len(s); {
		r, w := utf8.DecodeRuneInString(s[i:])
		if !isWordRune(r) {
			i += w
			continue
		}
		end := letterOrDigitRunEnd(s, i)
		if d, ok := dateAt(s, i, end); ok {
			out = append(out, d)
		}
		i = end
	}
	return out
}

// dateAt returns the date starting with the word s[start:end], if any.
// The patterns only run where a date may start: a number followed by a
// month name, or a month name.
func dateAt(s string, start, end int) (span, bool) {
	var m []int
	switch {
	case isDigit(rune(s[start])) && isMonth(nextWord(s, end)):
		if m = dayMonthYear.FindStringSubmatchIndex(s[start:]); m != nil {
			return dateSpan(s[start:], start, m, m[2:4], m[4:6], m[6:8]), true
		}
	case isMonth(s[start:end]):
		if m = monthDayYear.FindStringSubmatchIndex(s[start:]); m != nil {
			return dateSpan(s[start:], start, m, m[4:6], m[2:4], m[6:8]), true
		}
	}
	return span{}, false
}

// isMonth reports whether word is a month name, in any case. Most words
// are rejected on their length or first letter, without lowercasing.
func isMonth(word string) bool {
	if len(word) < 3 || len(word) > 10 || !strings.ContainsRune("jfmasondJFMASOND", rune(word[0])) {
		return false
	}
	return months[strings.ToLower(word)] > 0
}

// nextWord returns the run of letters and digits that follows the white
// space at s[i:], where s[i] ends a word: "" when no white space follows.
func nextWord(s string, i int) string {
	for i < len(s) {
		r, w := utf8.DecodeRuneInString(s[i:])
		if !unicode.IsSpace(r) {
			break
		}
		i += w
	}
	return s[i:letterOrDigitRunEnd(s, i)]
}

// letterOrDigitRunEnd returns the end of the run of letters and digits
// starting at s[i].
func letterOrDigitRunEnd(s string, i int) int {
	for i < len(s) {
		r, w := utf8.DecodeRuneInString(s[i:])
		if !isWordRune(r) {
			break
		}
		i += w
	}
	return i
}

// dateSpan builds the span, offset by off, of the date match m of s from
// its day, month and year submatch positions.
func dateSpan(s string, off int, m, day, month, year []int) span {
	d, _ := strconv.Atoi(s[day[0]:day[1]])
	mo := months[strings.ToLower(s[month[0]:month[1]])]
	iso := fmt.Sprintf("%s-%02d-%02d", s[year[0]:year[1]], mo, d)
	return span{off + m[0], off + m[1], iso}
}
