//! Where the hub keeps its data, as `oncall serve --db` names it: a SQLite
//! file's path, or a PostgreSQL database's URL. The hub's state opens the
//! store this names; nothing else needs to know which it is.
use std::fmt;
use std::path::{Path, PathBuf};

use super::postgres::PgTarget;

/// A `--db`: the SQLite file, or the PostgreSQL database several hubs may
/// share.
#[derive(Debug, Clone)]
pub enum DbTarget {
    Sqlite(PathBuf),
    Postgres(PgTarget),
}

impl DbTarget {
    /// `text` as `--db` takes it: a `postgres://` or `postgresql://` URL is a
    /// PostgreSQL database, with its password from the URL or else
    /// `pgpassword` (`PGPASSWORD`, as PostgreSQL's own tools read it);
    /// anything else is the path of a SQLite file.
    pub fn parse(text: &str, pgpassword: Option<String>) -> Result<DbTarget, String> {
        let url = text
            .split_once("://")
            .map(|(scheme, rest)| (scheme.to_ascii_lowercase(), rest));
        match url {
            // tokio-postgres reads the scheme in lower case only.
            Some((scheme, rest)) if scheme == "postgres" || scheme == "postgresql" => Ok(
                DbTarget::Postgres(PgTarget::parse(&format!("{scheme}://{rest}"), pgpassword)?),
            ),
            _ if text.trim().is_empty() => Err(
                "the database is empty: give a SQLite file's path or a postgres://USER@HOST[:PORT]/DB URL"
                    .to_string(),
            ),
            _ => Ok(DbTarget::Sqlite(PathBuf::from(text))),
        }
    }

    /// As [`DbTarget::parse`], the password from `PGPASSWORD`: what
    /// `oncall serve --db` reads.
    pub fn from_arg(text: &str) -> Result<DbTarget, String> {
        DbTarget::parse(text, std::env::var("PGPASSWORD").ok())
    }

    /// The SQLite file, if that is what this is.
    pub fn sqlite_path(&self) -> Option<&Path> {
        match self {
            DbTarget::Sqlite(path) => Some(path),
            DbTarget::Postgres(_) => None,
        }
    }
}

/// The file's path, or the URL without its password: fit for a log.
impl fmt::Display for DbTarget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DbTarget::Sqlite(path) => write!(f, "{}", path.display()),
            DbTarget::Postgres(target) => write!(f, "{target}"),
        }
    }
}

impl From<PathBuf> for DbTarget {
    fn from(path: PathBuf) -> Self {
        DbTarget::Sqlite(path)
    }
}

impl From<&Path> for DbTarget {
    fn from(path: &Path) -> Self {
        DbTarget::Sqlite(path.to_path_buf())
    }
}

impl From<&PathBuf> for DbTarget {
    fn from(path: &PathBuf) -> Self {
        DbTarget::Sqlite(path.clone())
    }
}

impl From<PgTarget> for DbTarget {
    fn from(target: PgTarget) -> Self {
        DbTarget::Postgres(target)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_url_is_postgresql_and_anything_else_a_file() {
        for url in [
            "postgres://oncall@db.example:5433/pager",
            "postgresql://oncall@db.example/pager",
            "POSTGRES://oncall@db.example/pager",
        ] {
            assert!(
                matches!(DbTarget::parse(url, None), Ok(DbTarget::Postgres(_))),
                "{url}"
            );
        }
        for path in ["hub.db", "/var/lib/oncall/hub.db", "./postgres/hub.db"] {
            assert!(
                matches!(DbTarget::parse(path, None), Ok(DbTarget::Sqlite(p)) if p == Path::new(path)),
                "{path}"
            );
        }
        assert!(DbTarget::parse(" ", None).is_err());
    }

    #[test]
    fn the_password_never_shows() {
        let with = DbTarget::parse("postgres://oncall:s3cret@db.example/pager", None).unwrap();
        let from_env =
            DbTarget::parse("postgres://oncall@db.example/pager", Some("s3cret".into())).unwrap();
        for target in [with, from_env] {
            assert!(!target.to_string().contains("s3cret"), "{target}");
            assert!(!format!("{target:?}").contains("s3cret"), "{target:?}");
            assert_eq!(
                target.to_string(),
                "postgres://oncall@db.example:5432/pager"
            );
        }
    }
}
