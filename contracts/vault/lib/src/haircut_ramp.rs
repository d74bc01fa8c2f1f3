//! Haircut ramps: a change of a listed token's haircut takes effect linearly over
//! [`HAIRCUT_RAMP`] (a day), not at once. Raising a haircut lowers the collateral value of every
//! holder, so at once it could make accounts liquidatable a block after the change; lowering one
//! ramps the same way. The haircut in force moves towards the target when anyone calls
//! `advance_haircut(token)` (keepers do) and when the token's next change starts (from where the
//! ramp is): each time by the time since the last advance, at most an hour's worth
//! ([`pm_common::ramp`]), so it never jumps. A token being listed takes its haircut at once
//! (nobody holds it).

use alloy_primitives::{Address, U16, U256};
use pm_common::ramp::Progress;
use stylus_sdk::prelude::*;

use crate::errors::{CollateralNotListed, Result, VaultError};
use crate::events::{HaircutAdvanced, HaircutRampStarted};
use crate::storage::Vault;

/// How long a haircut change takes to ramp in, seconds (one day).
pub const HAIRCUT_RAMP: u64 = 86_400;

/// The ramp view: (from bps, target bps, seconds applied, duration; 0 when none is under way).
pub type HaircutRamp = (u16, u16, u64, u64);

/// A stored ramp: its progress, and from and target in the extra limb (from | target << 16).
fn unpack(word: U256) -> (Progress, u16, u16) {
    let (progress, bps) = Progress::of(word);
    (progress, bps as u16, (bps >> 16) as u16)
}

fn pack(progress: Progress, from: u16, target: u16) -> U256 {
    progress.word(u64::from(from) | (u64::from(target) << 16))
}

impl Vault {
    /// The haircut to keep in force when the risk admin sets a listed `token`'s to `target`:
    /// where its ramp is now, with a ramp to `target` started (or the one under way to it kept).
    pub(crate) fn ramp_haircut(&mut self, token: Address, target: u16) -> u16 {
        let (progress, _, under_way_to) = unpack(self.collaterals.getter(token).haircut_ramp.get());
        let live = self.advance_haircut_ramp(token);
        if progress.under_way() && under_way_to == target {
            return live;
        }
        let now = self.vm().block_timestamp();
        let word = if live == target {
            U256::ZERO
        } else {
            pack(Progress::start(now, HAIRCUT_RAMP), live, target)
        };
        self.collaterals.setter(token).haircut_ramp.set(word);
        if live != target {
            self.vm().log(HaircutRampStarted {
                token,
                fromBps: live,
                toBps: target,
                duration: HAIRCUT_RAMP,
            });
        }
        live
    }

    /// Moves `token`'s haircut along its ramp to now (nothing when none is under way). The
    /// haircut in force after.
    fn advance_haircut_ramp(&mut self, token: Address) -> u16 {
        let (progress, from, target) = unpack(self.collaterals.getter(token).haircut_ramp.get());
        let live: u16 = self.collaterals.getter(token).haircut_bps.get().saturating_to();
        if !progress.under_way() {
            return live;
        }
        let progress = progress.advance(self.vm().block_timestamp());
        // Between `from` and `target`, both below 10,000.
        let haircut = u16::try_from(progress.value(i128::from(from), i128::from(target))).unwrap_or(target);
        let mut entry = self.collaterals.setter(token);
        entry.haircut_bps.set(U16::from(haircut));
        entry.haircut_ramp.set(pack(progress, from, target));
        self.vm().log(HaircutAdvanced {
            token,
            haircutBps: haircut,
            applied: progress.applied,
            duration: progress.duration,
        });
        haircut
    }

    /// Moves `token`'s haircut to where its ramp is now (anyone may call it) and, when it moved,
    /// publishes the collateral table. The haircut in force after.
    /// Errors: `CollateralNotListed`, `CollateralTableUnavailable`.
    pub fn advance_haircut(&mut self, token: Address) -> Result<u16> {
        let entry = self.collaterals.getter(token);
        if entry.oracle.get().is_zero() {
            return Err(VaultError::CollateralNotListed(CollateralNotListed { token }));
        }
        let before: u16 = entry.haircut_bps.get().saturating_to();
        let after = self.advance_haircut_ramp(token);
        if after != before {
            self.publish_collateral_table()?;
        }
        Ok(after)
    }

    /// `token`'s haircut ramp ([`HaircutRamp`]).
    pub fn haircut_ramp(&self, token: Address) -> HaircutRamp {
        let (progress, from, target) = unpack(self.collaterals.getter(token).haircut_ramp.get());
        (from, target, progress.applied, progress.duration)
    }
}
