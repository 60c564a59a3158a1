//! A `--body-jq` program run under a time limit. jaq has no fuel: an expression that never ends
//! (`[range(1e12)]`, a recursion without a base) would hold the plan for ever, past Ctrl-C, since
//! the plan builds bodies between pages. So each body is edited on a worker thread and waited
//! for at most the limit; a run past it gives up on the plan, and the worker is abandoned to
//! the process's end, which comes with the error.

use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use super::jq::Program;

/// The longest a program may run on one body (or, selecting, on one entry): far beyond any
/// real edit, short enough that an expression that never ends is reported rather than waited on.
pub const LIMIT: Duration = Duration::from_secs(5);

/// A body in, the new body or why there is none out: text both ways, as jaq's values stay on
/// the worker's thread.
type Answer = Result<String, String>;
type Task = (String, mpsc::Sender<Answer>);

pub struct Limited {
    program: Arc<Program>,
    limit: Duration,
    worker: Mutex<Option<mpsc::Sender<Task>>>,
}

/// A run that went past the limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TooLong(pub Duration);

impl Limited {
    pub fn new(program: Program, limit: Duration) -> Limited {
        Limited {
            program: Arc::new(program),
            limit,
            worker: Mutex::new(None),
        }
    }

    /// Runs the program on the body `input` ([`Program::edit`]): its answer, or [`TooLong`]
    /// when none came in time.
    pub fn run(&self, input: String) -> Result<Answer, TooLong> {
        let mut worker = self.worker.lock().unwrap();
        let (reply, answer) = mpsc::channel();
        let task = (input, reply);
        let task = match worker.as_ref() {
            Some(w) => w.send(task).err().map(|mpsc::SendError(t)| t),
            None => Some(task),
        };
        if let Some(task) = task {
            let w = spawn(self.program.clone());
            w.send(task).expect("a new worker takes a task");
            *worker = Some(w);
        }
        match answer.recv_timeout(self.limit) {
            Ok(a) => Ok(a),
            Err(_) => {
                // Still running: it is left to itself, and the next run gets a new worker.
                *worker = None;
                Err(TooLong(self.limit))
            }
        }
    }
}

fn spawn(program: Arc<Program>) -> mpsc::Sender<Task> {
    let (tx, rx) = mpsc::channel::<Task>();
    std::thread::Builder::new()
        .name("dlq-body-jq".into())
        .spawn(move || {
            for (input, reply) in rx {
                let _ = reply.send(program.edit(&input));
            }
        })
        .expect("a thread for --body-jq");
    tx
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_come_back_and_a_run_that_never_ends_is_given_up_on() {
        let p = Limited::new(Program::compile(".n += 1").unwrap(), Duration::from_secs(5));
        for n in 0..3 {
            let v = p.run(format!(r#"{{"n":{n}}}"#)).unwrap().unwrap();
            assert_eq!(v, format!(r#"{{"n":{}}}"#, n + 1));
        }
        let endless = Limited::new(
            Program::compile("last(range(1e15))").unwrap(),
            Duration::from_millis(200),
        );
        assert_eq!(
            endless.run("null".into()),
            Err(TooLong(Duration::from_millis(200)))
        );
    }
}
