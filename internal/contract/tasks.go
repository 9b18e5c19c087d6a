package contract

import "time"

// DelegatedStep is a step of a template's cases that a legacy system
// performs: Dossier publishes a Task on dossier.tasks.<Task> and waits for
// the answer on dossier.tasks.<Task>.done, for at most Timeout, and, when
// Heartbeat is set, for at most Heartbeat between two signs of life on
// dossier.tasks.<Task>.heartbeat.
type DelegatedStep struct {
	Task      string        `json:"task"`
	At        string        `json:"at"`
	Timeout   time.Duration `json:"timeout"`
	Heartbeat time.Duration `json:"heartbeat,omitempty"`
}

// Where a delegated step runs: once the letter is approved, before it is
// rendered (a visa or a signature in the elected officials' e-signature
// tool, a number from the mail registry), or once it was sent (filing in
// the records system). A step that fails before rendering puts the case
// back before its reviewers; after notification it is flagged.
const (
	DelegateBeforeRender = "before_render"
	DelegateAfterNotify  = "after_notify"
)

// Task is what a delegated step publishes on dossier.tasks.<name>.
type Task struct {
	// Token is the base64 task token the answer and heartbeats carry back.
	Token     string            `json:"token"`
	Task      string            `json:"task"`
	At        string            `json:"at"`
	CaseID    string            `json:"case_id"`
	Reference string            `json:"reference"`
	Template  string            `json:"template"`
	Language  string            `json:"language"`
	Facts     map[string]string `json:"facts,omitempty"`
	// Subject and Body are the approved letter; Document the sent one,
	// for steps after notification.
	Subject  string    `json:"subject,omitempty"`
	Body     string    `json:"body,omitempty"`
	Approver string    `json:"approver,omitempty"`
	Document *Document `json:"document,omitempty"`
	// Requested is when the task was published; Deadline when Dossier
	// stops waiting; HeartbeatSeconds how often it needs a sign of life
	// (0: never).
	Requested        time.Time `json:"requested"`
	Deadline         time.Time `json:"deadline"`
	HeartbeatSeconds int       `json:"heartbeat_seconds,omitempty"`
}

// TaskInput asks the DelegateTask activity to hand a step over.
type TaskInput struct {
	Step     DelegatedStep     `json:"step"`
	Case     CaseInput         `json:"case"`
	Facts    map[string]string `json:"facts,omitempty"`
	Draft    *Draft            `json:"draft,omitempty"`
	Approver string            `json:"approver,omitempty"`
	Document *Document         `json:"document,omitempty"`
}

// TaskAnswer is a legacy system's answer on dossier.tasks.<name>.done.
// Status "done" (or "posted" for print jobs) completes the step; anything
// else fails it with Error.
type TaskAnswer struct {
	Token    string            `json:"token"`
	Status   string            `json:"status"`
	Tracking string            `json:"tracking,omitempty"`
	Error    string            `json:"error,omitempty"`
	Result   map[string]string `json:"result,omitempty"`
}

// TaskHeartbeat is a sign of life on dossier.tasks.<name>.heartbeat from
// a legacy system still working on a task.
type TaskHeartbeat struct {
	Token    string `json:"token"`
	Progress string `json:"progress,omitempty"`
}

// Delegation is a delegated step as the case state keeps it.
type Delegation struct {
	Task      string            `json:"task"`
	At        string            `json:"at"`
	Status    string            `json:"status"` // "done" or "failed"
	Result    map[string]string `json:"result,omitempty"`
	Error     string            `json:"error,omitempty"`
	StartedAt time.Time         `json:"started_at"`
	EndedAt   time.Time         `json:"ended_at"`
}

// ActivityDelegate hands a delegated step to its legacy system.
const ActivityDelegate = "DelegateTask"

// Events of delegated steps: handed over, answered, failed (no answer in
// time, no heartbeat, or a failure the system reported).
const (
	EventTaskSent   = "task_sent"
	EventTaskDone   = "task_done"
	EventTaskFailed = "task_failed"
)
