package gofpdf

// Dossier: a UTF-8 font parsed once and added to any number of documents.
// AddUTF8FontFromBytes parses the font and JSON-encodes its 65,536 widths
// to hash a font id for every document; with three fonts that was most of
// the time a one-page letter took.

import "fmt"

// UTF8Font is a UTF-8 TrueType font parsed once, for one family and
// style. It is immutable: any number of documents may use it, from any
// number of goroutines.
type UTF8Font struct {
	def    fontDefType // without utf8File and usedRunes, which are per document
	data   []byte
	tables *utf8FontTables
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
	def := font.def // Cw is shared: gofpdf only reads it
	def.utf8File = newUTF8Font(&fileReader{readerPosition: 0, array: font.data})
	def.utf8File.shared = font.tables
	if f.aliasNbPagesStr == "" {
		def.usedRunes = makeSubsetRange(57)
	} else {
		def.usedRunes = makeSubsetRange(32)
	}
	f.fonts[font.def.Name] = def
}
