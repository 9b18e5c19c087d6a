// Package histtest reads the stored case histories of
// workflows/testdata/histories, recorded from the dev stack, for tests.
package histtest

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"

	historypb "go.temporal.io/api/history/v1"
	"go.temporal.io/sdk/client"
)

// Dir is the folder of the stored histories.
func Dir() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "workflows", "testdata", "histories")
}

// Load reads the stored history name (its file name without .json).
func Load(t testing.TB, name string) *historypb.History {
	t.Helper()
	f, err := os.Open(filepath.Join(Dir(), name+".json"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	h, err := client.HistoryFromJSON(f, client.HistoryJSONOptions{})
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return h
}
