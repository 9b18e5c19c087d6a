// Package audit holds the auditors' tools. From a case's Temporal history
// alone it tells what happened: the stages and how long each took, the data
// used and where it came from, every draft and who or what wrote it, every
// decision and who took it, the letter sent and how; and, from it, the
// explanation a citizen is entitled to. Attempts the cases refused, which
// Temporal does not record, come from Dossier's audit stream and are passed
// in. It replays histories against the current workflow code, which proves
// that the code still makes the decisions the histories record, and it
// checks the tamper-evident audit chain and the stored letters against the
// hashes the histories recorded.
package audit
