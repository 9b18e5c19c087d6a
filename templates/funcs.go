package templates

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// funcsFor returns the functions a template body in lang may call:
//
//	date "2026-11-20"   → "20 novembre 2026" / "20 November 2026"
//	eur "12500.5"       → "12 500,50 €" / "€12,500.50"
//	lines "a\nb"        → ["a" "b"]: one item per non-empty line
//	longdate            → the French date, whatever the language
func funcsFor(lang string) map[string]any {
	return map[string]any{
		"date":     func(day string) (string, error) { return LongDate(lang, day) },
		"eur":      func(amount string) (string, error) { return FormatEUR(lang, amount) },
		"lines":    Lines,
		"longdate": LongDateFR,
	}
}

var frenchMonths = [...]string{"janvier", "février", "mars", "avril", "mai", "juin",
	"juillet", "août", "septembre", "octobre", "novembre", "décembre"}

// LongDateFR formats a YYYY-MM-DD date the French way: "1er décembre 2026".
func LongDateFR(day string) (string, error) {
	return LongDate("fr", day)
}

// LongDate formats a YYYY-MM-DD date in lang: "1er décembre 2026" or
// "1 December 2026".
func LongDate(lang, day string) (string, error) {
	t, err := time.Parse(time.DateOnly, day)
	if err != nil {
		return "", fmt.Errorf("date %q: want YYYY-MM-DD", day)
	}
	if lang == "en" {
		return t.Format("2 January 2006"), nil
	}
	return FormatDateFR(t), nil
}

// FormatDateFR formats t as a French long date.
func FormatDateFR(t time.Time) string {
	d := fmt.Sprint(t.Day())
	if t.Day() == 1 {
		d = "1er"
	}
	return fmt.Sprintf("%s %s %d", d, frenchMonths[t.Month()-1], t.Year())
}

// FormatEUR formats a decimal amount of euros ("12500.5") in lang, with
// grouped thousands and two decimals, the euro sign placed as each
// language writes it. It fails on anything but a plain decimal number.
func FormatEUR(lang, amount string) (string, error) {
	v, err := strconv.ParseFloat(strings.TrimSpace(amount), 64)
	if err != nil || !amountPattern.MatchString(strings.TrimSpace(amount)) {
		return "", fmt.Errorf("amount %q: want a decimal number such as 12500.50", amount)
	}
	cents := int64(v*100 + 0.5)
	units, rest := group(cents/100), cents%100
	if lang == "en" {
		return fmt.Sprintf("€%s.%02d", strings.ReplaceAll(units, " ", ","), rest), nil
	}
	return fmt.Sprintf("%s,%02d\u00a0€", strings.ReplaceAll(units, " ", "\u00a0"), rest), nil
}

var amountPattern = regexp.MustCompile(`^\d{1,12}(\.\d{1,2})?$`)

// group writes n with a space between groups of three digits.
func group(n int64) string {
	s := strconv.FormatInt(n, 10)
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(' ')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// Lines splits a multi-line fact into its non-empty, trimmed lines.
func Lines(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

var blankRuns = regexp.MustCompile(`\n{3,}`)

// normalize trims the text and keeps at most one blank line between paragraphs.
func normalize(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	return strings.TrimSpace(blankRuns.ReplaceAllString(s, "\n\n"))
}
