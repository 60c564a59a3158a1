//! The `dlq` binary: parse, build the runtime, run, map the error to an exit code.

use std::process::ExitCode;

use dlq::error::Kind;
use dlq::output::Output;

fn main() -> ExitCode {
    let cli = dlq::cli::parse();
    let env = |k: &str| std::env::var(k).ok();
    let out = Output::new(&cli.global.output_options(), &env);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("cannot start the async runtime");
    match runtime.block_on(dlq::cli::run(cli, &env)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            // An interrupted run has already printed its summary and, last, how to continue;
            // a declined prompt has said so.
            if !matches!(
                e.kind,
                Kind::BrokenPipe | Kind::Interrupted | Kind::Declined
            ) {
                out.error(&e);
            }
            ExitCode::from(e.code())
        }
    }
}
