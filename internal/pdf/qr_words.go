package pdf

import "rsc.io/qr/coding"

// qrWords are the modules of a QR code of up to 64 modules a side, one
// word per row and one per column: bit i of rows[y] is module (i, y), and
// bit i of cols[x] is module (x, i).
type qrWords struct {
	rows, cols [64]uint64
}

// set makes module (x, y) dark.
func (w *qrWords) set(x, y int) {
	w.rows[y] |= 1 << x
	w.cols[x] |= 1 << y
}

// darkWords returns the modules of plan that are dark before any data is
// placed: function patterns, format and version, and the mask over the
// data area.
func darkWords(plan *coding.Plan) qrWords {
	var w qrWords
	for y, row := range plan.Pixel {
		for x, pix := range row {
			if pix&coding.Black != 0 {
				w.set(x, y)
			}
		}
	}
	return w
}

// dataWords returns the data and error correction modules of plan whose
// codeword bit is 1: placing the codewords flips them (coding.Plan.Encode).
// Where the codewords go does not depend on the mask.
func dataWords(plan *coding.Plan, codewords []byte) qrWords {
	var w qrWords
	for y, row := range plan.Pixel {
		for x, pix := range row {
			if r := pix.Role(); r == coding.Data || r == coding.Check {
				if o := pix.Offset(); codewords[o/8]&(1<<(7-o&7)) != 0 {
					w.set(x, y)
				}
			}
		}
	}
	return w
}

// qrBitmapWords is qrBitmap for a code of version v, size <= 64 modules a
// side, holding codewords.
func qrBitmapWords(v coding.Version, size int, codewords []byte) ([][]bool, error) {
	var data, best qrWords
	bestScore := -1
	for m := coding.Mask(0); m < 8; m++ {
		plan, dark, err := qrLayout(v, m)
		if err != nil {
			return nil, err
		}
		if m == 0 {
			data = dataWords(plan, codewords)
		}
		var w qrWords
		for i := 0; i < size; i++ {
			w.rows[i] = dark.rows[i] ^ data.rows[i]
			w.cols[i] = dark.cols[i] ^ data.cols[i]
		}
		if score := wordsPenalty(&w, size); bestScore < 0 || score < bestScore {
			best, bestScore = w, score
		}
	}
	mods := make([]bool, size*size)
	for y := 0; y < size; y++ {
		for x := 0; x < size; x++ {
			mods[y*size+x] = best.rows[y]&(1<<x) != 0
		}
	}
	return withQuietZone(mods, size), nil
}
