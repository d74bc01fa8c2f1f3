//! Expiry: expired futures and options leave an account, settled in cash at their underlying's
//! feed price, against the clearinghouse's own balance in the vault. Anyone may call it (keepers
//! do, right after expiry).

use alloy_primitives::Address;
use stylus_sdk::prelude::*;

use crate::errors::{overflow, Result};
use crate::events::ExpirySettled;
use crate::instrument::{cash_for, expiry_value, spec_of, unpack, PERP};
use crate::storage::Clearinghouse;
use crate::units::TokenUnits;

impl Clearinghouse {
    /// Settles every expired position of `account` at its underlying's feed price now and
    /// removes it; returns how many settled. Errors: the price errors of a feed,
    /// `VaultCallFailed`, `ArithmeticOverflow`.
    pub fn settle_expired(&mut self, account: Address) -> Result<u32> {
        let now = self.vm().block_timestamp();
        let decimals: u8 = self.settlement_decimals.get().to();
        let this = self.vm().contract_address();
        let mut cash = TokenUnits(0);
        let mut settled = 0u32;
        let mut i = 0usize;
        while i < self.positions.getter(account).len() {
            let (id, size) = unpack(self.positions.getter(account).get(i).unwrap_or_default());
            let spec = spec_of(id);
            if spec.kind == PERP || spec.expiry > now {
                i = i.saturating_add(1);
                continue;
            }
            let price = self.underlying_price(usize::from(spec.underlying))?;
            let value = expiry_value(&spec, price);
            // The account sells its position back at its expiry value.
            let amount =
                cash_for(size.checked_neg().ok_or_else(overflow)?, value, decimals).ok_or_else(overflow)?;
            cash = cash.checked_add(amount)?;
            self.store(account, Some(i), id, 0)?;
            settled = settled.saturating_add(1);
            self.vm().log(ExpirySettled {
                account,
                instrument: id,
                size,
                value,
            });
        }
        self.settle_cash(account, this, cash)?;
        Ok(settled)
    }
}
