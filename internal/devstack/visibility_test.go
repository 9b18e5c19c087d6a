package devstack

import (
	"slices"
	"testing"
)

func TestIndexChanges(t *testing.T) {
	have := []string{"default_idx", "by_status", "by_history_length", "by_bool_01", "by_keyword_03", "by_keyword_07",
		"by_temporal_keyword_01", "sqlite_autoindex_executions_visibility_1"}
	used := map[string]bool{"Keyword03": true, "Datetime01": true, "KeywordList01": true}
	got := indexChanges(have, used)
	want := []string{
		"DROP INDEX IF EXISTS by_history_length",
		"DROP INDEX IF EXISTS by_bool_01",
		"DROP INDEX IF EXISTS by_keyword_07",
		"DROP INDEX IF EXISTS by_temporal_keyword_01",
		"CREATE INDEX IF NOT EXISTS by_datetime_01 ON executions_visibility (namespace_id, Datetime01, " +
			"(COALESCE(close_time, '9999-12-31 23:59:59+00:00')) DESC, start_time DESC, run_id)",
	}
	if !slices.Equal(got, want) {
		t.Errorf("changes:\n%q\nwant\n%q", got, want)
	}
}
