// Package pdftest inspects PDF documents in tests with poppler's command-line
// tools (Debian package poppler-utils: pdftotext, pdfinfo, pdftoppm). Every helper
// fails the test with tb.Fatalf if the tool is missing, fails, or reports a
// syntax problem on stderr, since a PDF that poppler complains about is a bug.
package pdftest

import (
	"bytes"
	"html"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// Text returns the text of pdf as extracted by
// `pdftotext -layout -enc UTF-8`; pages are separated by form feeds ("\f").
func Text(tb testing.TB, pdf []byte) string {
	tb.Helper()
	return string(run(tb, pdf, "pdftotext", "-layout", "-enc", "UTF-8", file, "-"))
}

// Info returns the fields printed by `pdfinfo -isodates -enc UTF-8`, such
// as "Pages", "Title" or "CreationDate", keyed by name.
func Info(tb testing.TB, pdf []byte) map[string]string {
	tb.Helper()
	out := run(tb, pdf, "pdfinfo", "-isodates", "-enc", "UTF-8", file)
	info := make(map[string]string)
	for _, line := range strings.Split(string(out), "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok {
			info[k] = strings.TrimSpace(v)
		}
	}
	return info
}

// Pages returns the page count of pdf reported by pdfinfo.
func Pages(tb testing.TB, pdf []byte) int {
	tb.Helper()
	n, err := strconv.Atoi(Info(tb, pdf)["Pages"])
	if err != nil {
		tb.Fatalf("pdftest: pdfinfo page count: %v", err)
	}
	return n
}

// Word is one word placed on a page, in millimetres from the page's
// top-left corner.
type Word struct {
	Page                   int // 1-based
	Text                   string
	XMin, YMin, XMax, YMax float64
}

// Words returns every word of pdf with its bounding box, from
// `pdftotext -bbox`. Use it to check that text stays inside the page.
func Words(tb testing.TB, pdf []byte) []Word {
	tb.Helper()
	out := run(tb, pdf, "pdftotext", "-bbox", "-enc", "UTF-8", file, "-")
	var words []Word
	page := 0
	for _, line := range strings.Split(string(out), "\n") {
		if strings.Contains(line, "<page ") {
			page++
		}
		if m := wordRE.FindStringSubmatch(line); m != nil {
			words = append(words, parseWord(tb, page, m))
		}
	}
	return words
}

var wordRE = regexp.MustCompile(`<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*)</word>`)

// parseWord converts a wordRE match from points to millimetres.
func parseWord(tb testing.TB, page int, m []string) Word {
	tb.Helper()
	var c [4]float64
	for i := range c {
		v, err := strconv.ParseFloat(m[i+1], 64)
		if err != nil {
			tb.Fatalf("pdftest: pdftotext -bbox coordinate %q: %v", m[i+1], err)
		}
		c[i] = v * 25.4 / 72
	}
	return Word{Page: page, Text: html.UnescapeString(m[5]), XMin: c[0], YMin: c[1], XMax: c[2], YMax: c[3]}
}

// Page returns page n (1-based) of pdf rendered by `pdftoppm -gray` at
// dpi dots per inch, for tests that look at graphics.
func Page(tb testing.TB, pdf []byte, n, dpi int) image.Image {
	tb.Helper()
	page := strconv.Itoa(n)
	out := run(tb, pdf, "pdftoppm", "-f", page, "-l", page, "-r", strconv.Itoa(dpi), "-gray", "-png", "-singlefile", file)
	img, err := png.Decode(bytes.NewReader(out))
	if err != nil {
		tb.Fatalf("pdftest: pdftoppm output: %v", err)
	}
	return img
}

// file stands for the PDF's path in the arguments given to run.
const file = "\x00pdf"

// run writes pdf to a temporary file, runs tool with args (where file is
// replaced by the file's path), and returns its standard output.
func run(tb testing.TB, pdf []byte, tool string, args ...string) []byte {
	tb.Helper()
	path, err := exec.LookPath(tool)
	if err != nil {
		tb.Fatalf("pdftest: %s not found (install poppler-utils: apt-get install -y poppler-utils): %v", tool, err)
	}
	name := filepath.Join(tb.TempDir(), "document.pdf")
	if err := os.WriteFile(name, pdf, 0o600); err != nil {
		tb.Fatalf("pdftest: write %s: %v", name, err)
	}
	argv := make([]string, len(args))
	for i, a := range args {
		argv[i] = strings.ReplaceAll(a, file, name)
	}
	var stdout, stderr bytes.Buffer
	cmd := exec.Command(path, argv...)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		tb.Fatalf("pdftest: %s: %v\n%s", tool, err, stderr.Bytes())
	}
	if stderr.Len() > 0 {
		tb.Fatalf("pdftest: %s reported problems with the PDF:\n%s", tool, stderr.Bytes())
	}
	return stdout.Bytes()
}

// InOrder fails unless every block appears in text, once its spaces are
// flattened, after the block before it.
func InOrder(tb testing.TB, text string, blocks []string) {
	tb.Helper()
	at := 0
	for _, b := range blocks {
		i := strings.Index(text[at:], Flat(b))
		if i < 0 {
			tb.Fatalf("block %q missing or out of order after position %d:\n%s", b, at, text)
		}
		at += i + len(Flat(b))
	}
}

// Flat is s with every run of spaces (no-break spaces too) as one space,
// as pdftotext's text compares once flattened itself.
func Flat(s string) string {
	return strings.Join(strings.Fields(strings.ReplaceAll(s, "\u00a0", " ")), " ")
}

// FirstWords is the first n words of s: a long block's beginning, short
// enough not to be cut by a line break in the PDF.
func FirstWords(s string, n int) string {
	w := strings.Fields(s)
	return strings.Join(w[:min(n, len(w))], " ")
}
