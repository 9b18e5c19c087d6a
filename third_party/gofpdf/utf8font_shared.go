package gofpdf

// Dossier: a UTF-8 font parsed once and added to any number of documents.
// AddUTF8FontFromBytes parses the font and JSON-encodes its 65,536 widths
// to hash a font id for every document; with three fonts that was most of
// the time a one-page letter took.

import (
	"compress/zlib"
	"fmt"
	"sync"
)

// UTF8Font is a UTF-8 TrueType font parsed once, for one family and
// style. It is immutable: any number of documents may use it, from any
// number of goroutines.
type UTF8Font struct {
	def    fontDefType // without utf8File and usedRunes, which are per document
	data   []byte
	tables *utf8FontTables
	fixed  *fixedSubset // nil unless WithFixedSubset
}

// utf8FontTables is what GenerateCutFont reads from the whole font to
// subset it, whatever the runes used: the rune-to-glyph map and the
// glyphs' offsets. Read-only once built.
type utf8FontTables struct {
	charSymbolDictionary map[int]int
	symbolPosition       []int
}

// readTables reads the tables GenerateCutFont needs, as it does.
func readTables(utf8Bytes []byte) (*utf8FontTables, error) {
	utf := newUTF8Font(&fileReader{readerPosition: 0, array: utf8Bytes})
	utf.skip(4)
	utf.generateTableDescriptions()
	for _, name := range []string{"head", "maxp", "loca", "cmap", "glyf"} {
		if utf.tableDescriptions[name] == nil {
			return nil, fmt.Errorf("no %s table", name)
		}
	}
	utf.SeekTable("head")
	utf.skip(50)
	locaFormat := utf.readUint16()
	utf.SeekTable("maxp")
	utf.skip(4)
	numSymbols := utf.readUint16()
	if utf.generateCMAP() == nil {
		return nil, fmt.Errorf("no Unicode cmap")
	}
	utf.parseLOCATable(locaFormat, numSymbols)
	if len(utf.symbolPosition) != numSymbols+1 {
		return nil, fmt.Errorf("loca format %d", locaFormat)
	}
	return &utf8FontTables{charSymbolDictionary: utf.charSymbolDictionary, symbolPosition: utf.symbolPosition}, nil
}

// NewUTF8Font parses utf8Bytes as the font of familyStr and styleStr ("",
// "B", "I" or "BI"), as AddUTF8FontFromBytes does. The caller must not
// modify utf8Bytes afterwards. It returns an error for a font that is not
// TrueType or that has no Unicode cmap.
func NewUTF8Font(familyStr, styleStr string, utf8Bytes []byte) (*UTF8Font, error) {
	fontkey := getFontKey(fontFamilyEscape(familyStr), styleStr)
	utf8File := newUTF8Font(&fileReader{readerPosition: 0, array: utf8Bytes})
	if err := utf8File.parseFile(); err != nil {
		return nil, fmt.Errorf("gofpdf: font %s: %v", fontkey, err)
	}
	def := fontDefType{
		Tp:   "UTF8",
		Name: fontkey,
		Desc: FontDescType{
			Ascent:       int(utf8File.Ascent),
			Descent:      int(utf8File.Descent),
			CapHeight:    utf8File.CapHeight,
			Flags:        utf8File.Flags,
			FontBBox:     utf8File.Bbox,
			ItalicAngle:  utf8File.ItalicAngle,
			StemV:        utf8File.StemV,
			MissingWidth: round(utf8File.DefaultWidth),
		},
		Up: int(round(utf8File.UnderlinePosition)),
		Ut: round(utf8File.UnderlineThickness),
		Cw: utf8File.CharWidths,
	}
	tables, err := readTables(utf8Bytes)
	if err != nil {
		return nil, fmt.Errorf("gofpdf: font %s: %v", fontkey, err)
	}
	if def.i, err = generateFontID(def); err != nil {
		return nil, fmt.Errorf("gofpdf: font %s: %v", fontkey, err)
	}
	return &UTF8Font{def: def, data: utf8Bytes, tables: tables}, nil
}

// AddParsedUTF8Font adds font to the document, as AddUTF8FontFromBytes with the
// same family, style and bytes would, without parsing it again. The
// document subsets the font at output from its own reader over the shared
// bytes and tables, and records the runes it uses in its own set.
func (f *Fpdf) AddParsedUTF8Font(font *UTF8Font) {
	if f.err != nil {
		return
	}
	if _, ok := f.fonts[font.def.Name]; ok {
		return
	}
	if f.aliasNbPagesStr == "" {
		f.fonts[font.def.Name] = font.newDef(makeSubsetRange(57))
	} else {
		f.fonts[font.def.Name] = font.newDef(makeSubsetRange(32))
	}
}

// newDef returns the font definition of one document: its own reader
// over the shared bytes and tables, and usedRunes. Cw is shared: gofpdf
// only reads it.
func (font *UTF8Font) newDef(usedRunes map[int]int) fontDefType {
	def := font.def
	def.utf8File = newUTF8Font(&fileReader{readerPosition: 0, array: font.data})
	def.utf8File.shared = font.tables
	def.usedRunes = usedRunes
	def.fixed = font.fixed
	return def
}

// WithFixedSubset returns a copy of font whose documents embed one subset
// of it, of runes, whenever every rune they use is in runes; a document
// using any other rune gets its own subset, as without a fixed subset.
// The fixed subset's objects (font file, widths, CIDToGIDMap) are built
// and compressed once, by the first document that uses them, and written
// as they are into every document: building and compressing a subset for
// every document was half of the time a one-page letter took. The fixed
// subset is compressed at zlib.BestCompression, which costs nothing per
// document.
func (font *UTF8Font) WithFixedSubset(runes []rune) *UTF8Font {
	fs := &fixedSubset{runes: make(map[int]bool, len(runes))}
	c := *font
	c.fixed = fs
	used := makeSubsetRange(32)
	for _, r := range runes {
		fs.runes[int(r)] = true
		used[int(r)] = int(r)
	}
	fs.build = func() *utf8FontObjects {
		def := c.newDef(used)
		return newUTF8FontObjects(&def, func(b []byte) []byte { return compressLevel(b, zlib.BestCompression) })
	}
	return &c
}

// fixedSubset is a subset of a font shared by documents. Safe for
// concurrent use.
type fixedSubset struct {
	runes map[int]bool // read-only
	build func() *utf8FontObjects
	once  sync.Once
	objs  *utf8FontObjects // read-only once built
}

// objectsFor returns the fixed subset's objects if usedRunes (a
// document's rune → rune map, where 0 marks an unused entry) are all in
// the subset, and nil if not or if fs is nil.
func (fs *fixedSubset) objectsFor(usedRunes map[int]int) *utf8FontObjects {
	if fs == nil {
		return nil
	}
	for _, r := range usedRunes {
		if r != 0 && !fs.runes[r] {
			return nil
		}
	}
	fs.once.Do(func() { fs.objs = fs.build() })
	return fs.objs
}

// utf8FontObjects are what a document writes of a UTF-8 font that depends
// on the runes it uses.
type utf8FontObjects struct {
	widths      string // the /W entry of the CIDFont
	cidToGIDMap []byte // compressed
	file        []byte // the compressed subset
	fileSize    int    // the subset's uncompressed size
}

// newUTF8FontObjects subsets font to its usedRunes, as putfonts does,
// and compresses the subset and its CIDToGIDMap with compress.
func newUTF8FontObjects(font *fontDefType, compress func([]byte) []byte) *utf8FontObjects {
	delete(font.usedRunes, 0)
	stream := font.utf8File.GenerateCutFont(font.usedRunes)
	objs := &utf8FontObjects{fileSize: len(stream), file: compress(stream)}
	codeToGlyph := font.utf8File.CodeSymbolDictionary
	delete(codeToGlyph, 0)
	objs.widths = cidWidths(font, font.utf8File.LastRune)
	// The map stops at the last rune used (no CID past it is ever shown)
	// instead of covering all 65,536 CIDs: compressing 128 KB per font
	// was 14% of a letter.
	cidToGIDMap := make([]byte, (font.utf8File.LastRune+1)*2)
	for cc, glyph := range codeToGlyph {
		cidToGIDMap[cc*2] = byte(glyph >> 8)
		cidToGIDMap[cc*2+1] = byte(glyph & 0xFF)
	}
	objs.cidToGIDMap = compress(cidToGIDMap)
	return objs
}

// outputSizeHint returns about the size of the document: its pages'
// content, the fixed font subsets it will write, and 16 KB for the rest.
func (f *Fpdf) outputSizeHint() int {
	n := 16 << 10
	for _, p := range f.pages {
		if p != nil {
			n += p.Len()
		}
	}
	for _, font := range f.fonts {
		if objs := font.fixed.objectsFor(font.usedRunes); objs != nil {
			n += len(objs.file) + len(objs.cidToGIDMap) + len(objs.widths)
		}
	}
	return n
}
