package pdf

// fixedSubset lists the runes of the font subset that every letter embeds
// unless it uses a rune outside it (then that font gets a subset of the
// letter's own runes, as before). Building and compressing a subset per
// letter was half of a letter's rendering time; the fixed subset is built
// once per process (third_party/gofpdf, WithFixedSubset).
//
// It is the repertoire of Windows-1252, which French and most Western
// European administrative letters stay within: Basic Latin, Latin-1 (with
// the no-break space, « », °, ², ×, accented capitals), Œ œ Ÿ Š š Ž ž ƒ,
// and the typography French uses: ’ ‘ “ ” ‚ „ ‹ › – — … • † ‡ ‰ € ™ ˆ ˜.
// U+FFFD is added: normalize prints it for characters no glyph stands
// for. The narrow no-break space and the non-breaking hyphen never reach
// the fonts (see substitutes). Names from Central Europe (Ł, ő, ș, č…)
// fall outside: such letters are rendered as before, a little slower.
var fixedSubset = func() []rune {
	var runes []rune
	for r := rune(0x20); r <= 0x7e; r++ {
		runes = append(runes, r)
	}
	for r := rune(0xa0); r <= 0xff; r++ {
		runes = append(runes, r)
	}
	return append(runes, []rune("ŒœŸŠšŽžƒˆ˜’‘“”‚„‹›–—…•†‡‰€™\ufffd")...)
}()

// fixedRunes returns the runes of fixedSubset that every font has, and
// the page count alias, which the footer of every letter draws (the fonts
// have no glyph for it, so it adds nothing to the subset).
func (c *coverage) fixedRunes() []rune {
	out := []rune(nbAlias)
	for _, r := range fixedSubset {
		if c.has(r) {
			out = append(out, r)
		}
	}
	return out
}
