package devstack

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/dossier/dossier/internal/contract"
)

func TestIndexChanges(t *testing.T) {
	have := []string{"default_idx", "by_status", "by_history_length", "by_bool_01", "by_keyword_03", "by_keyword_07",
		"by_temporal_keyword_01", "sqlite_autoindex_executions_visibility_1", "dossier_inbox_0"}
	slots := map[string]string{"Keyword03": "CaseTemplate", "Datetime01": "CaseDeadline", "KeywordList01": "CaseApplicant"}
	got := indexChanges(have, slots)
	want := []string{
		"DROP INDEX IF EXISTS by_history_length",
		"DROP INDEX IF EXISTS by_bool_01",
		"DROP INDEX IF EXISTS by_keyword_07",
		"DROP INDEX IF EXISTS by_temporal_keyword_01",
		"DROP INDEX IF EXISTS dossier_inbox_0",
		"CREATE INDEX IF NOT EXISTS by_datetime_01 ON executions_visibility (namespace_id, Datetime01, " +
			"(COALESCE(close_time, '9999-12-31 23:59:59+00:00')) DESC, start_time DESC, run_id)",
	}
	if !slices.Equal(got, want) {
		t.Errorf("changes:\n%q\nwant\n%q", got, want)
	}
	// With every attribute it covers in a slot, the inbox index is made.
	for slot, name := range map[string]string{"Keyword08": "CaseStage", "Keyword06": "CaseService", "Keyword07": "CaseAssignee"} {
		slots[slot] = name
	}
	got = indexChanges([]string{"dossier_inbox_1"}, slots)
	if slices.ContainsFunc(got, func(s string) bool { return strings.Contains(s, "dossier_inbox") }) {
		t.Errorf("changes %q touch the inbox index, which is there", got)
	}
	got = indexChanges(nil, slots)
	if want := "CREATE INDEX IF NOT EXISTS dossier_inbox_1 ON executions_visibility (namespace_id, Keyword08, status, Datetime01, " +
		"start_time, workflow_type_name, TemporalNamespaceDivision, Keyword06, Keyword03, Keyword07)"; !slices.Contains(got, want) {
		t.Errorf("changes %q, want %q", got, want)
	}
}

// TestInboxIndexServesTheInbox: on the dev database, an inbox count of
// the shape Temporal writes for the caseworkers' inbox reads the inbox
// index, and a start puts the index back when it is missing.
func TestInboxIndexServesTheInbox(t *testing.T) {
	dir := t.TempDir()
	for round := range 2 {
		app := New(Options{DataDir: dir, HTTPAddr: "127.0.0.1:0", NoUI: true, NoDemo: true, NoLegacySim: true})
		if err := app.Start(context.Background()); err != nil {
			t.Fatal(err)
		}
		app.Close()
		db, err := sql.Open("sqlite", "file:"+filepath.Join(dir, "temporal.db"))
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		slots, err := searchSlots(db)
		if err != nil {
			t.Fatal(err)
		}
		col := map[string]string{}
		for slot, name := range slots {
			col[name] = slot
		}
		query := fmt.Sprintf("EXPLAIN QUERY PLAN SELECT COUNT(*) FROM executions_visibility WHERE (namespace_id = 'ns') AND "+
			"workflow_type_name = 'CaseWorkflow' AND %s = 'awaiting_approval' AND status = 1 AND (%s IN ('', 'relations-usagers') OR %s IS NULL) "+
			"AND %s < '2026-11-27 00:00:00+00:00' AND TemporalNamespaceDivision IS NULL",
			col[contract.SearchStage.GetName()], col[contract.SearchService.GetName()], col[contract.SearchService.GetName()], col[contract.SearchDeadline.GetName()])
		var plan string
		if err := db.QueryRow(query).Scan(new(int), new(int), new(int), &plan); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(plan, inboxIndex) {
			t.Errorf("start %d: the inbox's count reads %q, want %s", round+1, plan, inboxIndex)
		}
		if _, err := db.Exec("DROP INDEX " + inboxIndex); err != nil {
			t.Fatal(err)
		}
		db.Close()
	}
}
