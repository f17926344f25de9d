//! Overrides as both stores keep them: their columns, a row as read before
//! its values are checked, and the SQL both share. Times are queue times
//! (nine fraction digits), so "ends after T" is a text comparison, exact.
use crate::hub::rota::Cover;
use crate::incident::Override;

use super::stored::parse_time;

/// An override's columns, in the order of [`StoredOverride`]'s fields.
pub const OVERRIDE_COLUMNS: &str =
    "id, responder, starts, until, created_by, created_at, removed_by, removed_at";

/// The overrides not removed that end after parameter `param` (`?1`, `$1`),
/// soonest first: in force and upcoming then.
pub fn live_sql(param: &str) -> String {
    format!(
        "SELECT {OVERRIDE_COLUMNS} FROM overrides
          WHERE removed_at IS NULL AND until > {param} ORDER BY starts, id"
    )
}

/// An override row as stored.
pub struct StoredOverride {
    pub id: i64,
    pub responder: String,
    pub starts: String,
    pub until: String,
    pub created_by: String,
    pub created_at: String,
    pub removed_by: Option<String>,
    pub removed_at: Option<String>,
}

impl StoredOverride {
    pub fn decode(self) -> Result<Override, String> {
        let id = self.id;
        Ok(Override {
            id: u64::try_from(id).map_err(|_| format!("override id {id} is negative"))?,
            responder: self.responder,
            start: parse_time(&self.starts)?,
            end: parse_time(&self.until)?,
            created_by: self.created_by,
            created_at: parse_time(&self.created_at)?,
            removed_by: self.removed_by,
            removed_at: self.removed_at.as_deref().map(parse_time).transpose()?,
            displaced: Vec::new(),
        })
    }
}

/// An override as a cover of the rota: made when it was created.
pub fn as_cover(o: Override) -> Cover {
    Cover {
        who: o.responder,
        start: o.start,
        end: o.end,
        made: o.created_at,
    }
}
