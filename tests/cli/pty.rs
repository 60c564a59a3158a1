//! `dlq` on a real pseudo-terminal, and what it leaves on screen.
//!
//! util-linux `script` runs the command with stdin, stdout and stderr on a fresh pty, sized
//! 100x40 with `stty` first (a pty `script` makes from a pipe has no size), so `dlq` sees what
//! a person at a terminal is: prompts, progress bars, colour rules. [`screen`] replays the
//! bytes it drew through a terminal emulator (the `vt100` crate) into the lines left on screen,
//! which is what a stale progress bar would spoil.

use std::io::{Read, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

use crate::common::Sandbox;

/// Columns of the terminal.
pub const WIDTH: usize = 100;

pub struct Pty {
    child: Child,
    keys: Option<ChildStdin>,
    out: Arc<Mutex<Vec<u8>>>,
    reader: Option<JoinHandle<()>>,
}

impl Pty {
    /// Starts `dlq <args>` against `sb`. `args` is shell text: quote what needs it; a
    /// redirection such as `2>FILE` applies to `dlq` alone.
    pub fn start(sb: &Sandbox, args: &str) -> Pty {
        Pty::start_sized(sb, args, WIDTH)
    }

    /// The same on a terminal `cols` wide (at most [`WIDTH`], which [`screen`] replays).
    pub fn start_sized(sb: &Sandbox, args: &str, cols: usize) -> Pty {
        let bin = assert_cmd::cargo::cargo_bin("dlq");
        let inner = format!(
            "stty cols {cols} rows 40 && exec '{}' {args}",
            bin.display()
        );
        let mut c = Command::new("script");
        crate::common::hermetic(&mut c, &sb.home);
        c.env("QSTASH_URL", &sb.url)
            .env("QSTASH_TOKEN", &sb.token)
            .args(["-qec", &inner, "/dev/null"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped());
        let mut child = c.spawn().expect("util-linux script");
        let keys = child.stdin.take();
        let mut stdout = child.stdout.take().unwrap();
        let out = Arc::new(Mutex::new(Vec::new()));
        let sink = out.clone();
        let reader = std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n) = stdout.read(&mut buf) {
                if n == 0 {
                    break;
                }
                sink.lock().unwrap().extend_from_slice(&buf[..n]);
            }
        });
        Pty {
            child,
            keys,
            out,
            reader: Some(reader),
        }
    }

    /// Types `keys` (`\r` is Enter, `\x03` Ctrl-C).
    pub fn keys(&mut self, keys: &str) {
        let k = self.keys.as_mut().expect("keys after finish");
        k.write_all(keys.as_bytes()).unwrap();
        k.flush().unwrap();
    }

    /// Waits until `needle` has been drawn `times` times (a prompt asked again), or fails the
    /// test; everything drawn by then.
    pub fn until(&self, needle: &str, times: usize) -> String {
        let what = format!("{needle:?} drawn {times} times");
        crate::common::wait_for(&what, 60, || {
            let drawn = self.drawn();
            (drawn.matches(needle).count() >= times).then_some(drawn)
        })
    }

    /// Waits until `needle` is drawn after `marker` (a prompt asked again after some output;
    /// counting a prompt's drawings would also count the line that echoes its answer).
    pub fn until_after(&self, marker: &str, needle: &str) -> String {
        let what = format!("{needle:?} drawn after {marker:?}");
        crate::common::wait_for(&what, 60, || {
            let drawn = self.drawn();
            let at = drawn.find(marker)? + marker.len();
            drawn[at..].contains(needle).then_some(drawn)
        })
    }

    /// Whether the command is still running.
    pub fn running(&mut self) -> bool {
        self.child.try_wait().unwrap().is_none()
    }

    /// Everything drawn so far.
    pub fn drawn(&self) -> String {
        String::from_utf8_lossy(&self.out.lock().unwrap()).into_owned()
    }

    /// Waits for the end: the exit code and every byte drawn.
    pub fn finish(mut self) -> (Option<i32>, String) {
        drop(self.keys.take());
        // A prompt that never got its key would wait for ever: fail the test instead.
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(120);
        let status = loop {
            if let Some(s) = self.child.try_wait().unwrap() {
                break s;
            }
            if std::time::Instant::now() > deadline {
                panic!(
                    "dlq still running after 120 s; drawn so far:\n{}",
                    self.drawn()
                );
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        };
        self.reader.take().unwrap().join().unwrap();
        (status.code(), self.drawn())
    }
}

impl Drop for Pty {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Runs `dlq <args>` on a terminal, typing `keys`; the exit code and everything drawn.
pub fn on_terminal(sb: &Sandbox, args: &str, keys: &str) -> (Option<i32>, String) {
    let mut pty = Pty::start(sb, args);
    pty.keys(keys);
    pty.finish()
}

/// The lines left on screen once `drawn` is replayed on a terminal.
pub fn screen(drawn: &str) -> Vec<String> {
    Screen::replay(drawn).lines()
}

/// A terminal [`WIDTH`] wide and tall enough that nothing scrolls away, replaying what `dlq`
/// drew with the `vt100` crate's terminal emulator (the same escapes a real terminal obeys:
/// carriage returns, line and screen erases, cursor moves, the wrap at the last column).
pub struct Screen {
    parser: vt100::Parser,
    cols: u16,
}

impl Screen {
    pub fn replay(drawn: &str) -> Screen {
        Screen::replay_at(drawn, WIDTH)
    }

    /// The same on a terminal `cols` wide: where a line longer than the terminal wraps.
    pub fn replay_at(drawn: &str, cols: usize) -> Screen {
        // Each line feed or full row of text makes at most one more row.
        let rows = drawn.matches('\n').count() + drawn.chars().count() / cols + 2;
        let size = |n: usize| std::num::NonZeroU16::new(n.min(u16::MAX as usize) as u16).unwrap();
        let mut parser = vt100::Parser::new(size(rows), size(cols), 0);
        parser.process(drawn.as_bytes());
        Screen {
            parser,
            cols: cols as u16,
        }
    }

    fn row(&self, r: u16) -> String {
        let screen = self.parser.screen();
        screen
            .rows(0, self.cols)
            .nth(r as usize)
            .unwrap_or_default()
    }

    /// The lines on screen that a line too long for the terminal ran over into the next: a
    /// word there may be split across two rows.
    pub fn wrapped(&self) -> Vec<String> {
        let screen = self.parser.screen();
        let rows = screen.size().0;
        (0..rows.get())
            .filter(|r| screen.row_wrapped(*r))
            .map(|r| format!("{}⏎{}", self.row(r), self.row(r + 1)))
            .collect()
    }

    /// True when the cursor is at the start of a blank line: whatever comes next starts a
    /// line of its own, not after (or over) what was drawn there.
    pub fn at_blank_line(&self) -> bool {
        let (r, c) = self.parser.screen().cursor_position();
        c == 0 && self.row(r).trim().is_empty()
    }

    /// The line the cursor is on.
    pub fn current(&self) -> String {
        self.row(self.parser.screen().cursor_position().0)
    }

    pub fn lines(&self) -> Vec<String> {
        let mut lines: Vec<String> = self
            .parser
            .screen()
            .rows(0, self.cols)
            .map(|row| row.trim_end().to_string())
            .collect();
        while lines.last().is_some_and(String::is_empty) {
            lines.pop();
        }
        lines
    }
}

#[test]
fn screen_replays_redraws_and_erases() {
    let drawn = "plan\r\nbar 1/3\r\x1b[2Kbar 2/3\r\x1b[2Kdone: 2\r\nx\x1b[1A\x1b[9G!\r\n";
    assert_eq!(screen(drawn), ["plan", "done: 2 !", "x"]);
    let long = "a".repeat(WIDTH + 3);
    assert_eq!(screen(&long), ["a".repeat(WIDTH), "aaa".into()]);
    assert_eq!(screen("one\r\ntwo\x1b[1A\r\x1b[J"), Vec::<String>::new());
    assert!(Screen::replay("bar\r\x1b[2K").at_blank_line());
    assert!(Screen::replay("bar\r\n").at_blank_line());
    assert!(!Screen::replay("bar\r").at_blank_line());
    assert!(!Screen::replay(&long[..WIDTH]).at_blank_line());
}
