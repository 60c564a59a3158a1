//! Names the build for `dlq --version`: the commit, the build date and the target.
//!
//! The commit comes from git only when the crate's own directory is the repository: a packaged
//! crate unpacked somewhere inside another repository (`cargo install` under a home directory
//! kept in git) must not name that repository's commit. A packaged crate has no git history; it
//! names the commit cargo recorded in `.cargo_vcs_info.json` when it was packaged, and says
//! `unknown` when there is none, rather than failing the build.

use std::process::Command;

fn git(args: &[&str]) -> Option<String> {
    let dir = std::env::var("CARGO_MANIFEST_DIR").ok()?;
    if !std::path::Path::new(&dir).join(".git").exists() {
        return None;
    }
    let out = Command::new("git")
        .arg("-C")
        .arg(&dir)
        .args(args)
        .output()
        .ok()?;
    if !out.status.success() {
        return None;
    }
    let s = String::from_utf8(out.stdout).ok()?.trim().to_string();
    (!s.is_empty()).then_some(s)
}

/// The commit `cargo package` recorded: `"sha1": "<hex>"` in `.cargo_vcs_info.json`.
fn packaged_commit() -> Option<String> {
    let dir = std::env::var("CARGO_MANIFEST_DIR").ok()?;
    let info =
        std::fs::read_to_string(std::path::Path::new(&dir).join(".cargo_vcs_info.json")).ok()?;
    let rest = &info[info.find("\"sha1\"")? + 6..];
    let hex = rest.split('"').nth(1)?;
    (hex.len() >= 12 && hex.chars().all(|c| c.is_ascii_hexdigit())).then(|| hex[..12].to_string())
}

/// Days since 1970-01-01 to a civil date (Howard Hinnant's algorithm).
fn civil(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

fn main() {
    let commit = git(&["rev-parse", "--short=12", "HEAD"])
        .or_else(packaged_commit)
        .unwrap_or_else(|| "unknown".into());
    // Reproducible builds set SOURCE_DATE_EPOCH; otherwise the date of this build.
    let secs = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.parse::<i64>().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_secs() as i64)
                .unwrap_or(0)
        });
    let (y, m, d) = civil(secs.div_euclid(86_400));
    println!("cargo:rustc-env=DLQ_COMMIT={commit}");
    println!("cargo:rustc-env=DLQ_BUILD_DATE={y:04}-{m:02}-{d:02}");
    println!(
        "cargo:rustc-env=DLQ_TARGET={}",
        std::env::var("TARGET").unwrap_or_default()
    );
    println!("cargo:rerun-if-env-changed=SOURCE_DATE_EPOCH");
    // Rebuild the version when HEAD moves: watch HEAD and the branch file it points to. Only
    // files that exist: cargo counts a missing one as changed and would rebuild every time.
    let mut watch = Vec::new();
    if let Some(dir) = git(&["rev-parse", "--git-dir"]) {
        watch.push(format!("{dir}/HEAD"));
        if let Some(common) = git(&["rev-parse", "--git-common-dir"]) {
            if let Some(head) = git(&["symbolic-ref", "-q", "HEAD"]) {
                watch.push(format!("{common}/{head}"));
            }
            watch.push(format!("{common}/packed-refs"));
        }
    }
    for path in watch {
        if std::path::Path::new(&path).exists() {
            println!("cargo:rerun-if-changed={path}");
        }
    }
    println!("cargo:rerun-if-changed=build.rs");
}
