// Package engine connects Dossier to Temporal: the client every role dials,
// the dossier namespace and its search attributes, and readiness checks.
package engine

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/operatorservice/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	sdklog "go.temporal.io/sdk/log"
	"google.golang.org/protobuf/types/known/durationpb"

	"github.com/dossier/dossier/internal/contract"
)

// Retention is how long Temporal keeps the history of a closed case: the
// auditors' record of who decided what.
const Retention = 365 * 24 * time.Hour

// SearchAttributes returns Dossier's custom search attributes and their types.
func SearchAttributes() map[string]enumspb.IndexedValueType {
	out := map[string]enumspb.IndexedValueType{}
	for _, name := range contract.KeywordSearchAttributes {
		out[name] = enumspb.INDEXED_VALUE_TYPE_KEYWORD
	}
	for _, name := range contract.DoubleSearchAttributes {
		out[name] = enumspb.INDEXED_VALUE_TYPE_DOUBLE
	}
	for _, name := range contract.DatetimeSearchAttributes {
		out[name] = enumspb.INDEXED_VALUE_TYPE_DATETIME
	}
	for _, name := range contract.KeywordListSearchAttributes {
		out[name] = enumspb.INDEXED_VALUE_TYPE_KEYWORD_LIST
	}
	for _, name := range contract.BoolSearchAttributes {
		out[name] = enumspb.INDEXED_VALUE_TYPE_BOOL
	}
	return out
}

// Dial connects to the Temporal frontend at address, in the dossier namespace.
func Dial(ctx context.Context, address string, logger *slog.Logger) (client.Client, error) {
	return DialNamespace(ctx, address, contract.Namespace, logger)
}

// DialNamespace connects to the Temporal frontend at address, in namespace;
// the auditors' tools read a copy of the cases kept under another name.
func DialNamespace(ctx context.Context, address, namespace string, logger *slog.Logger) (client.Client, error) {
	c, err := client.DialContext(ctx, client.Options{
		HostPort:  address,
		Namespace: namespace,
		Logger:    sdklog.NewStructuredLogger(logger),
	})
	if err != nil {
		return nil, fmt.Errorf("engine: dial temporal %s: %w", address, err)
	}
	return c, nil
}

// EnsureNamespace registers the dossier namespace and its search attributes
// where they are missing, and waits until Temporal serves them. It is safe
// to run at every start of every role.
func EnsureNamespace(ctx context.Context, c client.Client) error {
	_, err := c.WorkflowService().DescribeNamespace(ctx, &workflowservice.DescribeNamespaceRequest{Namespace: contract.Namespace})
	if err != nil {
		var notFound *serviceerror.NamespaceNotFound
		if !errors.As(err, &notFound) {
			return fmt.Errorf("engine: describe namespace: %w", err)
		}
		if err := register(ctx, c); err != nil {
			return err
		}
	}
	return ensureSearchAttributes(ctx, c)
}

func register(ctx context.Context, c client.Client) error {
	_, err := c.WorkflowService().RegisterNamespace(ctx, &workflowservice.RegisterNamespaceRequest{
		Namespace:                        contract.Namespace,
		Description:                      "Dossier cases",
		WorkflowExecutionRetentionPeriod: durationpb.New(Retention),
	})
	var exists *serviceerror.NamespaceAlreadyExists
	if err != nil && !errors.As(err, &exists) {
		return fmt.Errorf("engine: register namespace: %w", err)
	}
	return nil
}

func ensureSearchAttributes(ctx context.Context, c client.Client) error {
	for {
		missing, err := missingSearchAttributes(ctx, c)
		if err != nil {
			return err
		}
		if len(missing) == 0 {
			return nil
		}
		_, err = c.OperatorService().AddSearchAttributes(ctx, &operatorservice.AddSearchAttributesRequest{
			Namespace: contract.Namespace, SearchAttributes: missing,
		})
		if err != nil && !isRetryable(err) {
			return fmt.Errorf("engine: add search attributes: %w", err)
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("engine: waiting for search attributes: %w", ctx.Err())
		case <-time.After(500 * time.Millisecond):
		}
	}
}

func missingSearchAttributes(ctx context.Context, c client.Client) (map[string]enumspb.IndexedValueType, error) {
	resp, err := c.OperatorService().ListSearchAttributes(ctx, &operatorservice.ListSearchAttributesRequest{Namespace: contract.Namespace})
	if err != nil {
		if isRetryable(err) {
			return SearchAttributes(), nil
		}
		return nil, fmt.Errorf("engine: list search attributes: %w", err)
	}
	missing := map[string]enumspb.IndexedValueType{}
	for name, typ := range SearchAttributes() {
		if _, ok := resp.GetCustomAttributes()[name]; !ok {
			missing[name] = typ
		}
	}
	return missing, nil
}

// isRetryable reports errors that go away once a new namespace propagates.
func isRetryable(err error) bool {
	var notFound *serviceerror.NamespaceNotFound
	var unavailable *serviceerror.Unavailable
	return errors.As(err, &notFound) || errors.As(err, &unavailable)
}

// WorkerReady reports whether at least one worker polls the case task queue.
func WorkerReady(ctx context.Context, c client.Client) error {
	resp, err := c.DescribeTaskQueue(ctx, contract.TaskQueue, enumspb.TASK_QUEUE_TYPE_WORKFLOW)
	if err != nil {
		return fmt.Errorf("engine: describe task queue: %w", err)
	}
	if len(resp.GetPollers()) == 0 {
		return errors.New("engine: no worker polls " + contract.TaskQueue)
	}
	return nil
}
