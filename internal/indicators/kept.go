// Package indicators computes the figures an administration follows about
// its letters. It is pure computation, safe to call from workflow code.
package indicators

import (
	"math"
	"strings"

	"github.com/agnivade/levenshtein"
)

// KeptRatio is how much of a drafted text the approved text kept, from 0
// (everything rewritten) to 1 (approved as drafted): one minus the word-level
// edit distance between the two, divided by the longer one's word count.
// Words are compared exactly; spacing and line breaks do not count.
func KeptRatio(drafted, approved string) float64 {
	a, b := strings.Fields(drafted), strings.Fields(approved)
	longest := max(len(a), len(b))
	if longest == 0 {
		return 1
	}
	ra, rb := encode(a, b)
	ratio := 1 - float64(levenshtein.ComputeDistance(ra, rb))/float64(longest)
	return math.Round(ratio*1000) / 1000
}

// encode maps each distinct word to one rune from the Unicode private use
// areas, so that a character-level edit distance counts words.
func encode(a, b []string) (string, string) {
	ids := map[string]rune{}
	next := rune(0xF0000)
	enc := func(words []string) string {
		var sb strings.Builder
		for _, w := range words {
			r, ok := ids[w]
			if !ok {
				r, next = next, next+1
				ids[w] = r
			}
			sb.WriteRune(r)
		}
		return sb.String()
	}
	return enc(a), enc(b)
}
