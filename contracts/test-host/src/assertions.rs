//! Assertions on reverts and events, generic over the contract's error type: anything that
//! encodes to its revert data (`Into<Vec<u8>>`, as the SDK's `SolidityError` derive provides).

use std::fmt::Debug;

use alloy_primitives::B256;
use alloy_sol_types::{SolError, SolEvent};

use crate::host::Chain;

/// A log as TestVM keeps it: (topics, data).
pub type Log = (Vec<B256>, Vec<u8>);

/// The revert data of a custom error.
pub fn encoded<E: SolError>(error: E) -> Vec<u8> {
    error.abi_encode()
}

/// The log an event is emitted as.
pub fn event<E: SolEvent>(event: &E) -> Log {
    let log = event.encode_log_data();
    (log.topics().to_vec(), log.data.to_vec())
}

/// Asserts that `result` failed with exactly `expected` (selector and every value).
pub fn assert_reverts<T, Err, E>(result: Result<T, Err>, expected: E)
where
    T: Debug,
    Err: Into<Vec<u8>> + Debug,
    E: SolError,
{
    match result {
        Ok(v) => panic!("expected revert {}, got Ok({v:?})", E::SIGNATURE),
        Err(e) => {
            let shown = format!("{e:?}");
            assert_eq!(
                e.into(),
                encoded(expected),
                "revert data: got {shown}, expected {}",
                E::SIGNATURE
            )
        }
    }
}

impl Chain {
    /// Asserts the last log is `expected`.
    pub fn assert_last_event<E: SolEvent>(&self, expected: E) {
        let logs = self.logs();
        let (topics, data) = logs.last().expect("a log");
        let (want_topics, want_data) = event(&expected);
        assert_eq!(topics, &want_topics, "event topics of {}", E::SIGNATURE);
        assert_eq!(data, &want_data, "event data of {}", E::SIGNATURE);
    }

    /// Asserts that `call` failed with exactly `expected` and left the storage and the logs as
    /// they were: the error came before any write.
    pub fn assert_reverts_unchanged<T, Err, E>(&self, call: impl FnOnce() -> Result<T, Err>, expected: E)
    where
        T: Debug,
        Err: Into<Vec<u8>> + Debug,
        E: SolError,
    {
        let storage = self.storage_snapshot();
        let logs = self.logs().len();
        assert_reverts(call(), expected);
        assert_eq!(self.storage_snapshot(), storage, "storage changed");
        assert_eq!(self.logs().len(), logs, "a log was emitted");
    }
}
