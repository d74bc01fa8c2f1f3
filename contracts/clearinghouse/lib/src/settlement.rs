//! Cash through the vault: the vault's views the clearinghouse reads (collateral value, token
//! configuration) and its `settle`, which moves settlement-token units between two balances.
//! Markets settle fees and funding here too.

use alloc::vec::Vec;

use alloy_primitives::{Address, Bytes, I256, U256};
use alloy_sol_types::SolCall;
use stylus_sdk::{
    call::{call, static_call},
    prelude::*,
    stylus_core::calls::{errors::Error as CallError, Call},
};

use crate::errors::{ClearinghouseError, Result, SettleAboveCap, VaultCallFailed};
use crate::interfaces::IVault;
use crate::settle_budget;
use crate::storage::Clearinghouse;
use crate::units::{TokenUnits, UsdWad};
use crate::words::{halves, word_of};

fn vault_failed(e: CallError) -> ClearinghouseError {
    let reason = match e {
        CallError::Revert(data) => data,
        _ => Vec::new(),
    };
    ClearinghouseError::from(VaultCallFailed {
        reason: Bytes::from(reason),
    })
}

impl Clearinghouse {
    /// Moves `amount` settlement-token units from the calling market to `account` (negative: the
    /// other way): realised PnL, funding, fees. No margin check (funding is owed whatever the
    /// account's health), but within the market's hourly budget ([`crate::settle_budget`]).
    /// Errors: `MarketNotAuthorised`, `MarketNotApproved`, `SettleAboveCap`, `VaultCallFailed`.
    pub fn settle(&mut self, account: Address, amount: I256) -> Result<()> {
        let market = self.only_market_for(account)?;
        if amount.is_zero() {
            return Ok(());
        }
        let (cap, used, elapsed) = self.settle_meter(market);
        let now = self.vm().block_timestamp();
        let size = i128::try_from(amount.unsigned_abs()).unwrap_or(i128::MAX);
        let Some(used) = settle_budget::spend(used, cap, elapsed, size) else {
            return Err(ClearinghouseError::from(SettleAboveCap {
                market,
                amount,
                available: U256::from(settle_budget::available(used, cap, elapsed).unsigned_abs()),
            }));
        };
        self.vault_settle(account, market, amount)?;
        self.settle_meters
            .setter(market)
            .set(word_of(used, i128::from(now)));
        Ok(())
    }

    /// `market`'s hourly cap (one beyond `int128` counts as the largest), its meter, and the
    /// seconds since the meter was written.
    pub(crate) fn settle_meter(&self, market: Address) -> (i128, i128, u64) {
        let cap = i128::try_from(self.settle_caps.get(market)).unwrap_or(i128::MAX);
        let (used, at) = halves(self.settle_meters.get(market));
        let at = u64::try_from(at).unwrap_or(0);
        (cap, used, self.vm().block_timestamp().saturating_sub(at))
    }

    /// A view of the vault. Errors: `VaultCallFailed` (with the revert data, or the answer that
    /// does not decode).
    pub(crate) fn vault_view<C: SolCall>(&self, call: C) -> Result<C::Return> {
        self.view_of(self.vault.get(), call)
    }

    /// [`Self::vault_view`] of the vault at `vault`.
    fn view_of<C: SolCall>(&self, vault: Address, call: C) -> Result<C::Return> {
        let ret = static_call(self.vm(), Call::new(), vault, &call.abi_encode()).map_err(vault_failed)?;
        C::abi_decode_returns_validate(&ret).map_err(|_| vault_failed(CallError::Revert(ret)))
    }

    /// The vault's collateral value of `account`, asked of the vault the parameter table names
    /// (the margin checks read the table anyway: one storage word less). Errors:
    /// `ParamTableUnavailable`, `VaultCallFailed`.
    pub(crate) fn collateral_value(&self, account: Address) -> Result<UsdWad> {
        let vault = self.published_table()?.vault();
        self.view_of(vault, IVault::collateralValueCall { account })
            .map(UsdWad)
    }

    /// `vault.settle(account, counterparty, amount)`; nothing for a zero amount.
    /// Errors: `VaultCallFailed`.
    pub(crate) fn vault_settle(
        &mut self,
        account: Address,
        counterparty: Address,
        amount: I256,
    ) -> Result<()> {
        if amount.is_zero() {
            return Ok(());
        }
        self.vault_write(
            &IVault::settleCall {
                account,
                counterparty,
                amount,
            }
            .abi_encode(),
        )?;
        Ok(())
    }

    /// `vault.seizeCollateral(account, liquidator)`: the account's other collateral sold to the
    /// liquidator for its settlement-token debt, just enough to bring its collateral value back
    /// to zero. Returns the shortfall: what is still owed once no other collateral is left (zero
    /// while some is). Errors: `VaultCallFailed`.
    pub(crate) fn vault_seize(&mut self, account: Address, liquidator: Address) -> Result<U256> {
        self.vault_word(&IVault::seizeCollateralCall { account, liquidator }.abi_encode())
    }

    /// `vault.socialiseDebt(account)`: the account's debt written off against every
    /// settlement-token balance. Returns the units written off. Errors: `VaultCallFailed`.
    pub(crate) fn vault_socialise(&mut self, account: Address) -> Result<U256> {
        self.vault_word(&IVault::socialiseDebtCall { account }.abi_encode())
    }

    /// A call to the vault that writes and answers one `uint256`. Errors: `VaultCallFailed`
    /// (also when the answer is not one word).
    fn vault_word(&mut self, data: &[u8]) -> Result<U256> {
        let ret = self.vault_write(data)?;
        let word: [u8; 32] = ret
            .get(..32)
            .and_then(|w| w.try_into().ok())
            .ok_or_else(|| vault_failed(CallError::Revert(ret.clone())))?;
        Ok(U256::from_be_bytes(word))
    }

    /// A call to the vault that writes; its answer. Errors: `VaultCallFailed`.
    fn vault_write(&mut self, data: &[u8]) -> Result<Vec<u8>> {
        let vault = self.vault.get();
        let context = Call::new_mutating(self);
        call(self.vm(), context, vault, data).map_err(vault_failed)
    }

    /// [`Self::vault_settle`] of cash in settlement-token units. Errors: `VaultCallFailed`,
    /// `ArithmeticOverflow`.
    pub(crate) fn settle_cash(
        &mut self,
        account: Address,
        counterparty: Address,
        cash: TokenUnits,
    ) -> Result<()> {
        self.vault_settle(account, counterparty, cash.to_i256()?)
    }
}
