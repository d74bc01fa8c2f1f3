//! The link to the clearinghouse: its margin check on withdrawals, and settlement of realised
//! PnL, premiums and fees in the settlement token, where a balance that runs out becomes debt.
//!
//! Invariant: an account never has both a settlement-token balance and a debt (credits, and
//! deposits of the settlement token, pay the debt first; debits use the balance first), and
//! `total_debt` is the sum of the debts. Balances are stored scaled by the loss index
//! ([`crate::loss_index`]).

use alloy_primitives::{Address, I256, U256};
use alloy_sol_types::SolCall;
use pm_common::guards::ensure_contract;
use stylus_sdk::{call::static_call, prelude::*, stylus_core::calls::Call};

use crate::errors::{overflow, ClearinghouseAlreadySet, MarginCheckFailed, Result, VaultError, ZeroAddress};
use crate::events::{ClearinghouseSet, Settled};
use crate::interfaces::IClearinghouse;
use crate::loss_index;
use crate::storage::Vault;

impl Vault {
    pub(crate) fn connect_clearinghouse(
        &mut self,
        clearinghouse: Address,
        settlement_token: Address,
    ) -> Result<()> {
        self.only_owner()?;
        let current = self.clearinghouse.get();
        if !current.is_zero() {
            return Err(VaultError::ClearinghouseAlreadySet(ClearinghouseAlreadySet {
                clearinghouse: current,
            }));
        }
        // The zero address has no code: `NotAContract`.
        ensure_contract(self.vm(), clearinghouse)?;
        self.pricing(settlement_token)?;
        self.clearinghouse.set(clearinghouse);
        self.settlement_token.set(settlement_token);
        self.vm().log(ClearinghouseSet {
            clearinghouse,
            settlementToken: settlement_token,
        });
        Ok(())
    }

    /// `clearinghouse.marginFor(account, value)`: (equity, initial margin), USD with 18 decimals.
    /// Encoded and decoded by hand (two words each way) to keep the program small.
    /// Errors: `MarginCheckFailed` when the call reverts or answers fewer than two words.
    pub(crate) fn margin_for(
        &self,
        clearinghouse: Address,
        account: Address,
        value: I256,
    ) -> Result<(I256, I256)> {
        let mut data = [0u8; 68];
        let (selector, args) = data.split_at_mut(4);
        selector.copy_from_slice(&IClearinghouse::marginForCall::SELECTOR);
        let (word0, word1) = args.split_at_mut(32);
        if let Some(tail) = word0.get_mut(12..) {
            tail.copy_from_slice(account.as_slice());
        }
        word1.copy_from_slice(&value.to_be_bytes::<32>());
        let failed = || VaultError::MarginCheckFailed(MarginCheckFailed { clearinghouse });
        let ret = static_call(self.vm(), Call::new(), clearinghouse, &data).map_err(|_| failed())?;
        let word = |i: usize| -> Result<I256> {
            let bytes: [u8; 32] = ret
                .get(i..i.wrapping_add(32))
                .and_then(|w| w.try_into().ok())
                .ok_or_else(failed)?;
            Ok(I256::from_be_bytes(bytes))
        };
        Ok((word(0)?, word(32)?))
    }

    pub(crate) fn settle_between(
        &mut self,
        account: Address,
        counterparty: Address,
        amount: I256,
    ) -> Result<()> {
        self.only_clearinghouse()?;
        if account.is_zero() || counterparty.is_zero() {
            return Err(VaultError::ZeroAddress(ZeroAddress {}));
        }
        let (payer, payee) = if amount.is_negative() {
            (account, counterparty)
        } else {
            (counterparty, account)
        };
        let units = amount.unsigned_abs();
        self.debit(payer, units)?;
        self.credit(payee, units)?;
        self.vm().log(Settled {
            account,
            counterparty,
            amount,
        });
        Ok(())
    }

    /// The loss index of settlement-token balances ([`crate::loss_index`]).
    pub(crate) fn loss_index(&self) -> U256 {
        loss_index::effective(U256::from(self.settlement_index.get()))
    }

    /// `who`'s settlement-token balance, in token units (its scaled amount at the loss index,
    /// rounded down). Errors: `ArithmeticOverflow`.
    pub(crate) fn settlement_balance(&self, who: Address) -> Result<U256> {
        let scaled = self.balances.getter(who).get(self.settlement_token.get());
        loss_index::balance_of_scaled(scaled, self.loss_index())
    }

    /// Adds `delta` to the total debt, or takes it away. Errors: `ArithmeticOverflow`.
    fn change_total_debt(&mut self, delta: U256, add: bool) -> Result<()> {
        let total = self.total_debt.get();
        let next = if add {
            total.checked_add(delta)
        } else {
            total.checked_sub(delta)
        };
        self.total_debt.set(next.ok_or_else(overflow)?);
        Ok(())
    }

    /// Takes `units` from the balance, and what the balance lacks as debt.
    pub(crate) fn debit(&mut self, who: Address, units: U256) -> Result<()> {
        let token = self.settlement_token.get();
        let index = self.loss_index();
        let scaled = self.balances.getter(who).get(token);
        let balance = loss_index::balance_of_scaled(scaled, index)?;
        if balance >= units {
            // balance ≥ units implies scaled ≥ the debit's scaled amount, rounded up.
            let taken = loss_index::scaled_of(units, index, true)?;
            self.balances
                .setter(who)
                .setter(token)
                .set(scaled.checked_sub(taken).ok_or_else(overflow)?);
            return Ok(());
        }
        let missing = units.wrapping_sub(balance);
        let debt = self.debts.get(who).checked_add(missing).ok_or_else(overflow)?;
        self.balances.setter(who).setter(token).set(U256::ZERO);
        self.debts.setter(who).set(debt);
        self.change_total_debt(missing, true)
    }

    /// Pays down debt with `units`, and credits the rest to the balance.
    pub(crate) fn credit(&mut self, who: Address, units: U256) -> Result<()> {
        let token = self.settlement_token.get();
        let debt = self.debts.get(who);
        if debt >= units {
            self.debts.setter(who).set(debt.wrapping_sub(units));
            return self.change_total_debt(units, false);
        }
        if !debt.is_zero() {
            self.debts.setter(who).set(U256::ZERO);
            self.change_total_debt(debt, false)?;
        }
        let rest = loss_index::scaled_of(units.wrapping_sub(debt), self.loss_index(), false)?;
        let scaled = self
            .balances
            .getter(who)
            .get(token)
            .checked_add(rest)
            .ok_or_else(overflow)?;
        self.balances.setter(who).setter(token).set(scaled);
        Ok(())
    }
}
