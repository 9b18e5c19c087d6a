package engine

import (
	"context"
	"fmt"

	historypb "go.temporal.io/api/history/v1"
	"go.temporal.io/sdk/client"
	"google.golang.org/protobuf/encoding/protojson"

	enumspb "go.temporal.io/api/enums/v1"
)

// History returns the full history of case id's latest run. It returns
// the Temporal client's error, such as *serviceerror.NotFound for a case
// that does not exist.
func History(ctx context.Context, c client.Client, id string) (*historypb.History, error) {
	iter := c.GetWorkflowHistory(ctx, id, "", false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	hist := &historypb.History{}
	for iter.HasNext() {
		event, err := iter.Next()
		if err != nil {
			return nil, fmt.Errorf("engine: history of %s: %w", id, err)
		}
		hist.Events = append(hist.Events, event)
	}
	return hist, nil
}

// ExportHistory returns the full history of case id's latest run in
// Temporal's standard JSON format, the one `temporal workflow show -o json`
// prints and the SDK's replayer reads.
func ExportHistory(ctx context.Context, c client.Client, id string) ([]byte, error) {
	hist, err := History(ctx, c, id)
	if err != nil {
		return nil, err
	}
	out, err := protojson.MarshalOptions{Multiline: true, Indent: "  "}.Marshal(hist)
	if err != nil {
		return nil, fmt.Errorf("engine: encode history of %s: %w", id, err)
	}
	return out, nil
}
