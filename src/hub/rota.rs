//! Who is on call when: the rota's turns, the config's overrides and the
//! hand-offs recorded on the hub. No I/O and no clock: every answer takes the
//! time as an argument, so tests can stand exactly on a shift boundary.
//!
//! Precedence at a moment: of the covers holding it (the config's overrides,
//! hand-offs, and overrides made through the API) the one made last, else the
//! rota's turn. A cover counts by when it was made, not when it starts: an
//! override made today for next week beats a hand-off made last week, and a
//! hand-off made after an override beats it. The config's overrides count as
//! made at the epoch (the oldest). Before the first shift nobody is on call
//! (unless a cover says so).
use chrono::{DateTime, TimeDelta, Utc};

use crate::config::RotaConfig;

/// A window in which one person is on call whatever the turns say: an
/// override from the config or the API, or a hand-off (from its time to the
/// end of that shift).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cover {
    pub who: String,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    /// When it was made: of two covers holding a moment, the one made last
    /// decides.
    pub made: DateTime<Utc>,
}

impl Cover {
    fn contains(&self, t: DateTime<Utc>) -> bool {
        self.start <= t && t < self.end
    }
}

/// The person on call at a moment, and the stretch they hold it for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Turn {
    pub who: String,
    pub since: DateTime<Utc>,
    pub until: DateTime<Utc>,
}

/// The next person on call, and when they take over.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Upcoming {
    pub who: String,
    pub from: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rota {
    responders: Vec<String>,
    shift_ms: i64,
    start: DateTime<Utc>,
    overrides: Vec<Cover>,
}

impl Rota {
    /// `None` without responders or with a shift too short or too long to
    /// count in (the config check refuses both).
    pub fn new(
        responders: Vec<String>,
        shift: TimeDelta,
        start: DateTime<Utc>,
        overrides: Vec<Cover>,
    ) -> Option<Rota> {
        let shift_ms = shift.num_milliseconds();
        (!responders.is_empty() && shift_ms > 0).then_some(Rota {
            responders,
            shift_ms,
            start,
            overrides,
        })
    }

    pub fn from_config(config: &RotaConfig) -> Option<Rota> {
        let shift = TimeDelta::from_std(config.shift.0).ok()?;
        let overrides = config
            .overrides
            .iter()
            .map(|o| Cover {
                who: o.responder.clone(),
                start: o.start.0,
                end: o.end.0,
                made: DateTime::<Utc>::UNIX_EPOCH,
            })
            .collect();
        Rota::new(config.responders.clone(), shift, config.start.0, overrides)
    }

    pub fn shift(&self) -> TimeDelta {
        TimeDelta::milliseconds(self.shift_ms)
    }

    /// When the scheduled shift containing `t` ends (before the rota starts:
    /// when the first shift begins). A hand-off at `t` covers until then.
    pub fn shift_end(&self, t: DateTime<Utc>) -> DateTime<Utc> {
        match self.shift_index(t) {
            None => self.start,
            Some(k) => self
                .boundary(k.saturating_add(1))
                .unwrap_or(DateTime::<Utc>::MAX_UTC),
        }
    }

    /// Who is on call at `t`: the cover holding it made last (of two made at
    /// once, the later in the config, then in `handoffs`), else the turn.
    pub fn who_at<'a>(&'a self, t: DateTime<Utc>, handoffs: &'a [Cover]) -> Option<&'a str> {
        let cover = self
            .overrides
            .iter()
            .chain(handoffs)
            .filter(|c| c.contains(t))
            .max_by_key(|c| c.made);
        if let Some(c) = cover {
            return Some(&c.who);
        }
        let k = self.shift_index(t)?;
        let turn = usize::try_from(k.rem_euclid(self.len())).ok()?;
        self.responders.get(turn).map(String::as_str)
    }

    /// Who is on call at `t`, since when and until when: the whole stretch
    /// they hold, across shift boundaries and windows that hand the pager to
    /// the same person again.
    pub fn on_call(&self, t: DateTime<Utc>, handoffs: &[Cover]) -> Option<Turn> {
        let who = self.who_at(t, handoffs)?;
        let limit = self.walk_limit(handoffs);
        let first_end = self.next_break(t, handoffs);
        let mut until = first_end;
        for _ in 0..limit {
            if self.who_at(until, handoffs) != Some(who) {
                break;
            }
            until = self.next_break(until, handoffs);
        }
        if self.who_at(until, handoffs) == Some(who) {
            // Only ever this person (a rota of one): report their shift.
            until = first_end;
        }
        let mut since = self.prev_break(t, handoffs).unwrap_or(t);
        for _ in 0..limit {
            let Some(before) = since.checked_sub_signed(TimeDelta::nanoseconds(1)) else {
                break;
            };
            if self.who_at(before, handoffs) != Some(who) {
                break;
            }
            match self.prev_break(before, handoffs) {
                Some(b) => since = b,
                None => break,
            }
        }
        Some(Turn {
            who: who.to_string(),
            since,
            until,
        })
    }

    /// Who takes over after the person on call at `t` (or, when nobody is,
    /// the first person to be on call after `t`).
    pub fn next(&self, t: DateTime<Utc>, handoffs: &[Cover]) -> Option<Upcoming> {
        let mut from = match self.on_call(t, handoffs) {
            Some(turn) => turn.until,
            None => self.next_break(t, handoffs),
        };
        for _ in 0..self.walk_limit(handoffs) {
            if let Some(who) = self.who_at(from, handoffs) {
                return Some(Upcoming {
                    who: who.to_string(),
                    from,
                });
            }
            from = self.next_break(from, handoffs);
        }
        None
    }

    /// Everyone on call at some moment of `[start, end)`, in the order they
    /// hold it, each once: whom a new cover of that window displaces.
    pub fn on_call_during(
        &self,
        start: DateTime<Utc>,
        end: DateTime<Utc>,
        handoffs: &[Cover],
    ) -> Vec<String> {
        let mut seen: Vec<String> = Vec::new();
        let mut t = start;
        // A window may cross many short shifts; once everyone who could hold
        // the pager has been seen, nobody new can turn up.
        let everyone = self.responders.len() + self.overrides.len() + handoffs.len();
        while t < end && seen.len() < everyone {
            if let Some(who) = self.who_at(t, handoffs)
                && !seen.iter().any(|s| s == who)
            {
                seen.push(who.to_string());
            }
            let next = self.next_break(t, handoffs);
            if next <= t {
                break;
            }
            t = next;
        }
        seen
    }

    fn len(&self) -> i64 {
        i64::try_from(self.responders.len()).unwrap_or(i64::MAX)
    }

    /// How many windows a walk may cross before it gives up looking for a
    /// change of person: enough to go round the rota and past every cover.
    fn walk_limit(&self, handoffs: &[Cover]) -> usize {
        2 * (self.responders.len() + self.overrides.len() + handoffs.len()) + 4
    }

    /// The number of the scheduled shift containing `t`, from 0; `None`
    /// before the first.
    fn shift_index(&self, t: DateTime<Utc>) -> Option<i64> {
        let elapsed = t.signed_duration_since(self.start).num_milliseconds();
        (elapsed >= 0).then(|| elapsed.div_euclid(self.shift_ms))
    }

    /// When shift `k` begins.
    fn boundary(&self, k: i64) -> Option<DateTime<Utc>> {
        let offset = TimeDelta::try_milliseconds(k.checked_mul(self.shift_ms)?)?;
        self.start.checked_add_signed(offset)
    }

    /// The first moment after `t` at which the answer of `who_at` may change.
    fn next_break(&self, t: DateTime<Utc>, handoffs: &[Cover]) -> DateTime<Utc> {
        let shift = self.shift_end(t);
        self.edges(handoffs)
            .filter(|&e| e > t)
            .fold(shift, DateTime::min)
    }

    /// The last moment at or before `t` at which the answer of `who_at` may
    /// have changed; `None` when nothing began by then.
    fn prev_break(&self, t: DateTime<Utc>, handoffs: &[Cover]) -> Option<DateTime<Utc>> {
        let shift = self.shift_index(t).and_then(|k| self.boundary(k));
        self.edges(handoffs).filter(|&e| e <= t).chain(shift).max()
    }

    fn edges<'a>(&'a self, handoffs: &'a [Cover]) -> impl Iterator<Item = DateTime<Utc>> + 'a {
        self.overrides
            .iter()
            .chain(handoffs)
            .flat_map(|c| [c.start, c.end])
    }
}

#[cfg(test)]
mod tests;
