package devstack

import (
	"database/sql"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"

	persistencespb "go.temporal.io/server/api/persistence/v1"
	"google.golang.org/protobuf/proto"

	"github.com/dossier/dossier/internal/contract"
)

// Temporal's SQLite visibility table carries 58 indexes, one for nearly
// every column, most of them on columns that stay empty for Dossier's
// cases (spare search attribute slots, worker versioning, batch jobs).
// Each costs about 0.3 KB a case, 16 KB in all, nearly half the disk a
// waiting case takes. The dev database keeps only the indexes Dossier's
// queries, the Web UI's default lists and the schedules use; a query on
// another column still works, by scanning. Indexes are only dropped or
// created, never altered, so the schema stays Temporal's for its tools.

// keptIndexes are the indexes on Temporal's own columns that stay.
var keptIndexes = map[string]bool{
	"default_idx": true, "by_execution_time": true, "by_workflow_id": true, "by_workflow_type": true, "by_status": true,
	"by_temporal_namespace_division": true, "by_temporal_scheduled_start_time": true,
	"by_temporal_scheduled_by_id": true, "by_temporal_schedule_paused": true,
}

// The inbox index serves the caseworkers' inbox: its counts and its
// windows of deadlines read the index alone, where Temporal's one-column
// indexes leave SQLite to decode each case's search attributes (about
// 10 µs a case, a second for a count over 100,000 waiting cases); and
// of the cases due at one instant, those submitted since a time are
// found without reading the others.
// Its name carries its version: an index of another version is dropped.
const inboxIndex = "dossier_inbox_1"

// inboxColumns are the inbox index's columns: Temporal's own, or the
// slot of one of Dossier's search attributes.
var inboxColumns = []struct{ column, attribute string }{
	{column: "namespace_id"}, {attribute: contract.SearchStage.GetName()}, {column: "status"},
	{attribute: contract.SearchDeadline.GetName()}, {column: "start_time"}, {column: "workflow_type_name"}, {column: "TemporalNamespaceDivision"},
	{attribute: contract.SearchService.GetName()}, {attribute: contract.SearchTemplate.GetName()},
	{attribute: contract.SearchAssignee.GetName()},
}

// slotIndex matches the index of a custom search attribute slot
// (by_keyword_03 indexes Keyword03).
var slotIndex = regexp.MustCompile(`^by_(bool|datetime|double|int|keyword)_(\d\d)$`)

// trimVisibilityIndexes drops, in the SQLite database at file, the
// visibility indexes that neither keptIndexes nor a custom search
// attribute of Dossier's namespace use, and creates those of the slots
// the namespace uses that a previous start dropped. The driver is the
// one Temporal's SQLite plugin registers.
func trimVisibilityIndexes(file string) error {
	db, err := sql.Open("sqlite", "file:"+file+"?_pragma=busy_timeout(10000)")
	if err != nil {
		return fmt.Errorf("temporal: visibility indexes: %w", err)
	}
	defer db.Close()
	slots, err := searchSlots(db)
	if err != nil {
		return fmt.Errorf("temporal: visibility indexes: %w", err)
	}
	have, err := visibilityIndexes(db)
	if err != nil {
		return fmt.Errorf("temporal: visibility indexes: %w", err)
	}
	for _, stmt := range indexChanges(have, slots) {
		if _, err := db.Exec(stmt); err != nil {
			return fmt.Errorf("temporal: visibility indexes: %s: %w", stmt, err)
		}
	}
	return nil
}

// indexChanges are the statements that bring the indexes have to those
// kept, for the custom search attributes' slots (Keyword03: CaseTemplate),
// and the inbox index.
func indexChanges(have []string, slots map[string]string) []string {
	var stmts []string
	present := map[string]bool{}
	for _, name := range have {
		present[name] = true
		switch {
		case keptIndexes[name] || slots[slotOf(name)] != "" || name == inboxIndex:
		case strings.HasPrefix(name, "by_") || strings.HasPrefix(name, "dossier_inbox"):
			stmts = append(stmts, "DROP INDEX IF EXISTS "+name)
		}
	}
	for _, slot := range slices.Sorted(maps.Keys(slots)) {
		name := slotIndexName(slot)
		if name != "" && !present[name] {
			stmts = append(stmts, fmt.Sprintf("CREATE INDEX IF NOT EXISTS %s ON executions_visibility "+
				"(namespace_id, %s, (COALESCE(close_time, '9999-12-31 23:59:59+00:00')) DESC, start_time DESC, run_id)", name, slot))
		}
	}
	if cols, ok := inboxIndexColumns(slots); ok && !present[inboxIndex] {
		stmts = append(stmts, fmt.Sprintf("CREATE INDEX IF NOT EXISTS %s ON executions_visibility (%s)", inboxIndex, strings.Join(cols, ", ")))
	}
	return stmts
}

// inboxIndexColumns are the inbox index's columns, Dossier's search
// attributes replaced by their slots; false while one has none.
func inboxIndexColumns(slots map[string]string) ([]string, bool) {
	slotOfName := map[string]string{}
	for slot, name := range slots {
		slotOfName[name] = slot
	}
	cols := make([]string, len(inboxColumns))
	for i, c := range inboxColumns {
		cols[i] = c.column
		if c.attribute != "" {
			if cols[i] = slotOfName[c.attribute]; cols[i] == "" {
				return nil, false
			}
		}
	}
	return cols, true
}

// slotOf is the column of a slot's index (by_keyword_03: Keyword03), or "".
func slotOf(index string) string {
	m := slotIndex.FindStringSubmatch(index)
	if m == nil {
		return ""
	}
	return strings.ToUpper(m[1][:1]) + m[1][1:] + m[2]
}

// slotIndexName is the index of a slot column (Keyword03: by_keyword_03),
// or "" for a column that is not a slot with an index (KeywordList01).
func slotIndexName(slot string) string {
	name := "by_" + strings.ToLower(slot[:len(slot)-2]) + "_" + slot[len(slot)-2:]
	if !slotIndex.MatchString(name) {
		return ""
	}
	return name
}

func visibilityIndexes(db *sql.DB) ([]string, error) {
	rows, err := db.Query(`SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'executions_visibility' AND sql IS NOT NULL`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var names []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			return nil, err
		}
		names = append(names, name)
	}
	return names, rows.Err()
}

// searchSlots are the columns (Keyword03…) that hold the custom search
// attributes of Dossier's namespace, and the attribute each holds.
func searchSlots(db *sql.DB) (map[string]string, error) {
	var data []byte
	err := db.QueryRow(`SELECT data FROM namespaces WHERE name = ?`, contract.Namespace).Scan(&data)
	if err != nil {
		return nil, fmt.Errorf("namespace %s: %w", contract.Namespace, err)
	}
	var detail persistencespb.NamespaceDetail
	if err := proto.Unmarshal(data, &detail); err != nil {
		return nil, fmt.Errorf("namespace %s: %w", contract.Namespace, err)
	}
	return detail.GetConfig().GetCustomSearchAttributeAliases(), nil
}
