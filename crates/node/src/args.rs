//! A request's positional parameters, owned so they can cross to the chain's thread, read one by
//! one into the types the method expects.

use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::node_error::NodeError;

/// The parameters of one request.
#[derive(Clone, Debug, Default)]
pub struct Args(pub Vec<Value>);

impl Args {
    /// Parameter `i`.
    ///
    /// # Errors
    /// `InvalidParams` if it is missing or is not a `T`.
    pub fn get<T: DeserializeOwned>(&self, i: usize) -> Result<T, NodeError> {
        let v = self
            .0
            .get(i)
            .ok_or_else(|| NodeError::InvalidParams(format!("missing parameter {i}")))?;
        serde_json::from_value(v.clone()).map_err(|e| NodeError::InvalidParams(format!("parameter {i}: {e}")))
    }

    /// Parameter `i`, or `None` if it is absent or null.
    ///
    /// # Errors
    /// `InvalidParams` if it is there and is not a `T`.
    pub fn opt<T: DeserializeOwned>(&self, i: usize) -> Result<Option<T>, NodeError> {
        match self.0.get(i) {
            None | Some(Value::Null) => Ok(None),
            Some(_) => self.get(i).map(Some),
        }
    }
}
