//! The config a client prepared last. A backend that calls `create` with the same
//! config for every user then pays for its checks and serialization once, as with
//! `create_prepared`: they were three fifths of the instructions the async client
//! added to a token beyond a bare reqwest post (callgrind, `bench/instructions.sh`).

use std::sync::{Arc, Mutex};

use crate::config::CreateAuthTokenConfig;
use crate::error::ConfigError;
use crate::request::PreparedConfig;

/// The last config [`get`](Self::get) prepared, and what it made of it.
///
/// It never makes a caller wait: when another mint holds it, the config is prepared
/// anew, which costs what it would without it.
#[derive(Default)]
pub(crate) struct LastPrepared(Mutex<Option<(CreateAuthTokenConfig, Arc<PreparedConfig>)>>);

impl LastPrepared {
    /// `config` prepared: the last one's result when the config is equal to it (so the
    /// same body; a `-0.0` and a `0.0` setting, equal numbers, may share one), else
    /// prepared now and kept.
    pub(crate) fn get(
        &self,
        config: &CreateAuthTokenConfig,
    ) -> Result<Arc<PreparedConfig>, ConfigError> {
        if let Ok(last) = self.0.try_lock() {
            if let Some((seen, prepared)) = last.as_ref() {
                if seen == config {
                    return Ok(Arc::clone(prepared));
                }
            }
        }
        let prepared = Arc::new(PreparedConfig::new(config)?);
        if let Ok(mut last) = self.0.try_lock() {
            *last = Some((config.clone(), Arc::clone(&prepared)));
        }
        Ok(prepared)
    }
}

#[cfg(test)]
// A test stops at the first config its expectation does not hold for.
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::error::ConfigErrorKind;

    #[test]
    fn the_same_config_is_prepared_once() {
        let last = LastPrepared::default();
        let first = last.get(&CreateAuthTokenConfig::new().uses(2)).unwrap();
        let again = last.get(&CreateAuthTokenConfig::new().uses(2)).unwrap();
        assert!(Arc::ptr_eq(&first, &again));
    }

    #[test]
    fn another_config_is_prepared_anew_and_kept() {
        let last = LastPrepared::default();
        let two = last.get(&CreateAuthTokenConfig::new().uses(2)).unwrap();
        let three = last.get(&CreateAuthTokenConfig::new().uses(3)).unwrap();
        assert!(!Arc::ptr_eq(&two, &three));
        let three_again = last.get(&CreateAuthTokenConfig::new().uses(3)).unwrap();
        assert!(Arc::ptr_eq(&three, &three_again));
    }

    #[test]
    fn a_refused_config_is_refused_every_time_and_not_kept() {
        let last = LastPrepared::default();
        let kept = last.get(&CreateAuthTokenConfig::new().uses(2)).unwrap();
        let too_many = CreateAuthTokenConfig::new().uses(u32::MAX);
        for _ in 0..2 {
            let error = last.get(&too_many).map(drop).unwrap_err();
            assert_eq!(error.kind(), ConfigErrorKind::InvalidUses);
        }
        let again = last.get(&CreateAuthTokenConfig::new().uses(2)).unwrap();
        assert!(Arc::ptr_eq(&kept, &again));
    }

    #[test]
    fn a_mint_holding_it_does_not_make_another_wait() {
        let last = LastPrepared::default();
        let config = CreateAuthTokenConfig::new().uses(2);
        let kept = last.get(&config).unwrap();
        let held = last.0.lock().unwrap();
        let meanwhile = last.get(&config).unwrap();
        assert!(
            !Arc::ptr_eq(&kept, &meanwhile),
            "prepared anew, not waited for"
        );
        drop(held);
        assert!(
            Arc::ptr_eq(&kept, &last.get(&config).unwrap()),
            "and not kept"
        );
    }
}
