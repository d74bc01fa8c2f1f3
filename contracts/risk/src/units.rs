//! Input ranges the math guarantees (beyond them: a typed error, never a wrong number).

use crate::fixed::Wad;

/// Smallest price: 1e-8 USD.
pub const MIN_PRICE: Wad = 10_000_000_000;
/// Largest price: 1e9 USD.
pub const MAX_PRICE: Wad = 1_000_000_000_000_000_000_000_000_000;
/// Smallest implied volatility: 1%.
pub const MIN_VOL: Wad = 10_000_000_000_000_000;
/// Largest implied volatility: 500%.
pub const MAX_VOL: Wad = 5_000_000_000_000_000_000;
/// Largest position size: 1e12 units.
pub const MAX_SIZE: Wad = 1_000_000_000_000_000_000_000_000_000_000;
/// Seconds in the year the math uses (365 days).
pub const SECONDS_PER_YEAR: u64 = 31_536_000;
/// Longest time to expiry: 5 years.
pub const MAX_EXPIRY_SECONDS: u64 = 5 * SECONDS_PER_YEAR;
