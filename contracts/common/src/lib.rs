//! `pm-common`: what every Stylus program of the engine shares, written once so the vault and
//! the clearinghouse cannot drift apart: the errors and events they both declare ([`errors`],
//! [`events`]), data contracts ([`data_contract`]), the outside interfaces ([`interfaces`]), Chainlink feeds and the round check
//! ([`feeds`]), decimal scaling ([`scaling`]), two-step ownership ([`ownership`]), role and
//! address checks ([`guards`]), ERC-20 reads ([`tokens`]), the ramp of a parameter change
//! ([`ramp`]) and routing by selector to facets
//! ([`routing`]).
//!
//! A function that fails one way returns that error, which `?` turns into the program's own; one
//! that fails several ways is generic over the program's error type (`E: From<...>`). So each
//! program keeps one error enum and a shared error has one selector everywhere.
#![cfg_attr(not(test), no_std)]
#![deny(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects
)]

#[macro_use]
extern crate alloc;

pub mod data_contract;
pub mod errors;
pub mod events;
pub mod feeds;
pub mod guards;
pub mod interfaces;
pub mod ownership;
pub mod ramp;
pub mod routing;
pub mod scaling;
pub mod tokens;
