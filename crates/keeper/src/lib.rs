//! `pm-keeper`: keeps every account's book from the engine's events and re-margins them all at
//! each block's prices with `pm-risk`, the code the risk program runs, least healthy first. It
//! liquidates what the chain confirms below maintenance, settles expired positions, and checks
//! its figures against the chain's `accountMargin` now and then. See README.md.

pub mod books;
pub mod log;
pub mod state;

pub mod keeper;
pub mod upkeep;

pub use keeper::{Engine, Keeper, KeeperConfig, Round};
