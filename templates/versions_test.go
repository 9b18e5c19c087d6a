package templates

import (
	"strings"
	"testing"
	"testing/fstest"
)

// A case pinned to a kept version drafts with that version's text, while
// new cases get the current one.
func TestKeptVersions(t *testing.T) {
	c, err := LoadFS(fstest.MapFS{
		"lettre/manifest.yaml":   {Data: []byte(strings.Replace(goodManifest, "version: 1", "version: 2", 1))},
		"lettre/fr.tmpl":         {Data: []byte("Version deux")},
		"lettre@1/manifest.yaml": {Data: []byte(goodManifest)},
		"lettre@1/fr.tmpl":       {Data: []byte("Version un")},
	})
	if err != nil {
		t.Fatal(err)
	}
	cur, _ := c.Get("lettre")
	old, err := c.GetVersion("lettre", 1)
	if err != nil || cur.Version != 2 {
		t.Fatalf("current %d, kept %v", cur.Version, err)
	}
	for tmpl, want := range map[*Template]string{cur: "Version deux", old: "Version un"} {
		l, err := tmpl.Execute("fr", Data{Facts: map[string]string{"x": "1"}})
		if err != nil || l.Body != want {
			t.Errorf("%s: %q, %v; want %q", tmpl.Key(), l.Body, err, want)
		}
	}
	if _, err := c.GetVersion("lettre", 3); err == nil {
		t.Error("GetVersion of a version never shipped succeeded")
	}
}

func TestKeptVersionErrors(t *testing.T) {
	tests := []struct {
		name    string
		files   fstest.MapFS
		wantErr string
	}{
		{"kept folder newer than the current one", fstest.MapFS{
			"lettre/manifest.yaml":   {Data: []byte(goodManifest)},
			"lettre/fr.tmpl":         {Data: []byte("a")},
			"lettre@2/manifest.yaml": {Data: []byte(strings.Replace(goodManifest, "version: 1", "version: 2", 1))},
			"lettre@2/fr.tmpl":       {Data: []byte("b")},
		}, "the folder lettre must hold the current version"},
		{"kept folder named after another version", fstest.MapFS{
			"lettre/manifest.yaml":   {Data: []byte(strings.Replace(goodManifest, "version: 1", "version: 3", 1))},
			"lettre/fr.tmpl":         {Data: []byte("a")},
			"lettre@2/manifest.yaml": {Data: []byte(goodManifest)},
			"lettre@2/fr.tmpl":       {Data: []byte("b")},
		}, `id must be "lettre@2"`},
		{"two folders for one version", fstest.MapFS{
			"lettre/manifest.yaml":   {Data: []byte(goodManifest)},
			"lettre/fr.tmpl":         {Data: []byte("a")},
			"lettre@1/manifest.yaml": {Data: []byte(goodManifest)},
			"lettre@1/fr.tmpl":       {Data: []byte("b")},
		}, "version 1 is also defined in"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := LoadFS(tt.files); err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("LoadFS = %v, want an error containing %q", err, tt.wantErr)
			}
		})
	}
}

func TestLock(t *testing.T) {
	files := fstest.MapFS{
		"lettre/manifest.yaml": {Data: []byte(goodManifest)},
		"lettre/fr.tmpl":       {Data: []byte("Bonjour")},
	}
	c, err := LoadFS(files)
	if err != nil {
		t.Fatal(err)
	}
	if errs := c.CheckLock(); len(errs) != 1 || !strings.Contains(errs[0].Error(), "not in versions.lock") {
		t.Fatalf("unlocked version: %v", errs)
	}
	lock, err := c.Lock()
	if err != nil {
		t.Fatal(err)
	}
	files[LockFile] = &fstest.MapFile{Data: lock}
	if c, _ = LoadFS(files); len(c.CheckLock()) != 0 {
		t.Errorf("locked catalogue reports %v", c.CheckLock())
	}
	files["lettre/fr.tmpl"] = &fstest.MapFile{Data: []byte("Bonjour !")}
	c, _ = LoadFS(files)
	if errs := c.CheckLock(); len(errs) != 1 || !strings.Contains(errs[0].Error(), "changed after release") {
		t.Errorf("edited release: %v", errs)
	}
	if _, err := c.Lock(); err == nil {
		t.Error("Lock rewrote the hash of a released version")
	}
}
