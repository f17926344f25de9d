//! An incident's labels: a small map from name to value, kept as one sorted
//! vector of boxed strings. A console holds thousands of incidents with a
//! handful of labels each; a `BTreeMap` node per incident (over half a
//! kilobyte for two labels) was the largest part of its memory. On the wire
//! it is the same JSON object, keys in order.
use std::fmt;

use serde::de::{MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Labels(Vec<(Box<str>, Box<str>)>);

/// Iterates name and value, in name order.
pub type Iter<'a> = std::iter::Map<
    std::slice::Iter<'a, (Box<str>, Box<str>)>,
    fn(&'a (Box<str>, Box<str>)) -> (&'a str, &'a str),
>;

impl Labels {
    pub fn new() -> Labels {
        Labels::default()
    }

    pub fn get(&self, name: &str) -> Option<&str> {
        self.find(name).ok().map(|i| &*self.0[i].1)
    }

    pub fn contains_key(&self, name: &str) -> bool {
        self.find(name).is_ok()
    }

    /// Sets `name`, returning the value it replaced.
    pub fn insert(
        &mut self,
        name: impl Into<Box<str>>,
        value: impl Into<Box<str>>,
    ) -> Option<Box<str>> {
        let name = name.into();
        let value = value.into();
        match self.find(&name) {
            Ok(i) => Some(std::mem::replace(&mut self.0[i].1, value)),
            Err(i) => {
                self.0.insert(i, (name, value));
                None
            }
        }
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn iter(&self) -> Iter<'_> {
        self.0.iter().map(|(k, v)| (&**k, &**v))
    }

    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(|(k, _)| &**k)
    }

    pub fn values(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(|(_, v)| &**v)
    }

    fn find(&self, name: &str) -> Result<usize, usize> {
        self.0.binary_search_by(|(k, _)| (**k).cmp(name))
    }

    /// Sorted by name, the last of a repeated name kept (as a map would),
    /// and no spare capacity.
    fn from_entries(mut entries: Vec<(Box<str>, Box<str>)>) -> Labels {
        // What the hub sends is already in order, without repeats.
        if entries.is_sorted_by(|a, b| a.0 < b.0) {
            entries.shrink_to_fit();
            return Labels(entries);
        }
        // Stable: repeats stay in arrival order, so "last" is the last given.
        entries.sort_by(|a, b| a.0.cmp(&b.0));
        let mut out: Vec<(Box<str>, Box<str>)> = Vec::with_capacity(entries.len());
        for entry in entries {
            match out.last_mut() {
                Some(last) if last.0 == entry.0 => *last = entry,
                _ => out.push(entry),
            }
        }
        out.shrink_to_fit();
        Labels(out)
    }
}

impl<K: Into<Box<str>>, V: Into<Box<str>>> FromIterator<(K, V)> for Labels {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Labels {
        Labels::from_entries(
            iter.into_iter()
                .map(|(k, v)| (k.into(), v.into()))
                .collect(),
        )
    }
}

impl From<std::collections::BTreeMap<String, String>> for Labels {
    fn from(map: std::collections::BTreeMap<String, String>) -> Labels {
        map.into_iter().collect()
    }
}

impl<'a> IntoIterator for &'a Labels {
    type Item = (&'a str, &'a str);
    type IntoIter = Iter<'a>;

    fn into_iter(self) -> Iter<'a> {
        self.iter()
    }
}

impl Serialize for Labels {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            map.serialize_entry(&**k, &**v)?;
        }
        map.end()
    }
}

impl<'de> Deserialize<'de> for Labels {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Labels, D::Error> {
        d.deserialize_map(LabelsVisitor)
    }
}

struct LabelsVisitor;

impl<'de> Visitor<'de> for LabelsVisitor {
    type Value = Labels;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an object of label names to string values")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Labels, A::Error> {
        let mut entries = Vec::with_capacity(map.size_hint().unwrap_or(0).min(64));
        while let Some((k, v)) = map.next_entry::<String, String>()? {
            entries.push((k.into_boxed_str(), v.into_boxed_str()));
        }
        Ok(Labels::from_entries(entries))
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    #[test]
    fn behaves_as_a_map_in_name_order() {
        let mut l: Labels = [("job", "node"), ("alertname", "HostDown")]
            .into_iter()
            .collect();
        assert_eq!(l.get("job"), Some("node"));
        assert_eq!(l.get("nope"), None);
        assert_eq!(l.insert("job", "db"), Some("node".into()));
        assert_eq!(l.insert("instance", "db-1:9100"), None);
        let names: Vec<&str> = l.keys().collect();
        assert_eq!(names, ["alertname", "instance", "job"]);
        let again: Labels = [("a", "1"), ("a", "2")].into_iter().collect();
        assert_eq!(again.get("a"), Some("2"), "the last of a repeat wins");
        assert_eq!(again.len(), 1);
    }

    #[test]
    fn the_json_is_that_of_a_map() {
        let map: BTreeMap<String, String> = [("z", "1"), ("a", "2"), ("m", "3")]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let labels = Labels::from(map.clone());
        let json = serde_json::to_string(&labels).unwrap();
        assert_eq!(json, serde_json::to_string(&map).unwrap());
        assert_eq!(serde_json::from_str::<Labels>(&json).unwrap(), labels);
        let repeated: Labels = serde_json::from_str(r#"{"a":"1","a":"2"}"#).unwrap();
        assert_eq!(repeated.get("a"), Some("2"));
    }

    #[test]
    fn anything_but_strings_is_refused() {
        let e = serde_json::from_str::<Labels>(r#"{"a":1}"#).unwrap_err();
        assert!(e.to_string().contains("expected a string"), "{e}");
        let e = serde_json::from_str::<Labels>(r#"["a"]"#).unwrap_err();
        assert!(e.to_string().contains("object of label names"), "{e}");
    }
}
