//! `pm-test-host`: a host for native tests of the engine's Stylus contracts (dev-only).
//!
//! [`Chain`] implements every `stylus_core` host trait by delegating to the SDK's `TestVM`
//! (storage, logs, the message, the block), except the three kinds of call, which it dispatches
//! to fake contracts registered at addresses: stateful ERC-20 tokens ([`FakeToken`], every
//! [`TokenKind`]), Chainlink feeds ([`FakeFeed`]), and anything else a test registers, as a
//! [`FakeContract`] value or a closure ([`Chain::register_fn`]). Every call is recorded
//! ([`CallRecord`]). `TestVM`'s own call mocks share one return buffer, so a call sequence such
//! as balanceOf / transferFrom / balanceOf cannot be expressed with them; here each fake keeps
//! its own state and answers every call from it.
//!
//! A contract under test is built over the host with `Contract::from(&chain)` (the `#[storage]`
//! macro generates it with the SDK's `stylus-test` feature). Its storage and logs are `TestVM`'s:
//! [`Chain::storage_snapshot`] and [`Chain::logs`] show them. A failed call is not rolled back
//! here (there is no transaction): a test proves that an error came before any write by
//! comparing snapshots ([`Chain::assert_reverts_unchanged`]).
//!
//! Files: [`host`] (the chain and its host traits), [`deploy`] (contract creation), [`calls`] (fake contracts, what they are
//! told, what is recorded), [`tokens`], [`feeds`], [`inspect`] (logs, storage, calls),
//! [`assertions`] (reverts and events).

pub mod assertions;
pub mod calls;
pub mod deploy;
pub mod feeds;
pub mod host;
pub mod inspect;
pub mod tokens;

pub use assertions::{assert_reverts, encoded, event, Log};
pub use calls::{CallKind, CallRecord, FakeContract, FnContract, Incoming, Outcome};
pub use feeds::FakeFeed;
pub use host::Chain;
pub use tokens::{FakeToken, TokenKind};
