package pdf

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Verification is what lets anyone holding the letter check it: a code
// and the public page that confirms it, also drawn as a QR code.
type Verification struct {
	Code string
	URL  string
}

// qrSize is the printed side of the QR code, in millimetres.
const qrSize = 22.0

// verificationWidth is the left column beside the signature block.
const verificationWidth = windowLeft - marginLeft - 6

// verificationHeight is the room the verification block needs.
func (w *letterWriter) verificationHeight() float64 {
	if w.l.Verification == nil {
		return 0
	}
	return qrSize + 2
}

// verification draws the QR code and the code in the left column, beside
// the signature, from y down. A failure is recorded on the document,
// which Output reports.
func (w *letterWriter) verification(y float64) {
	v := w.l.Verification
	if v == nil {
		return
	}
	bits, err := qrBitmap(v.URL)
	if err != nil {
		w.pdf.SetError(fmt.Errorf("verification QR code: %w", err))
		return
	}
	_, pageHeight := w.pdf.GetPageSize()
	w.pdf.RawWriteStr(qrPath(bits, marginLeft, y, qrSize, w.pdf.GetConversionRatio(), pageHeight))
	textLeft, textWidth := marginLeft+qrSize+3, verificationWidth-qrSize-3
	w.pdf.SetY(y)
	w.block(textLeft, textWidth, "", 7, 3.2, w.lab.verifyIntro)
	w.block(textLeft, textWidth, "", 7, 3.2, strings.TrimSuffix(v.URL, "/"+v.Code)) // the QR code holds the full URL
	w.block(textLeft, textWidth, "B", 8, 4, w.lab.verifyCode)
	w.block(textLeft, textWidth, "B", 9, 4.2, v.Code)
}

// qrPath returns the PDF content operators that fill the dark modules of
// bits (quiet zone included) in black, in a square of side millimetres
// whose top-left corner is at (x, y), on a page pageHeight millimetres
// high at k points per millimetre.
//
// The code is vector, not an image: it stays sharp at any zoom or print
// resolution, and drawing it costs a fraction of encoding a PNG that
// gofpdf would then decode and compress again. A transformation matrix
// maps one module to one unit, y down from the top-left corner, so that
// each row's runs of dark modules are rectangles in whole modules, of one
// path filled once: viewers draw no seams between neighbouring modules.
func qrPath(bits [][]bool, x, y, side, k, pageHeight float64) string {
	m := k * side / float64(len(bits)) // points per module
	b := make([]byte, 0, 16*len(bits)*len(bits)/4)
	b = append(b, "q 0 g "...)
	for _, v := range [...]float64{m, 0, 0, -m, k * x, k * (pageHeight - y)} {
		b = appendHundredths(b, v)
		b = append(b, ' ')
	}
	b = append(b, "cm\n"...)
	for row, line := range bits {
		for col := 0; col < len(line); col++ {
			if !line[col] {
				continue
			}
			run := col
			for col < len(line) && line[col] {
				col++
			}
			b = strconv.AppendInt(b, int64(run), 10)
			b = append(b, ' ')
			b = strconv.AppendInt(b, int64(row), 10)
			b = append(b, ' ')
			b = strconv.AppendInt(b, int64(col-run), 10)
			b = append(b, " 1 re\n"...)
		}
	}
	return string(append(b, "f Q"...))
}

// appendHundredths appends v rounded to the hundredth, with two decimals,
// as strconv.AppendFloat(b, v, 'f', 2, 64) does but for halves, which it
// rounds to even and this away from zero.
func appendHundredths(b []byte, v float64) []byte {
	n := int64(math.Round(v * 100))
	if n < 0 {
		b, n = append(b, '-'), -n
	}
	b = strconv.AppendInt(b, n/100, 10)
	return append(b, '.', byte('0'+n/10%10), byte('0'+n%10))
}
