//! The terminal a command talks to, behind one trait (as gh's iostreams and prompter are): which
//! streams are terminals, how wide it is, and the ways to ask a person something (a key, a
//! line, a secret, a menu).
//!
//! [`Real`] is the process's own terminal (console and dialoguer draw and read); [`Scripted`]
//! answers from a script and records what was asked, so prompt logic (y/N, the typed count,
//! triage's menus, the token prompt, Esc and Ctrl-C) is tested in process. What decides on the
//! answers lives with the callers (`output::prompt`, the verbs) and never reads a stream itself:
//! a prompt that asks the real terminal behind the trait's back could not be tested, nor
//! refused when stdin is not a person.

use std::collections::VecDeque;
use std::io::{self, IsTerminal};
use std::sync::Mutex;

/// A key, as the prompts tell keys apart. Ctrl-C is not a key: a read it ends fails with
/// [`io::ErrorKind::Interrupted`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    Char(char),
    Enter,
    Backspace,
    /// Esc, also when the next key arrived with it and made an unknown sequence.
    Escape,
    /// Anything else (arrows, function keys): no prompt of ours acts on it.
    Other,
}

/// A menu to pick one line from.
#[derive(Debug, Clone, Copy)]
pub struct Menu<'a> {
    pub prompt: &'a str,
    pub items: &'a [String],
    /// The line the cursor starts on.
    pub default: usize,
    /// Typing filters the lines (a fuzzy finder) instead of moving by letter.
    pub filter: bool,
    /// Colour the prompt and the cursor.
    pub color: bool,
    /// Columns the line that reports the choice may take: past them, the choice goes on a
    /// line of its own.
    pub width: usize,
}

/// What a command may ask of its terminal. Every read that Ctrl-C ends fails with
/// [`io::ErrorKind::Interrupted`] and leaves the cursor at the start of a fresh line.
pub trait Terminal: std::fmt::Debug + Send + Sync {
    fn stdin_is_terminal(&self) -> bool;
    fn stdout_is_terminal(&self) -> bool;
    fn stderr_is_terminal(&self) -> bool;
    /// Columns, when the terminal says.
    fn width(&self) -> Option<u16>;
    /// Draws `text` as the prompt's line, over what that line held.
    fn redraw(&self, text: &str) -> io::Result<()>;
    /// Ends the prompt's line.
    fn end_line(&self) -> io::Result<()>;
    fn read_key(&self) -> io::Result<Key>;
    /// A line typed after `prompt`, echoed, finished with Enter.
    fn read_line(&self, prompt: &str) -> io::Result<String>;
    /// A line typed after `prompt`, never echoed.
    fn read_secret(&self, prompt: &str) -> io::Result<String>;
    /// The index of the picked line; `None` for Esc.
    fn select(&self, menu: &Menu) -> io::Result<Option<usize>>;
}

/// The process's own terminal: prompts draw on stderr and read the keyboard.
#[derive(Debug, Default)]
pub struct Real;

impl Terminal for Real {
    fn stdin_is_terminal(&self) -> bool {
        io::stdin().is_terminal()
    }

    fn stdout_is_terminal(&self) -> bool {
        io::stdout().is_terminal()
    }

    fn stderr_is_terminal(&self) -> bool {
        io::stderr().is_terminal()
    }

    fn width(&self) -> Option<u16> {
        comfy_table::Table::new().width().filter(|w| *w > 0)
    }

    fn redraw(&self, text: &str) -> io::Result<()> {
        let term = console::Term::stderr();
        term.clear_line()?;
        term.write_str(text)
    }

    fn end_line(&self) -> io::Result<()> {
        console::Term::stderr().write_line("")
    }

    fn read_key(&self) -> io::Result<Key> {
        let key = console::Term::stderr().read_key().inspect_err(|_| {
            // Ctrl-C (or a closed terminal) ends the question's line too: what follows
            // starts on a line of its own.
            let _ = self.end_line();
        })?;
        Ok(match key {
            console::Key::Char(c) => Key::Char(c),
            console::Key::Enter => Key::Enter,
            console::Key::Backspace => Key::Backspace,
            console::Key::Escape | console::Key::UnknownEscSeq(_) => Key::Escape,
            _ => Key::Other,
        })
    }

    fn read_line(&self, prompt: &str) -> io::Result<String> {
        let theme = dialoguer::theme::SimpleTheme;
        let line = dialoguer::Input::<String>::with_theme(&theme)
            .with_prompt(prompt)
            .allow_empty(true)
            .interact_text();
        dialogued(line)
    }

    fn read_secret(&self, prompt: &str) -> io::Result<String> {
        dialogued(dialoguer::Password::new().with_prompt(prompt).interact())
    }

    fn select(&self, menu: &Menu) -> io::Result<Option<usize>> {
        let theme: Box<dyn dialoguer::theme::Theme> = if menu.color {
            Box::new(dialoguer::theme::ColorfulTheme::default())
        } else {
            Box::new(dialoguer::theme::SimpleTheme)
        };
        // The choice is reported here, not by the menu: the menu's report line is the prompt
        // and the choice side by side, which a narrow terminal would wrap mid-word.
        let picked = if menu.filter {
            dialoguer::FuzzySelect::with_theme(&*theme)
                .with_prompt(menu.prompt)
                .items(menu.items)
                .default(menu.default)
                .report(false)
                .interact_opt()
        } else {
            dialoguer::Select::with_theme(&*theme)
                .with_prompt(menu.prompt)
                .items(menu.items)
                .default(menu.default)
                .report(false)
                .interact_opt()
        };
        let picked = dialogued(picked)?;
        if let Some(i) = picked {
            let report = |sel: &str| {
                let mut line = String::new();
                let _ = theme.format_select_prompt_selection(&mut line, menu.prompt, sel);
                line
            };
            let term = console::Term::stderr();
            let line = report(&menu.items[i]);
            if console::measure_text_width(&line) <= menu.width {
                term.write_line(&line)?;
            } else {
                term.write_line(report("").trim_end())?;
                term.write_line(&format!("  {}", menu.items[i]))?;
            }
        }
        Ok(picked)
    }
}

/// A dialoguer answer as an io result. A failed read (Ctrl-C) leaves the cursor hidden and on
/// the prompt's line: it is shown again and the line ended.
fn dialogued<T>(r: dialoguer::Result<T>) -> io::Result<T> {
    r.map_err(|dialoguer::Error::IO(e)| {
        let term = console::Term::stderr();
        let _ = term.show_cursor();
        let _ = term.write_line("");
        e
    })
}

/// One answer of a [`Scripted`] terminal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// A key, for [`Terminal::read_key`].
    Key(Key),
    /// A line, for [`Terminal::read_line`] and [`Terminal::read_secret`].
    Line(String),
    /// At a menu, the first line containing this text.
    Pick(String),
    /// Enter at a menu, on the line the cursor starts on.
    Default,
    /// Esc at a menu.
    Escape,
    /// Ctrl-C at any read.
    Interrupt,
}

/// A terminal that answers from a script and keeps a transcript of what was drawn and asked.
/// A read the script does not answer, or answers with the wrong kind, fails (never waits),
/// so a test of a prompt that asks one question too many fails instead of hanging.
#[derive(Debug)]
pub struct Scripted {
    /// stdin, stdout, stderr.
    pub ttys: [bool; 3],
    pub columns: Option<u16>,
    answers: Mutex<VecDeque<Answer>>,
    transcript: Mutex<String>,
}

impl Scripted {
    /// A terminal on all three streams, 80 columns wide, answering `answers` in order.
    pub fn new(answers: impl IntoIterator<Item = Answer>) -> Scripted {
        Scripted {
            ttys: [true; 3],
            columns: Some(80),
            answers: Mutex::new(answers.into_iter().collect()),
            transcript: Mutex::new(String::new()),
        }
    }

    /// The keys typed, one [`Answer::Key`] each: `y` `e` `s` then Enter is `keys("yes\r")`.
    pub fn keys(typed: &str) -> Vec<Answer> {
        typed
            .chars()
            .map(|c| match c {
                '\r' => Answer::Key(Key::Enter),
                '\x1b' => Answer::Key(Key::Escape),
                '\x7f' => Answer::Key(Key::Backspace),
                '\x03' => Answer::Interrupt,
                c => Answer::Key(Key::Char(c)),
            })
            .collect()
    }

    /// What was drawn and asked, in order: a prompt's last drawing of its line, each line
    /// read (`? prompt`), each menu (`? prompt` and its lines), and `^C` where one was read.
    pub fn transcript(&self) -> String {
        self.transcript.lock().unwrap().clone()
    }

    /// The answers not used yet.
    pub fn left(&self) -> usize {
        self.answers.lock().unwrap().len()
    }

    fn next(&self, asked: &str) -> io::Result<Answer> {
        let answer = self.answers.lock().unwrap().pop_front();
        match answer {
            Some(Answer::Interrupt) => {
                self.note("^C\n");
                Err(io::Error::new(io::ErrorKind::Interrupted, "interrupted"))
            }
            Some(a) => Ok(a),
            None => Err(unexpected(asked, "nothing left in the script")),
        }
    }

    fn note(&self, s: &str) {
        self.transcript.lock().unwrap().push_str(s);
    }
}

fn unexpected(asked: &str, got: &str) -> io::Error {
    io::Error::new(
        io::ErrorKind::UnexpectedEof,
        format!("the script cannot answer {asked}: {got}"),
    )
}

impl Terminal for Scripted {
    fn stdin_is_terminal(&self) -> bool {
        self.ttys[0]
    }

    fn stdout_is_terminal(&self) -> bool {
        self.ttys[1]
    }

    fn stderr_is_terminal(&self) -> bool {
        self.ttys[2]
    }

    fn width(&self) -> Option<u16> {
        self.columns
    }

    fn redraw(&self, text: &str) -> io::Result<()> {
        // Only the line's last drawing stays on a screen: the transcript keeps that.
        let mut t = self.transcript.lock().unwrap();
        let start = t.rfind('\n').map_or(0, |i| i + 1);
        t.truncate(start);
        t.push_str(text);
        Ok(())
    }

    fn end_line(&self) -> io::Result<()> {
        self.note("\n");
        Ok(())
    }

    fn read_key(&self) -> io::Result<Key> {
        match self.next("a key")? {
            Answer::Key(k) => Ok(k),
            other => Err(unexpected("a key", &format!("{other:?}"))),
        }
    }

    fn read_line(&self, prompt: &str) -> io::Result<String> {
        self.note(&format!("? {prompt}\n"));
        match self.next(prompt)? {
            Answer::Line(l) => Ok(l),
            other => Err(unexpected(prompt, &format!("{other:?}"))),
        }
    }

    fn read_secret(&self, prompt: &str) -> io::Result<String> {
        // The transcript never holds the secret, as the screen would not.
        self.read_line(prompt)
    }

    fn select(&self, menu: &Menu) -> io::Result<Option<usize>> {
        let mut shown = format!("? {}\n", menu.prompt);
        for (i, item) in menu.items.iter().enumerate() {
            let mark = if i == menu.default { '>' } else { ' ' };
            shown.push_str(&format!("{mark} {item}\n"));
        }
        self.note(&shown);
        match self.next(menu.prompt)? {
            Answer::Escape => Ok(None),
            Answer::Default => Ok(Some(menu.default)),
            Answer::Pick(text) => match menu.items.iter().position(|i| i.contains(&text)) {
                Some(i) => Ok(Some(i)),
                None => Err(unexpected(menu.prompt, &format!("no line has {text:?}"))),
            },
            other => Err(unexpected(menu.prompt, &format!("{other:?}"))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_script_answers_in_order_and_fails_rather_than_wait() {
        let t = Scripted::new(
            Scripted::keys("y\x1b")
                .into_iter()
                .chain([Answer::Pick("two".into()), Answer::Interrupt]),
        );
        assert_eq!(t.read_key().unwrap(), Key::Char('y'));
        assert_eq!(t.read_key().unwrap(), Key::Escape);
        let items = ["one".to_string(), "two".to_string()];
        let menu = Menu {
            prompt: "Which?",
            items: &items,
            default: 0,
            filter: false,
            color: false,
            width: 80,
        };
        assert_eq!(t.select(&menu).unwrap(), Some(1));
        let e = t.read_line("Name").unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::Interrupted);
        let e = t.read_key().unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::UnexpectedEof);
        assert_eq!(t.transcript(), "? Which?\n> one\n  two\n? Name\n^C\n");
    }

    #[test]
    fn a_redraw_replaces_the_line_as_a_screen_would() {
        let t = Scripted::new([]);
        t.redraw("Go? [y/N] ").unwrap();
        t.redraw("Go? [y/N] y").unwrap();
        t.end_line().unwrap();
        t.redraw("next").unwrap();
        assert_eq!(t.transcript(), "Go? [y/N] y\nnext");
    }
}
