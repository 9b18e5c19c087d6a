package templates

import (
	"fmt"
	"regexp"
	"strings"
	"time"
)

var funcs = map[string]any{
	"longdate": LongDateFR,
}

var frenchMonths = [...]string{"janvier", "février", "mars", "avril", "mai", "juin",
	"juillet", "août", "septembre", "octobre", "novembre", "décembre"}

// LongDateFR formats a YYYY-MM-DD date the French way: "1er décembre 2026".
func LongDateFR(day string) (string, error) {
	t, err := time.Parse(time.DateOnly, day)
	if err != nil {
		return "", fmt.Errorf("date %q: want YYYY-MM-DD", day)
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

var blankRuns = regexp.MustCompile(`\n{3,}`)

// normalize trims the body and keeps at most one blank line between paragraphs.
func normalize(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	return strings.TrimSpace(blankRuns.ReplaceAllString(s, "\n\n"))
}
