//! The real terminal: full-screen mode entered and left (given back as it
//! was on every way out: normal quit, error return, panic and signals, which
//! the runtime turns into a normal quit), the keyboard read, frames drawn,
//! and the terminal handed to a pager and taken back.
use std::io::{self, Stdout, Write};
use std::path::Path;
use std::time::Duration;

use crossterm::event::{
    DisableBracketedPaste, DisableFocusChange, EnableBracketedPaste, EnableFocusChange, Event,
    EventStream,
};
use crossterm::execute;
use crossterm::terminal::{
    Clear, ClearType, EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};
use futures::StreamExt;
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;

use super::effects::{self, HandedOver};
use super::external;
use super::model::Model;

pub type Term = Terminal<CrosstermBackend<Stdout>>;

/// Holds the terminal in full-screen mode; dropping it restores the terminal.
pub struct Screen {
    pub terminal: Term,
}

impl Screen {
    pub fn enter() -> io::Result<Screen> {
        install_panic_hook();
        enable_raw_mode()?;
        let mut stdout = io::stdout();
        if let Err(e) = execute!(
            stdout,
            EnterAlternateScreen,
            EnableBracketedPaste,
            EnableFocusChange
        ) {
            restore();
            return Err(e);
        }
        let terminal = Terminal::new(CrosstermBackend::new(stdout)).inspect_err(|_| restore())?;
        Ok(Screen { terminal })
    }
}

impl Screen {
    /// Gives the terminal to another program (a pager) until `resume`.
    pub fn suspend(&mut self) {
        let _ = self.terminal.show_cursor();
        restore();
    }

    /// Takes the terminal back and forgets what was on it, so the next draw
    /// paints everything.
    pub fn resume(&mut self) -> io::Result<()> {
        enable_raw_mode()?;
        execute!(
            io::stdout(),
            EnterAlternateScreen,
            EnableBracketedPaste,
            EnableFocusChange,
            Clear(ClearType::All)
        )?;
        // `Terminal::clear` would ask the terminal where its cursor is, and
        // that answer can be lost while the keyboard reader restarts. Emptying
        // both buffers is enough for the next draw to paint every cell.
        self.terminal.swap_buffers();
        self.terminal.swap_buffers();
        Ok(())
    }
}

impl Drop for Screen {
    fn drop(&mut self) {
        let _ = self.terminal.show_cursor();
        restore();
    }
}

/// The screen and the keyboard, as the console's loop and its effects use
/// them.
pub struct Tty {
    screen: Screen,
    /// Put down while another program has the keyboard.
    events: Option<EventStream>,
}

impl Tty {
    pub fn enter() -> io::Result<Tty> {
        Ok(Tty {
            screen: Screen::enter()?,
            events: Some(EventStream::new()),
        })
    }

    pub fn size(&self) -> io::Result<(u16, u16)> {
        let size = self.screen.terminal.size()?;
        Ok((size.width, size.height))
    }

    pub fn draw(&mut self, model: &Model) -> io::Result<()> {
        self.screen
            .terminal
            .draw(|f| super::view(model, f))
            .map(|_| ())
    }

    /// The next key, paste or resize; `None` when the keyboard is gone.
    pub async fn next_event(&mut self) -> Option<io::Result<Event>> {
        self.events
            .get_or_insert_with(EventStream::new)
            .next()
            .await
    }
}

impl effects::Terminal for Tty {
    fn send(&mut self, sequence: &str) -> io::Result<()> {
        let mut out = io::stdout().lock();
        out.write_all(sequence.as_bytes())?;
        out.flush()
    }

    fn hand_over(&mut self, viewer: &str, file: &Path) -> HandedOver {
        // The viewer reads the keyboard now: stop reading it here.
        if let Some(events) = self.events.take() {
            stop_reading(events);
        }
        self.screen.suspend();
        let ran = tokio::task::block_in_place(|| external::open(viewer, file));
        let back = self.screen.resume();
        self.events = Some(EventStream::new());
        HandedOver { ran, back }
    }
}

/// Stops reading the keyboard so that another program can. Dropping the
/// stream wakes its reader thread through crossterm's shared poller; when that
/// thread was idle, the wake-up stays pending and would come back beside the
/// first key pressed after the console resumes, and crossterm drops a key that
/// arrives with a wake-up. Taking the wake-up now keeps that key.
fn stop_reading(events: EventStream) {
    drop(events);
    let _ = crossterm::event::poll(Duration::ZERO);
}

/// Leaves raw mode and the alternate screen; safe to call more than once.
pub fn restore() {
    let _ = disable_raw_mode();
    let _ = execute!(
        io::stdout(),
        DisableBracketedPaste,
        DisableFocusChange,
        LeaveAlternateScreen,
        crossterm::cursor::Show
    );
}

fn install_panic_hook() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        // Restore first, or the panic message is lost in the alternate screen.
        restore();
        previous(info);
    }));
}
