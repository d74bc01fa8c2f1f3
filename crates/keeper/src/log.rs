//! Structured logs: one JSON object a line on standard output (`ts` in unix milliseconds,
//! `level`, `event`, then the event's fields), for a log shipper to read. A dozen lines of our own
//! rather than a logging framework: the keeper logs a handful of events and nothing else.

use std::io::Write;
use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::{Map, Value};

/// Writes one log line: `fields` (an object) after `ts`, `level` and `event`.
pub fn log(level: &str, event: &str, fields: Value) {
    let ts = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or_default();
    let mut line = Map::new();
    line.insert("ts".into(), ts.into());
    line.insert("level".into(), level.into());
    line.insert("event".into(), event.into());
    if let Value::Object(more) = fields {
        line.extend(more);
    }
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{}", Value::Object(line));
    let _ = out.flush();
}
