package main

// auditCmd gathers the auditors' tools.
type auditCmd struct {
	Verify auditVerifyCmd `cmd:"" help:"Check the audit chain, its digests and the stored letters against their histories; exit 1 on any break."`
}
