package pdf

import (
	"bytes"
	"fmt"

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

// verification draws the QR code and the code under the mentions, on the
// same page. A failure is recorded on the document, which Output reports.
func (w *letterWriter) verification() {
	v := w.l.Verification
	if v == nil {
		return
	}
	png, err := qrcode.Encode(v.URL, qrcode.Medium, 256)
	if err != nil {
		w.pdf.SetError(fmt.Errorf("verification QR code: %w", err))
		return
	}
	w.ensureSpace(qrSize + 8)
	y := w.pdf.GetY() + 6
	opts := gofpdf.ImageOptions{ImageType: "PNG"}
	w.pdf.RegisterImageOptionsReader("verification-qr", opts, bytes.NewReader(png))
	w.pdf.ImageOptions("verification-qr", marginLeft, y, qrSize, qrSize, false, opts, 0, "")
	textLeft := marginLeft + qrSize + 4
	w.pdf.SetY(y + 3)
	w.block(textLeft, contentWidth-qrSize-4, "", 8, 3.8, w.lab.verifyIntro)
	w.block(textLeft, contentWidth-qrSize-4, "", 8, 3.8, v.URL)
	w.block(textLeft, contentWidth-qrSize-4, "B", 10, 5, w.lab.verifyCode+v.Code)
	w.pdf.SetY(y + qrSize)
}
