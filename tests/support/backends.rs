//! One test, both stores: the hub's API suite is written once, as an
//! `async fn name(backend: Backend)`, and `both_backends!(name)` beside it
//! runs it on SQLite always and on PostgreSQL with `--features postgres`
//! (Debian's `postgresql` package, `support::postgres`), as the tests
//! `name::sqlite` and `name::postgres`. A copy per store would drift; this
//! way every rule the suite checks is checked on both.

/// `both_backends!(name)` or, for a runtime of several threads,
/// `both_backends!(name, flavor = "multi_thread", worker_threads = 2)`.
macro_rules! both_backends {
    ($test:ident $(, $($runtime:tt)*)?) => {
        mod $test {
            #[tokio::test $( ($($runtime)*) )?]
            async fn sqlite() {
                super::$test($crate::support::Backend::Sqlite).await
            }

            #[cfg(feature = "postgres")]
            #[tokio::test $( ($($runtime)*) )?]
            async fn postgres() {
                super::$test($crate::support::Backend::Postgres).await
            }
        }
    };
}

pub(crate) use both_backends;
