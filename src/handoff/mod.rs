//! The shift hand-off: the note composed from the shift itself (what is open
//! and who holds it, what was resolved, what sat untouched, what was noise),
//! gathered from the hub, written to disk before it is sent.
mod compose;
mod gather;

pub use compose::{NOISY_REPEATS, Shift, UNTOUCHED, compose};
pub use gather::{gather, save};
