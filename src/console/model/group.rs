//! The list grouped: in a storm, thirty pages of one alert are one row that
//! says how many, how bad, in what state and whose, and takes an action for
//! all of them. Groups are worked out when the list is rebuilt, never on a
//! frame, so a grouped list draws as fast as a flat one.
use std::collections::HashMap;

use chrono::{DateTime, Utc};

use crate::incident::{Incident, Severity, Status};

/// How the list is grouped (`=` goes round them).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Grouping {
    #[default]
    Off,
    /// By alert: its `alertname`, or its service and the shape of its title
    /// (digits left out) when it has none.
    Alert,
    /// By service.
    Service,
}

impl Grouping {
    /// The next one round: off, by alert, by service, off.
    pub fn next(self) -> Grouping {
        match self {
            Grouping::Off => Grouping::Alert,
            Grouping::Alert => Grouping::Service,
            Grouping::Service => Grouping::Off,
        }
    }

    /// How the top bar and the message line name it.
    pub fn label(self) -> &'static str {
        match self {
            Grouping::Off => "not grouped",
            Grouping::Alert => "grouped by alert",
            Grouping::Service => "grouped by service",
        }
    }

    /// What `inc` shares with the rest of its group; `None` when it is not
    /// grouped (the list is not, or the incident is resolved: resolved ones
    /// stay rows of their own, at the bottom).
    pub fn key(self, inc: &Incident) -> Option<String> {
        if inc.status == Status::Resolved {
            return None;
        }
        match self {
            Grouping::Off => None,
            Grouping::Alert => Some(match inc.labels.get("alertname") {
                Some(name) if !name.trim().is_empty() => name.to_string(),
                _ => format!("{}: {}", inc.service, title_shape(&inc.title)),
            }),
            Grouping::Service => Some(inc.service.clone()),
        }
    }
}

/// A title with its numbers left out: "Disk /var on host-17" and "Disk /var
/// on host-3" are both "Disk /var on host-#".
pub fn title_shape(title: &str) -> String {
    let mut shape = String::with_capacity(title.len());
    let mut in_number = false;
    for c in title.chars() {
        if c.is_ascii_digit() {
            if !in_number {
                shape.push('#');
            }
            in_number = true;
        } else {
            in_number = false;
            shape.push(c);
        }
    }
    shape
}

/// Alike open incidents, two or more, as one row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    /// What the members share (the alert's name, or the service).
    pub key: String,
    /// Indexes into the list's incidents, in the list's order: the first is
    /// the most urgent, and stands for the group in the detail pane.
    pub members: Vec<usize>,
    /// The members' ids, sorted, to look one up without a scan.
    pub ids: Vec<u64>,
    pub worst: Severity,
    pub triggered: usize,
    pub acknowledged: usize,
    /// The members' owners, most members first, then by name.
    pub owners: Vec<String>,
    /// Services, when the members are of more than one.
    pub services: usize,
    /// When the oldest member opened: how long the storm has lasted.
    pub since: DateTime<Utc>,
}

impl Group {
    /// Whether incident `id` is in the group.
    pub fn has(&self, id: u64) -> bool {
        self.ids.binary_search(&id).is_ok()
    }
}

/// A row of the list: an incident (in an open group, indented under it), or
/// a group (an index into the list's groups).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Row {
    Incident { index: usize, member: bool },
    Group(usize),
}

/// The rows for `visible` (indexes into `incidents`, in the list's order),
/// grouped by `grouping`, the groups whose key `open` holds opened to their
/// members. A group stands where its first member would.
pub fn group_rows(
    incidents: &[Incident],
    visible: &[usize],
    grouping: Grouping,
    open: &std::collections::BTreeSet<String>,
) -> (Vec<Row>, Vec<Group>) {
    if grouping == Grouping::Off {
        let rows = visible
            .iter()
            .map(|&index| Row::Incident {
                index,
                member: false,
            })
            .collect();
        return (rows, Vec::new());
    }
    let keys: Vec<Option<String>> = visible
        .iter()
        .map(|&i| grouping.key(&incidents[i]))
        .collect();
    let mut by_key: HashMap<&str, Vec<usize>> = HashMap::new();
    for (key, &i) in keys.iter().zip(visible) {
        if let Some(key) = key {
            by_key.entry(key.as_str()).or_default().push(i);
        }
    }
    let mut rows = Vec::with_capacity(visible.len());
    let mut groups = Vec::new();
    let mut placed: HashMap<&str, ()> = HashMap::new();
    for (key, &index) in keys.iter().zip(visible) {
        let members = key.as_deref().and_then(|k| by_key.get(k).map(|m| (k, m)));
        match members {
            Some((k, members)) if members.len() > 1 => {
                if placed.insert(k, ()).is_some() {
                    continue;
                }
                rows.push(Row::Group(groups.len()));
                if open.contains(k) {
                    rows.extend(members.iter().map(|&index| Row::Incident {
                        index,
                        member: true,
                    }));
                }
                groups.push(summarise(k, members, incidents));
            }
            _ => rows.push(Row::Incident {
                index,
                member: false,
            }),
        }
    }
    (rows, groups)
}

fn summarise(key: &str, members: &[usize], incidents: &[Incident]) -> Group {
    let mut owners: HashMap<&str, usize> = HashMap::new();
    let mut services: Vec<&str> = Vec::new();
    let mut group = Group {
        key: key.to_string(),
        members: members.to_vec(),
        ids: members.iter().map(|&i| incidents[i].id).collect(),
        worst: Severity::Info,
        triggered: 0,
        acknowledged: 0,
        owners: Vec::new(),
        services: 0,
        since: incidents[members[0]].created_at,
    };
    group.ids.sort_unstable();
    for inc in members.iter().map(|&i| &incidents[i]) {
        group.worst = group.worst.min(inc.severity);
        match inc.status {
            Status::Triggered => group.triggered += 1,
            Status::Acknowledged => group.acknowledged += 1,
            Status::Resolved => {}
        }
        if let Some(owner) = inc.owner.as_deref() {
            *owners.entry(owner).or_default() += 1;
        }
        if !services.contains(&inc.service.as_str()) {
            services.push(&inc.service);
        }
        group.since = group.since.min(inc.created_at);
    }
    let mut owners: Vec<(&str, usize)> = owners.into_iter().collect();
    owners.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    group.owners = owners.into_iter().map(|(o, _)| o.to_string()).collect();
    group.services = services.len();
    group
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_leave_the_shape_of_a_title() {
        assert_eq!(title_shape("Disk /var on host-17"), "Disk /var on host-#");
        assert_eq!(title_shape("Disk /var on host-3"), "Disk /var on host-#");
        assert_eq!(title_shape("5xx at 12.5%"), "#xx at #.#%");
        assert_eq!(title_shape("no digits"), "no digits");
    }

    #[test]
    fn grouping_goes_round_off_alert_service() {
        let g = Grouping::Off.next();
        assert_eq!(g, Grouping::Alert);
        assert_eq!(g.next(), Grouping::Service);
        assert_eq!(g.next().next(), Grouping::Off);
    }
}
