//! The effects without a terminal: a terminal that records what it is sent
//! and what it is handed, and a data folder of the test's own.
use std::os::unix::process::ExitStatusExt;

use super::*;
use crate::console::model::FeedStatus;
use crate::feed::Action;
use crate::runbook::Library;

/// Records what the effects send and hand over; fails when told to.
#[derive(Default)]
struct Recorder {
    sent: Vec<String>,
    broken: bool,
    /// The file handed to the viewer, and what it held then.
    handed: Vec<(PathBuf, String)>,
    exit: i32,
}

impl Terminal for Recorder {
    fn send(&mut self, sequence: &str) -> io::Result<()> {
        if self.broken {
            return Err(io::Error::other("the terminal is gone"));
        }
        self.sent.push(sequence.to_string());
        Ok(())
    }

    fn hand_over(&mut self, _viewer: &str, file: &Path) -> HandedOver {
        let text = std::fs::read_to_string(file).unwrap_or_default();
        self.handed.push((file.to_path_buf(), text));
        HandedOver {
            ran: Ok(ExitStatus::from_raw(self.exit << 8)),
            back: Ok(()),
        }
    }
}

fn effects(dir: &Path) -> (Effects, mpsc::UnboundedReceiver<Request>) {
    let (tx, rx) = mpsc::unbounded_channel();
    let cache = dir.join("cache").join("feed.json");
    let effects = Effects::new(Some(tx), Some(cache), dir.to_path_buf(), "less".into());
    (effects, rx)
}

fn model(dir: &Path) -> Model {
    let feed = FeedStatus::new("hub", std::time::Duration::from_secs(2));
    let utc = chrono::FixedOffset::east_opt(0).unwrap();
    let library = std::sync::Arc::new(Library::shipped());
    Model::new(
        "alex".into(),
        feed,
        library,
        chrono::Utc::now(),
        dir.into(),
        utc,
    )
}

#[test]
fn the_bell_and_the_clipboard_are_sequences_written_to_the_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let (mut fx, _rx) = effects(dir.path());
    let mut tty = Recorder::default();
    assert_eq!(fx.run(&mut tty, Command::Bell), Outcome::Done);
    assert_eq!(
        fx.run(&mut tty, Command::Copy("df -h".into())),
        Outcome::Reply(Ok(String::new()))
    );
    assert_eq!(tty.sent, ["\x07", "\x1b]52;c;ZGYgLWg=\x07"]);
    tty.broken = true;
    match fx.run(&mut tty, Command::Copy("df -h".into())) {
        Outcome::Reply(Err(e)) => assert!(e.starts_with("Could not copy"), "{e}"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn requests_go_to_the_worker_and_quit_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let (mut fx, mut rx) = effects(dir.path());
    let req = Request::Act {
        ticket: 1,
        id: 2,
        action: Action::Acknowledge { version: None },
    };
    let mut tty = Recorder::default();
    assert_eq!(fx.run(&mut tty, Command::Feed(req.clone())), Outcome::Done);
    assert_eq!(rx.try_recv().ok(), Some(req));
    assert_eq!(fx.run(&mut tty, Command::Quit), Outcome::Quit);
}

#[test]
fn a_read_note_is_remembered_in_the_data_folder() {
    let dir = tempfile::tempdir().unwrap();
    let (mut fx, _rx) = effects(dir.path());
    fx.run(&mut Recorder::default(), Command::RememberDismissed(42));
    assert_eq!(
        files::read_back(dir.path(), None, chrono::Utc::now()).dismissed,
        Some(42)
    );
}

#[test]
fn a_shipped_runbook_is_read_from_a_temporary_file_gone_afterwards() {
    let dir = tempfile::tempdir().unwrap();
    let (mut fx, _rx) = effects(dir.path());
    let mut tty = Recorder::default();
    let open = |tty: &mut Recorder, fx: &mut Effects| {
        fx.run(
            tty,
            Command::OpenRunbook {
                id: "disk-full".into(),
                file: None,
                text: "# Disk full\n".into(),
            },
        )
    };
    let back = Outcome::Reply(Ok("Back from `less`.".into()));
    assert_eq!(open(&mut tty, &mut fx), back);
    let (file, text) = &tty.handed[0];
    assert_eq!(text, "# Disk full\n");
    assert!(!file.exists(), "the temporary file is gone with the viewer");
    // A viewer that fails says so, and how to choose another.
    tty.exit = 2;
    match open(&mut tty, &mut fx) {
        Outcome::Reply(Err(e)) => {
            assert!(
                e.starts_with("`less` ended with") && e.contains("$PAGER"),
                "{e}"
            )
        }
        other => panic!("{other:?}"),
    }
    // A team runbook is read from its own file.
    let own = dir.path().join("team.md");
    std::fs::write(&own, "# Team\n").unwrap();
    tty.exit = 0;
    let cmd = Command::OpenRunbook {
        id: "team".into(),
        file: Some(own.clone()),
        text: String::new(),
    };
    assert_eq!(fx.run(&mut tty, cmd), back);
    assert_eq!(tty.handed[2], (own, "# Team\n".to_string()));
}

#[tokio::test]
async fn the_cache_is_written_off_the_loop_and_once_more_at_the_end() {
    let dir = tempfile::tempdir().unwrap();
    let (mut fx, _rx) = effects(dir.path());
    let mut m = model(dir.path());
    let path = dir.path().join("cache").join("feed.json");
    let mut tty = Recorder::default();
    fx.run(&mut tty, Command::SaveCache(Box::new(m.snapshot())));
    fx.finish(&m).await;
    assert!(path.exists(), "written by the time the console stops");
    let first = std::fs::read(&path).unwrap();
    // Changed since: the end writes it again; not changed: it is left.
    m.oncall = Some(crate::incident::OnCall {
        now: None,
        next: None,
        shift: None,
        policies: Vec::new(),
    });
    fx.finish(&m).await;
    assert_eq!(std::fs::read(&path).unwrap(), first, "nothing due");
    m.cache.due = true;
    fx.finish(&m).await;
    assert_ne!(std::fs::read(&path).unwrap(), first, "due: written");
}

/// A browser that writes down the one argument it was given, and how its
/// standard streams were set, then fails with `exit`.
fn recording_browser(dir: &Path, exit: i32) -> (PathBuf, PathBuf) {
    use std::os::unix::fs::PermissionsExt;
    let record = dir.join("opened.txt");
    let script = dir.join("browser.sh");
    std::fs::write(
        &script,
        format!(
            "#!/bin/sh\nprintf '%s|%s|' \"$#\" \"$1\" > '{}'\n[ -t 0 ] && printf tty >> '{}'\nexit {exit}\n",
            record.display(),
            record.display()
        ),
    )
    .unwrap();
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    (script, record)
}

#[test]
fn a_link_goes_to_the_first_browser_that_runs_as_its_one_argument() {
    let dir = tempfile::tempdir().unwrap();
    let (script, record) = recording_browser(dir.path(), 3);
    let (mut effects, _rx) = effects(dir.path());
    let (tx, mut replies) = mpsc::unbounded_channel();
    effects.browser = Browser {
        programs: vec!["/nonexistent/browser".into(), script.display().to_string()],
        remote: true,
        replies: Some(tx),
    };
    let url = "https://wiki.example/a%20b?x=1&y=$(id)";
    let outcome = effects.run(&mut Recorder::default(), Command::OpenUrl(url.into()));
    let Outcome::Reply(Ok(said)) = outcome else {
        panic!("{outcome:?}");
    };
    assert!(
        said.starts_with(&format!("Opened {url} in the browser")),
        "{said}"
    );
    assert!(said.contains("on the clipboard too"), "{said}");
    // It fails once it has written down what it got: that comes back later.
    let Some(crate::console::msg::Msg::External(Err(failed))) = replies.blocking_recv() else {
        panic!("no word of the failure");
    };
    assert!(failed.contains("could not open the link"), "{failed}");
    assert!(
        failed.contains("copied to the clipboard (OSC 52)"),
        "{failed}"
    );
    assert_eq!(
        std::fs::read_to_string(&record).unwrap(),
        format!("1|{url}|"),
        "one argument, as it was, and no terminal for input"
    );
}
