//! `--verify` and `--canary` (retry, republish, resume, restart, callback): what was acted on
//! is followed to its final state; with a canary, a few entries first, judged before the rest.
//! The steps themselves are the driver's (`act::planned`); this part says what was asked.

use super::Part;
use crate::args::follow::VerifyArgs;
use crate::error::{CliError, Result};

/// The verb's `--verify`/`--canary` flags.
pub struct Follow<'a>(pub &'a VerifyArgs);

impl Part for Follow<'_> {
    fn follow(&self) -> Option<&VerifyArgs> {
        Some(self.0)
    }

    /// A run that follows what it did needs the whole plan first.
    fn pipelines(&self) -> bool {
        self.0.canary.is_none() && self.0.verify.is_none()
    }

    fn refuse_new(&self) -> Result<()> {
        if self.0.past_canary {
            return Err(CliError::usage(
                "--past-canary goes on with a job whose canary did not pass: give it with --continue JOB",
            ));
        }
        Ok(())
    }

    fn refuse_server_side(&self) -> Result<()> {
        if self.0.verify.is_some() || self.0.canary.is_some() {
            return Err(CliError::usage(
                "--server-side has no per-entry account to verify: drop --verify/--canary, or drop --server-side",
            ));
        }
        Ok(())
    }
}
