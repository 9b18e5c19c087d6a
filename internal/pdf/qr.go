package pdf

import (
	"errors"
	"sync"

	"rsc.io/qr/coding"
)

// qrLevel is the error correction level of the verification QR code:
// M restores 15% of the modules, as skip2/go-qrcode's qrcode.Medium did.
const qrLevel = coding.M

// qrQuiet is the width of the light border around the code, in modules.
const qrQuiet = 4

// errQRTooLong means the text does not fit in the largest QR code.
var errQRTooLong = errors.New("pdf: text too long for a QR code")

// qrLayouts caches rsc.io/qr's layout of each version and mask, and for
// codes of up to 64 modules a side its dark modules as words: they depend
// on nothing else, and building them costs more than encoding a URL.
var qrLayouts [coding.MaxVersion + 1][8]struct {
	once sync.Once
	plan *coding.Plan
	dark qrWords // the modules dark before the data is placed (size <= 64)
	err  error
}

// qrLayout returns the layout of version v with mask m at qrLevel.
func qrLayout(v coding.Version, m coding.Mask) (*coding.Plan, *qrWords, error) {
	l := &qrLayouts[v][m]
	l.once.Do(func() {
		if l.plan, l.err = coding.NewPlan(v, qrLevel, m); l.err == nil && len(l.plan.Pixel) <= 64 {
			l.dark = darkWords(l.plan)
		}
	})
	return l.plan, &l.dark, l.err
}

// qrEncoding returns text in the densest single mode that can hold it:
// numeric, alphanumeric, or bytes.
func qrEncoding(text string) coding.Encoding {
	switch {
	case coding.Num(text).Check() == nil:
		return coding.Num(text)
	case coding.Alpha(text).Check() == nil:
		return coding.Alpha(text)
	}
	return coding.String(text)
}

// qrVersion returns the smallest version that holds enc at qrLevel, or
// errQRTooLong.
func qrVersion(enc coding.Encoding) (coding.Version, error) {
	for v := coding.Version(coding.MinVersion); v <= coding.MaxVersion; v++ {
		if enc.Bits(v) <= v.DataBytes(qrLevel)*8 {
			return v, nil
		}
	}
	return 0, errQRTooLong
}

// qrBitmap returns the modules of the QR code of text at qrLevel, dark
// ones true, row by row, quiet zone included. It applies each of the
// eight masks and keeps the one with the lowest penalty (ISO/IEC 18004,
// 7.8.3; the first mask on a tie), as the standard asks: rsc.io/qr's own
// Encode always uses mask 0. It returns errQRTooLong for a text too long.
//
// Codes of up to 64 modules a side (version 11, URLs of up to about 200
// bytes) are placed and scored on words, one per row and per column,
// five times faster than module by module.
func qrBitmap(text string) ([][]bool, error) {
	enc := qrEncoding(text)
	v, err := qrVersion(enc)
	if err != nil {
		return nil, err
	}
	codewords := qrCodewords(enc, v)
	if size := 17 + 4*int(v); size <= 64 {
		return qrBitmapWords(v, size, codewords)
	}
	var best []bool
	bestScore, size := 0, 0
	for m := coding.Mask(0); m < 8; m++ {
		plan, _, err := qrLayout(v, m)
		if err != nil {
			return nil, err
		}
		size = len(plan.Pixel)
		mods := qrPlace(plan, codewords)
		if score := qrPenalty(mods, size); best == nil || score < bestScore {
			best, bestScore = mods, score
		}
	}
	return withQuietZone(best, size), nil
}

// qrCodewords returns the data and error correction codewords of enc in
// version v at qrLevel, interleaved, as coding.Plan.Encode computes them.
// enc must fit in v (qrVersion).
func qrCodewords(enc coding.Encoding, v coding.Version) []byte {
	var b coding.Bits
	enc.Encode(&b, v)
	b.AddCheckBytes(v, qrLevel)
	return b.Bytes()
}

// qrPlace returns the modules of plan filled with codewords, dark ones
// true, row after row, as coding.Plan.Encode draws them; calling it
// directly computes the codewords once for the eight masks instead of
// once per mask.
func qrPlace(plan *coding.Plan, codewords []byte) []bool {
	size := len(plan.Pixel)
	mods := make([]bool, 0, size*size)
	for _, row := range plan.Pixel {
		for _, pix := range row {
			dark := pix&coding.Black != 0
			if r := pix.Role(); r == coding.Data || r == coding.Check {
				o := pix.Offset()
				dark = dark != (codewords[o/8]&(1<<(7-o&7)) != 0)
			}
			mods = append(mods, dark)
		}
	}
	return mods
}

// withQuietZone returns the size × size modules mods as rows, inside a
// light border of qrQuiet modules.
func withQuietZone(mods []bool, size int) [][]bool {
	n := size + 2*qrQuiet
	rows := make([][]bool, n)
	cells := make([]bool, n*n)
	for y := range rows {
		rows[y] = cells[y*n : (y+1)*n]
		if y >= qrQuiet && y < qrQuiet+size {
			copy(rows[y][qrQuiet:], mods[(y-qrQuiet)*size:(y-qrQuiet+1)*size])
		}
	}
	return rows
}
