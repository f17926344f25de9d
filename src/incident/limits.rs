//! The limits on what a client may send the hub, in one place for both
//! sides: the hub refuses past them (`hub/validate.rs`, each refusal naming
//! the limit), and what turns outside input into incidents (an Alertmanager
//! alert) cuts to them rather than be refused. docs/api.md lists them.

/// The largest request body the hub reads; larger ones get 413.
pub const MAX_BODY: usize = 1024 * 1024;

pub const MAX_TITLE_CHARS: usize = 1_000;
pub const MAX_SERVICE_CHARS: usize = 256;
pub const MAX_DEDUP_KEY_CHARS: usize = 1_024;
pub const MAX_DESCRIPTION_BYTES: usize = 64 * 1024;
pub const MAX_LABELS: usize = 64;
pub const MAX_LABEL_KEY_CHARS: usize = 256;
pub const MAX_LABEL_VALUE_CHARS: usize = 1_024;
pub const MAX_NOTE_BYTES: usize = 16 * 1024;
/// A hand-off note sums up a whole shift, so it may be longer than a note.
pub const MAX_HANDOFF_NOTE_BYTES: usize = 64 * 1024;

/// A runbook id as the library names them.
pub const MAX_RUNBOOK_CHARS: usize = 256;
/// Step numbers a runbook could have: below this.
pub const MAX_STEPS: u32 = 10_000;
/// The words of a step, as sent for the timeline.
pub const MAX_STEP_TEXT_CHARS: usize = 1_000;

/// The longest `Idempotency-Key` the hub takes (a UUID is 36).
pub const MAX_IDEMPOTENCY_KEY: usize = 200;

/// The longest snooze: a day. An incident quiet for longer wants resolving,
/// or a squash.
pub const MAX_SNOOZE_SECS: u64 = 24 * 60 * 60;
