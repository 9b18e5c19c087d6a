package dossier_test

import (
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"gopkg.in/yaml.v3"

	"github.com/dossier/dossier/activities"
	"github.com/dossier/dossier/internal/bus"
	"github.com/dossier/dossier/internal/contract"
)

// asyncAPI loads docs/asyncapi.yaml as plain JSON-like values.
func asyncAPI(t *testing.T) map[string]any {
	t.Helper()
	raw, err := os.ReadFile("docs/asyncapi.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := yaml.Unmarshal(raw, &doc); err != nil {
		t.Fatalf("docs/asyncapi.yaml: %v", err)
	}
	if doc["asyncapi"] != "3.0.0" {
		t.Fatalf("asyncapi version %v, want 3.0.0", doc["asyncapi"])
	}
	return doc
}

func get(v any, path ...string) any {
	for _, p := range path {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[p]
	}
	return v
}

// Every example of every message validates against the message's payload
// schema.
func TestAsyncAPIExamplesValidate(t *testing.T) {
	doc := asyncAPI(t)
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	if err := c.AddResource("asyncapi.json", doc); err != nil {
		t.Fatal(err)
	}
	messages := get(doc, "components", "messages").(map[string]any)
	checked := 0
	for name, m := range messages {
		payload, _ := get(m, "payload").(map[string]any)
		ref, _ := payload["$ref"].(string)
		examples, _ := get(m, "examples").([]any)
		if ref == "" && payload["type"] == nil {
			continue // opaque payloads (dead letters keep the original bytes)
		}
		loc := "asyncapi.json#/components/messages/" + name + "/payload"
		if ref != "" {
			loc = "asyncapi.json" + ref
		}
		schema, err := c.Compile(loc)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if len(examples) == 0 {
			t.Errorf("message %s has no example", name)
		}
		for _, ex := range examples {
			if err := schema.Validate(get(ex, "payload")); err != nil {
				t.Errorf("%s example %v: %v", name, get(ex, "name"), err)
			}
			checked++
		}
	}
	if checked < 8 {
		t.Errorf("only %d examples checked", checked)
	}
}

// The channels name the subjects the code uses, and the event channel
// lists every event type.
func TestAsyncAPISubjectsMatchTheCode(t *testing.T) {
	doc := asyncAPI(t)
	addresses := map[string]bool{}
	for _, ch := range get(doc, "channels").(map[string]any) {
		addresses[fmt.Sprint(get(ch, "address"))] = true
	}
	for _, subject := range []string{bus.SubjectSubmit, bus.SubjectCancel, bus.SubjectDocumentsReceived, bus.SubjectDeadLetter, activities.SubjectPrint, activities.SubjectPrint + ".done",
		activities.SubjectTasks + "{task}", activities.SubjectTasks + "{task}.done", activities.SubjectTasks + "{task}.heartbeat",
		bus.SubjectRefused, bus.SubjectChain, bus.SubjectDigest, strings.TrimSuffix(bus.SubjectEvents, ">") + "{event}", "legacy.{system}.{query}"} {
		if !addresses[subject] {
			t.Errorf("docs/asyncapi.yaml has no channel %s", subject)
		}
	}
	var documented []string
	for _, e := range get(doc, "channels", "events", "parameters", "event", "enum").([]any) {
		documented = append(documented, fmt.Sprint(e))
	}
	slices.Sort(documented)
	code := slices.Sorted(slices.Values(contract.EventTypes))
	if !slices.Equal(documented, code) {
		t.Errorf("event types documented %v, in the code %v", documented, code)
	}
}
