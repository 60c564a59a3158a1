//! A token that never shows itself: its `Debug` and `Display` are redacted.
//!
//! A leaf, so the client (`api`) that sends the token and the settings (`config`) that find it
//! share the type without the client importing the settings.

use std::fmt;

use serde::{Deserialize, Serialize};

/// A token. Its `Debug` and `Display` never show it; only [`Secret::expose`] does.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    pub fn new(s: impl Into<String>) -> Self {
        Secret(s.into())
    }
    pub fn expose(&self) -> &str {
        &self.0
    }
    /// A hint that tells tokens apart without revealing them: the last four characters.
    pub fn masked(&self) -> String {
        let n = self.0.chars().count();
        if n < 12 {
            return "****".to_string();
        }
        let tail: String = self.0.chars().skip(n - 4).collect();
        format!("****{tail} ({n} chars)")
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(redacted)")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("(redacted)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_do_not_print() {
        let s = Secret::new("eyJVc2VySUQiOiJzZWNyZXQi");
        assert!(!format!("{s:?}{s}").contains("eyJ"));
        assert!(!s.masked().contains("eyJ"));
    }
}
