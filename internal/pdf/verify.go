package pdf

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/jung-kurt/gofpdf"
	qrcode "github.com/skip2/go-qrcode"
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
	png, err := qrcode.Encode(v.URL, qrcode.Medium, 256)
	if err != nil {
		w.pdf.SetError(fmt.Errorf("verification QR code: %w", err))
		return
	}
	opts := gofpdf.ImageOptions{ImageType: "PNG"}
	w.pdf.RegisterImageOptionsReader("verification-qr", opts, bytes.NewReader(png))
	w.pdf.ImageOptions("verification-qr", marginLeft, y, qrSize, qrSize, false, opts, 0, "")
	textLeft, textWidth := marginLeft+qrSize+3, verificationWidth-qrSize-3
	w.pdf.SetY(y)
	w.block(textLeft, textWidth, "", 7, 3.2, w.lab.verifyIntro)
	w.block(textLeft, textWidth, "", 7, 3.2, strings.TrimSuffix(v.URL, "/"+v.Code)) // the QR code holds the full URL
	w.block(textLeft, textWidth, "B", 8, 4, w.lab.verifyCode)
	w.block(textLeft, textWidth, "B", 9, 4.2, v.Code)
}
