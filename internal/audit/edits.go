package audit

import (
	"strings"

	"github.com/sergi/go-diff/diffmatchpatch"

	"github.com/dossier/dossier/internal/contract"
	"github.com/dossier/dossier/internal/indicators"
)

// Edits are what the reviewers changed between the drafted text (by a
// model or from the template) and the approved letter, word by word.
type Edits struct {
	Drafter       string `json:"drafter"`
	Model         string `json:"model,omitempty"`
	DraftVersion  int    `json:"draft_version"`
	LetterVersion int    `json:"letter_version"`
	// KeptRatio is the figure the case recorded (indicators.KeptRatio):
	// 1 when the letter is the drafted text.
	KeptRatio    float64  `json:"kept_ratio"`
	DraftedWords int      `json:"drafted_words"`
	KeptWords    int      `json:"kept_words"`
	AddedWords   int      `json:"added_words"`
	RemovedWords int      `json:"removed_words"`
	Changes      []Change `json:"changes,omitempty"`
}

// Change is one passage the reviewers replaced, added (Removed empty) or
// removed (Added empty).
type Change struct {
	Removed string `json:"removed,omitempty"`
	Added   string `json:"added,omitempty"`
}

// Bounds of the changes listed: how many, and how long each side.
const (
	maxChanges     = 20
	maxChangeRunes = 160
)

// edits compares the drafted text with the approved letter.
func edits(drafted, letter contract.Draft) *Edits {
	e := &Edits{Drafter: drafted.Drafter, Model: drafted.Model, DraftVersion: drafted.Version, LetterVersion: letter.Version,
		KeptRatio: indicators.KeptRatio(drafted.Body, letter.Body)}
	before, after := strings.Fields(drafted.Body), strings.Fields(letter.Body)
	e.DraftedWords = len(before)
	var open *Change
	for _, d := range wordDiff(before, after) {
		switch d.op {
		case diffmatchpatch.DiffEqual:
			e.KeptWords += len(d.words)
			open = nil
			continue
		case diffmatchpatch.DiffDelete:
			e.RemovedWords += len(d.words)
		case diffmatchpatch.DiffInsert:
			e.AddedWords += len(d.words)
		}
		if open == nil {
			e.Changes = append(e.Changes, Change{})
			open = &e.Changes[len(e.Changes)-1]
		}
		if d.op == diffmatchpatch.DiffDelete {
			open.Removed = clip(strings.Join(d.words, " "))
		} else {
			open.Added = clip(strings.Join(d.words, " "))
		}
	}
	if len(e.Changes) > maxChanges {
		e.Changes = e.Changes[:maxChanges]
	}
	return e
}

// wordRun is a run of words the diff kept, deleted or inserted.
type wordRun struct {
	op    diffmatchpatch.Operation
	words []string
}

// wordDiff diffs two texts word by word: each distinct word is one rune
// from the private use areas, and the runes are diffed.
func wordDiff(a, b []string) []wordRun {
	ids := map[string]rune{}
	var words []string
	encode := func(ws []string) []rune {
		out := make([]rune, len(ws))
		for i, w := range ws {
			r, ok := ids[w]
			if !ok {
				r = rune(0xF0000 + len(words))
				ids[w] = r
				words = append(words, w)
			}
			out[i] = r
		}
		return out
	}
	ra, rb := encode(a), encode(b)
	var out []wordRun
	for _, d := range diffmatchpatch.New().DiffMainRunes(ra, rb, false) {
		run := wordRun{op: d.Type}
		for _, r := range d.Text {
			run.words = append(run.words, words[r-0xF0000])
		}
		out = append(out, run)
	}
	return out
}

// clip shortens s to maxChangeRunes runes.
func clip(s string) string {
	r := []rune(s)
	if len(r) <= maxChangeRunes {
		return s
	}
	return string(r[:maxChangeRunes-1]) + "…"
}
