package pdf

import (
	"fmt"
	"image"
	"image/color"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/makiuchi-d/gozxing"
	zxing "github.com/makiuchi-d/gozxing/qrcode"
	zxingdecoder "github.com/makiuchi-d/gozxing/qrcode/decoder"
	zxingencoder "github.com/makiuchi-d/gozxing/qrcode/encoder"
)

// qrURLs are verification URLs of several lengths and code alphabets.
func qrURLs() []string {
	urls := []string{"https://dossier.montreuil-sur-loire.example/verify/K7QF-2MZD-X9TB-4WRC", "HTTPS://EX.FR/V/1", "0123456789"}
	for i := 0; i < 40; i++ {
		code := fmt.Sprintf("%04X-%04X-%04X-%04X", i*7919%65536, i*104729%65536, i*31%65536, i*65521%65536)
		host := strings.Repeat("ville-", 1+i%9) + "exemple.fr"
		urls = append(urls, "https://"+host+"/verify/"+code)
	}
	// Codes of more than 64 modules a side, scored module by module.
	return append(urls, "https://"+strings.Repeat("ville-", 40)+"exemple.fr/verify/K7QF", strings.Repeat("HTTPS://EX.FR/", 30))
}

// TestQRMatchesZXing compares our QR codes with those of an independent
// encoder, ZXing's (gozxing): same mode, version, level, codewords,
// placement, and the same mask, which ZXing also picks by the ISO/IEC
// 18004 penalties.
func TestQRMatchesZXing(t *testing.T) {
	for _, url := range qrURLs() {
		got, err := qrBitmap(url)
		if err != nil {
			t.Fatal(err)
		}
		want, err := zxingencoder.Encoder_encodeWithoutHint(url, zxingdecoder.ErrorCorrectionLevel_M)
		if err != nil {
			t.Fatal(err)
		}
		m := want.GetMatrix()
		if len(got) != m.GetWidth()+2*qrQuiet {
			t.Errorf("%s: %d modules a side, ZXing %d + quiet zone", url, len(got), m.GetWidth())
			continue
		}
	cmp:
		for y := 0; y < m.GetHeight(); y++ {
			for x := 0; x < m.GetWidth(); x++ {
				if got[y+qrQuiet][x+qrQuiet] != (m.Get(x, y) == 1) {
					t.Errorf("%s: module (%d, %d) differs from ZXing's (its mask %d)", url, x, y, want.GetMaskPattern())
					break cmp
				}
			}
		}
	}
}

// TestQRDecodes reads our QR codes back with ZXing's decoder.
func TestQRDecodes(t *testing.T) {
	for _, url := range qrURLs() {
		bits, err := qrBitmap(url)
		if err != nil {
			t.Fatal(err)
		}
		if got := decodeQR(t, bitsImage(bits, 4)); got != url {
			t.Errorf("decoded %q, want %q", got, url)
		}
	}
}

// bitsImage draws bits with scale pixels per module.
func bitsImage(bits [][]bool, scale int) image.Image {
	img := image.NewGray(image.Rect(0, 0, len(bits)*scale, len(bits)*scale))
	for y := range img.Rect.Dy() {
		for x := range img.Rect.Dx() {
			if !bits[y/scale][x/scale] {
				img.SetGray(x, y, color.Gray{Y: 255})
			}
		}
	}
	return img
}

// decodeQR returns the text of the QR code in img, or fails the test.
func decodeQR(t *testing.T, img image.Image) string {
	t.Helper()
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		t.Fatal(err)
	}
	res, err := zxing.NewQRCodeReader().Decode(bmp, nil)
	if err != nil {
		t.Fatalf("decode QR code: %v", err)
	}
	return res.GetText()
}

func TestLinePenalty(t *testing.T) {
	const X, o = true, false
	tests := []struct {
		name string
		line []bool
		want int
	}{
		{"alternating", []bool{X, o, X, o, X, o, X, o}, 0},
		{"run of 5", []bool{X, X, X, X, X, o}, 3},
		{"run of 7", []bool{o, o, o, o, o, o, o, X}, 5},
		{"finder with light after", []bool{X, o, X, X, X, o, X, o, o, o, o, X}, 40},
		{"finder at the edge, light outside", []bool{X, o, X, X, X, o, X, o, X}, 40},
		{"finder between dark", []bool{X, o, X, o, X, o, X, X, X, o, X, o, X, o, X}, 0},
	}
	for _, tt := range tests {
		if got := linePenalty(tt.line, make([]int, len(tt.line))); got != tt.want {
			t.Errorf("%s: penalty %d, want %d", tt.name, got, tt.want)
		}
	}
}

// TestLinePenaltyRuns compares linePenalty with the rules read module by
// module on random lines.
func TestLinePenaltyRuns(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for range 20000 {
		line := make([]bool, 21+rng.IntN(40))
		for i := range line {
			line[i] = rng.IntN(2) == 0
		}
		if got, want := linePenalty(line, make([]int, len(line))), naiveLinePenalty(line); got != want {
			t.Fatalf("%v: penalty %d, want %d", line, got, want)
		}
	}
}

// naiveLinePenalty is N1 + N3 of ISO/IEC 18004 7.8.3.1 checked at every
// module, with modules outside the line light.
func naiveLinePenalty(line []bool) int {
	light := func(from, to int) bool {
		for i := max(from, 0); i < min(to, len(line)); i++ {
			if line[i] {
				return false
			}
		}
		return true
	}
	score := 0
	for i := 0; i < len(line); {
		j := i
		for j < len(line) && line[j] == line[i] {
			j++
		}
		if j-i >= 5 {
			score += 3 + j - i - 5
		}
		i = j
	}
	finder := []bool{true, false, true, true, true, false, true}
	for i := 0; i+7 <= len(line); i++ {
		if slices.Equal(line[i:i+7], finder) && (light(i-4, i) || light(i+7, i+11)) {
			score += 40
		}
	}
	return score
}

// TestWordsPenalty compares the penalties scored on words with those
// scored module by module, on random symbols.
func TestWordsPenalty(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for range 2000 {
		size := 21 + rng.IntN(44)
		mods := make([]bool, size*size)
		for i := range mods {
			mods[i] = rng.IntN(2) == 0
		}
		var w qrWords
		for i, dark := range mods {
			if dark {
				w.set(i%size, i/size)
			}
		}
		if got, want := wordsPenalty(&w, size), moduleByModulePenalty(mods, size); got != want {
			t.Fatalf("size %d: penalty %d on words, %d module by module", size, got, want)
		}
	}
}

// moduleByModulePenalty is qrPenalty with naiveLinePenalty.
func moduleByModulePenalty(mods []bool, size int) int {
	score, dark := 0, 0
	line := make([]bool, size)
	for i := 0; i < size; i++ {
		score += naiveLinePenalty(mods[i*size : (i+1)*size])
		for j := range line {
			line[j] = mods[j*size+i]
		}
		score += naiveLinePenalty(line)
	}
	for y := 0; y < size; y++ {
		for x := 0; x < size; x++ {
			c := mods[y*size+x]
			if c {
				dark++
			}
			if x > 0 && y > 0 && c == mods[y*size+x-1] && c == mods[(y-1)*size+x] && c == mods[(y-1)*size+x-1] {
				score += 3
			}
		}
	}
	return score + balancePenalty(dark, size*size)
}
