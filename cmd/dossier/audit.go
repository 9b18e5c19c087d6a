package main

// auditCmd gathers the auditors' commands: what happened to a case, read
// from its Temporal history.
type auditCmd struct {
	Timeline auditTimelineCmd `cmd:"" help:"Print a case's timeline: stages, data and sources, drafts, decisions, refused attempts, edits, letter, notifications."`
	Explain  auditExplainCmd  `cmd:"" help:"Explain a decision to the citizen, in French (CRPA R311-3-1-2, AI Act art. 86): text, or a PDF with -o."`
}
