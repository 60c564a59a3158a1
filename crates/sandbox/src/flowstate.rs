//! Flow-control keys as the state keeps them: each key's configuration (what the newest
//! message under it asked for, or what was pinned) and whether it is paused. Read by the gate
//! (`flow`), changed by publish and by the flow-control endpoints (`flowkeys`).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// The configuration in force for one key.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct KeyConfig {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parallelism: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rate: Option<i64>,
    /// Seconds; 0 reads as the default, one.
    #[serde(default)]
    pub period_s: i64,
    #[serde(default)]
    pub pinned_parallelism: bool,
    #[serde(default)]
    pub pinned_rate: bool,
    #[serde(default)]
    pub paused: bool,
    /// Raised by every change, so the gate keeps the newest copy it is given.
    #[serde(default)]
    pub rev: u64,
}

impl KeyConfig {
    pub fn period(&self) -> i64 {
        self.period_s.max(1)
    }
}

/// Every key the state knows, and the last revision given out.
#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FlowKeys {
    #[serde(default)]
    pub keys: BTreeMap<String, KeyConfig>,
    #[serde(default)]
    pub rev: u64,
}

impl FlowKeys {
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty() && self.rev == 0
    }

    /// Changes (making it if new) the configuration of `key`; returns it as changed.
    pub fn change(&mut self, key: &str, f: impl FnOnce(&mut KeyConfig)) -> KeyConfig {
        self.rev += 1;
        let c = self.keys.entry(key.to_string()).or_default();
        f(c);
        c.rev = self.rev;
        c.clone()
    }

    /// A new message under `key` asks for these limits: they are the key's, but for what is
    /// pinned (the period goes with the rate).
    pub fn offered(
        &mut self,
        key: &str,
        parallelism: Option<i64>,
        rate: Option<i64>,
        period: Option<i64>,
    ) {
        self.change(key, |c| {
            if !c.pinned_parallelism {
                c.parallelism = parallelism;
            }
            if !c.pinned_rate {
                c.rate = rate;
                c.period_s = period.unwrap_or(1);
            }
        });
    }

    /// The key and configuration a delivery waits on: the state's, or (a key the state does not
    /// know, as a state saved before keys were kept) what the delivery itself asks for.
    pub fn gate(
        &self,
        key: Option<&str>,
        parallelism: Option<i64>,
        rate: Option<i64>,
        period: Option<i64>,
    ) -> Option<(String, KeyConfig)> {
        let key = key?;
        let config = self.keys.get(key).cloned().unwrap_or(KeyConfig {
            parallelism,
            rate,
            period_s: period.unwrap_or(1),
            ..KeyConfig::default()
        });
        Some((key.to_string(), config))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pinned_part_outlives_new_messages_until_unpinned() {
        let mut f = FlowKeys::default();
        f.offered("k", Some(5), Some(10), Some(60));
        let c = f.change("k", |c| {
            c.parallelism = Some(3);
            c.pinned_parallelism = true;
        });
        assert_eq!((c.parallelism, c.rate, c.period()), (Some(3), Some(10), 60));
        f.offered("k", Some(7), Some(2), None);
        let c = &f.keys["k"];
        assert_eq!((c.parallelism, c.rate, c.period()), (Some(3), Some(2), 1));
        let before = c.rev;
        let c = f.change("k", |c| c.pinned_parallelism = false);
        assert!(c.rev > before);
        f.offered("k", Some(7), None, None);
        assert_eq!(f.keys["k"].parallelism, Some(7));
    }
}
