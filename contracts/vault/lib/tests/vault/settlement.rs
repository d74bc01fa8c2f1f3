//! The link to the clearinghouse: connecting it (`set_clearinghouse`, `config`), `settle`
//! between settlement balances and into debt, the debt in collateral values, and withdrawals of
//! the settlement token into debt under the clearinghouse's margin check, answered by a fake
//! clearinghouse ([`FakeClearinghouse`]) that records what the vault sent it.
//!
//! The host has no transactions: an error raised after the vault wrote (the margin check of a
//! withdrawal, a settlement's credit after its debit) reverts the whole call on chain, which
//! undoes the writes; here those tests show the exact error, that no tokens moved and that no
//! event was emitted.

use alloy_primitives::{Address, I256, U256};
use alloy_sol_types::{SolCall, SolError};
use pm_test_host::{CallKind, FakeContract, Incoming, Outcome};
use pm_vault::errors::*;
use pm_vault::events::*;
use pm_vault::interfaces::IClearinghouse;

use crate::support::*;

const CLEARINGHOUSE: Address = Address::repeat_byte(0xC0);
const OTHER_CLEARINGHOUSE: Address = Address::repeat_byte(0xC1);
const CAROL: Address = Address::repeat_byte(0x0C);
/// An address with no code.
const NOBODY: Address = Address::repeat_byte(0x77);
/// One USD in 18 decimals.
const E18: i128 = 1_000_000_000_000_000_000;
/// One USD in USDC units (6 decimals).
const USDC_UNIT: u128 = 1_000_000;
/// USDC units in 18-decimal USD at $1.00 (8-decimal feed): 10^12.
const UNIT_TO_WAD: i128 = 1_000_000_000_000;

// ---------------------------------------------------------------------------------------------
// The fake clearinghouse and the chains
// ---------------------------------------------------------------------------------------------

/// How the fake clearinghouse answers `marginFor`.
#[derive(Clone, Debug)]
enum Answer {
    /// `(equity, initialMargin)` = (the collateral value received, `initial_margin`).
    EquityIsValue,
    /// Reverts.
    Reverts,
    /// These bytes, whether or not they decode.
    Raw(Vec<u8>),
}

/// A clearinghouse that answers `marginFor(account, collateralValue)` and records every call.
struct FakeClearinghouse {
    /// The initial margin it answers, USD with 18 decimals.
    initial_margin: I256,
    answer: Answer,
    /// Every `marginFor` received: (call kind, account, collateral value).
    received: Vec<(CallKind, Address, I256)>,
}

impl FakeContract for FakeClearinghouse {
    fn call(&mut self, call: &Incoming<'_>) -> Outcome {
        let Ok(c) = IClearinghouse::marginForCall::abi_decode(call.data) else {
            return Err(b"unknown call".to_vec());
        };
        self.received.push((call.kind, c.account, c.collateralValue));
        match &self.answer {
            Answer::EquityIsValue => Ok(IClearinghouse::marginForCall::abi_encode_returns_tuple(&(
                c.collateralValue,
                self.initial_margin,
            ))),
            Answer::Reverts => Err(b"margin check reverted".to_vec()),
            Answer::Raw(bytes) => Ok(bytes.clone()),
        }
    }
}

fn int(v: i128) -> I256 {
    I256::try_from(v).unwrap()
}

fn units(v: u128) -> U256 {
    U256::from(v)
}

/// `listed_chain` with a [`FakeClearinghouse`] (initial margin 0, equity = value) at
/// [`CLEARINGHOUSE`], not yet connected.
fn unconnected_chain() -> Chain {
    let chain = crate::listed_chain();
    chain.register(
        CLEARINGHOUSE,
        FakeClearinghouse {
            initial_margin: I256::ZERO,
            answer: Answer::EquityIsValue,
            received: Vec::new(),
        },
    );
    chain
}

/// `unconnected_chain` with the clearinghouse connected by the owner, settling in USDC (listed
/// with a 2% haircut, $1.00 on an 8-decimal feed).
fn connected_chain() -> Chain {
    let chain = unconnected_chain();
    chain
        .as_(OWNER)
        .vault()
        .set_clearinghouse(CLEARINGHOUSE, USDC)
        .unwrap();
    chain
}

/// Mints `amount` of `token` to `who`, who deposits it.
fn deposit(chain: &Chain, who: Address, token: Address, amount: u128) {
    chain.mint(token, who, amount);
    chain.as_(who).vault().deposit(token, U256::from(amount)).unwrap();
}

/// The clearinghouse settles `amount` (signed) from `counterparty` to `account`; panics on error.
fn settle(chain: &Chain, account: Address, counterparty: Address, amount: i128) {
    chain
        .as_(CLEARINGHOUSE)
        .vault()
        .settle(account, counterparty, int(amount))
        .unwrap();
    chain.assert_last_event(Settled {
        account,
        counterparty,
        amount: int(amount),
    });
}

/// `who`'s settlement-token (USDC) balance and debt, in units.
fn position(chain: &Chain, who: Address) -> (U256, U256) {
    let vault = chain.vault();
    (vault.balance_of(who, USDC), vault.debt_of(who))
}

fn set_initial_margin(chain: &Chain, initial_margin: I256) {
    chain.fake_mut(CLEARINGHOUSE, |c: &mut FakeClearinghouse| {
        c.initial_margin = initial_margin
    });
}

fn set_answer(chain: &Chain, answer: Answer) {
    chain.fake_mut(CLEARINGHOUSE, |c: &mut FakeClearinghouse| c.answer = answer);
}

fn received(chain: &Chain) -> Vec<(CallKind, Address, I256)> {
    chain.fake(CLEARINGHOUSE, |c: &FakeClearinghouse| c.received.clone())
}

/// Re-lists USDC on a 20-decimal feed answering $0.99999999999999999999, where a USDC unit is
/// worth 999,999,999,999.99999999 (18-decimal USD): valuations must round.
fn price_usdc_on_20_decimal_feed(chain: &Chain) {
    chain.feed_mut(USDC_FEED, |f| {
        f.decimals = 20;
        f.answer = int(99_999_999_999_999_999_999);
    });
    chain
        .as_(ADMIN)
        .vault()
        .set_collateral(USDC, USDC_FEED, 200, U256::from(10u128.pow(15)), 3600)
        .unwrap();
}

// ---------------------------------------------------------------------------------------------
// set_clearinghouse and config
// ---------------------------------------------------------------------------------------------

#[test]
fn set_clearinghouse_connects_and_config_shows_clearinghouse_and_settlement_token() {
    let chain = unconnected_chain();
    let before = chain.vault().config();
    assert_eq!((before.5, before.6), (Address::ZERO, Address::ZERO));
    chain
        .as_(OWNER)
        .vault()
        .set_clearinghouse(CLEARINGHOUSE, USDC)
        .unwrap();
    chain.assert_last_event(ClearinghouseSet {
        clearinghouse: CLEARINGHOUSE,
        settlementToken: USDC,
    });
    assert_eq!(
        chain.vault().config(),
        (ADMIN, GUARDIAN, false, Address::ZERO, 0, CLEARINGHOUSE, USDC)
    );
    // Connecting asks nothing of the clearinghouse.
    assert!(chain.calls_to(CLEARINGHOUSE).is_empty());
}

#[test]
fn set_clearinghouse_reverts_not_owner_for_any_other_caller() {
    let chain = unconnected_chain();
    for caller in [ADMIN, GUARDIAN, ALICE, CLEARINGHOUSE] {
        chain.assert_reverts_unchanged(
            || chain.as_(caller).vault().set_clearinghouse(CLEARINGHOUSE, USDC),
            NotOwner { caller },
        );
    }
    let config = chain.vault().config();
    assert_eq!((config.5, config.6), (Address::ZERO, Address::ZERO));
}

#[test]
fn set_clearinghouse_reverts_already_set_naming_the_current_clearinghouse() {
    let chain = connected_chain();
    chain.register(
        OTHER_CLEARINGHOUSE,
        FakeClearinghouse {
            initial_margin: I256::ZERO,
            answer: Answer::EquityIsValue,
            received: Vec::new(),
        },
    );
    let already = || ClearinghouseAlreadySet {
        clearinghouse: CLEARINGHOUSE,
    };
    // Another clearinghouse, the same one again, and arguments that would fail every later check:
    // the connection is checked first.
    for (clearinghouse, token) in [
        (OTHER_CLEARINGHOUSE, WETH),
        (CLEARINGHOUSE, USDC),
        (Address::ZERO, USDT),
    ] {
        chain.assert_reverts_unchanged(
            || chain.as_(OWNER).vault().set_clearinghouse(clearinghouse, token),
            already(),
        );
    }
    let config = chain.vault().config();
    assert_eq!((config.5, config.6), (CLEARINGHOUSE, USDC));
}

#[test]
fn set_clearinghouse_reverts_not_a_contract_for_zero_address_or_address_without_code() {
    let chain = unconnected_chain();
    for account in [Address::ZERO, NOBODY] {
        chain.assert_reverts_unchanged(
            || chain.as_(OWNER).vault().set_clearinghouse(account, USDC),
            NotAContract { account },
        );
    }
    // The code is checked before the settlement token.
    chain.assert_reverts_unchanged(
        || chain.as_(OWNER).vault().set_clearinghouse(NOBODY, USDT),
        NotAContract { account: NOBODY },
    );
}

#[test]
fn set_clearinghouse_reverts_collateral_not_listed_when_settlement_token_is_not_listed() {
    let chain = unconnected_chain();
    chain.add_token(USDT, TokenKind::Standard, 6);
    for token in [USDT, Address::ZERO] {
        chain.assert_reverts_unchanged(
            || chain.as_(OWNER).vault().set_clearinghouse(CLEARINGHOUSE, token),
            CollateralNotListed { token },
        );
    }
}

// ---------------------------------------------------------------------------------------------
// settle
// ---------------------------------------------------------------------------------------------

#[test]
fn settle_reverts_not_clearinghouse_for_any_caller_before_one_is_connected() {
    let chain = unconnected_chain();
    deposit(&chain, BOB, USDC, 100);
    // Not even the zero address, which is what the unset clearinghouse slot holds.
    for caller in [CLEARINGHOUSE, OWNER, ALICE, Address::ZERO] {
        chain.assert_reverts_unchanged(
            || chain.as_(caller).vault().settle(ALICE, BOB, int(1)),
            NotClearinghouse { caller },
        );
    }
}

#[test]
fn settle_reverts_not_clearinghouse_for_any_caller_but_the_clearinghouse() {
    let chain = connected_chain();
    deposit(&chain, BOB, USDC, 100);
    for caller in [OWNER, ADMIN, ALICE, BOB, VAULT, Address::ZERO] {
        for amount in [1, -1] {
            chain.assert_reverts_unchanged(
                || chain.as_(caller).vault().settle(ALICE, BOB, int(amount)),
                NotClearinghouse { caller },
            );
        }
    }
}

#[test]
fn settle_reverts_zero_address_for_either_side() {
    let chain = connected_chain();
    deposit(&chain, BOB, USDC, 100);
    deposit(&chain, ALICE, USDC, 100);
    for (account, counterparty) in [
        (Address::ZERO, BOB),
        (ALICE, Address::ZERO),
        (Address::ZERO, Address::ZERO),
    ] {
        for amount in [1, -1, 0] {
            chain.assert_reverts_unchanged(
                || {
                    chain
                        .as_(CLEARINGHOUSE)
                        .vault()
                        .settle(account, counterparty, int(amount))
                },
                ZeroAddress {},
            );
        }
    }
}

#[test]
fn settle_positive_amount_moves_units_from_counterparty_to_account() {
    let chain = connected_chain();
    deposit(&chain, BOB, USDC, 1_000);
    let calls = chain.calls().len();
    settle(&chain, ALICE, BOB, 400);
    assert_eq!(position(&chain, ALICE), (units(400), U256::ZERO));
    assert_eq!(position(&chain, BOB), (units(600), U256::ZERO));
    // A ledger move: no token moves, the total deposited is unchanged, nothing is called.
    assert_eq!(chain.vault().collateral_config(USDC).4, units(1_000));
    assert_eq!(chain.token_balance(USDC, VAULT), units(1_000));
    assert_eq!(chain.calls().len(), calls);
}

#[test]
fn settle_negative_amount_moves_units_from_account_to_counterparty() {
    let chain = connected_chain();
    deposit(&chain, ALICE, USDC, 1_000);
    settle(&chain, ALICE, BOB, -250);
    assert_eq!(position(&chain, ALICE), (units(750), U256::ZERO));
    assert_eq!(position(&chain, BOB), (units(250), U256::ZERO));
    assert_eq!(chain.vault().collateral_config(USDC).4, units(1_000));
}

#[test]
fn settle_puts_a_payer_whose_balance_runs_out_into_debt_with_a_zero_balance() {
    let chain = connected_chain();
    deposit(&chain, BOB, USDC, 100);
    settle(&chain, ALICE, BOB, 300);
    assert_eq!(position(&chain, BOB), (U256::ZERO, units(200)));
    assert_eq!(position(&chain, ALICE), (units(300), U256::ZERO));
    // More debt adds up, whichever side of the call the payer is on.
    settle(&chain, BOB, CAROL, -50);
    assert_eq!(position(&chain, BOB), (U256::ZERO, units(250)));
    assert_eq!(position(&chain, CAROL), (units(50), U256::ZERO));
    // A payer paying exactly its balance ends with neither balance nor debt.
    settle(&chain, CAROL, ALICE, 300);
    assert_eq!(position(&chain, ALICE), (U256::ZERO, U256::ZERO));
    assert_eq!(position(&chain, CAROL), (units(350), U256::ZERO));
}

#[test]
fn settle_credit_pays_the_debt_first_and_only_the_rest_lands_in_the_balance() {
    let chain = connected_chain();
    deposit(&chain, CAROL, USDC, 1_000);
    settle(&chain, ALICE, BOB, 250);
    assert_eq!(position(&chain, BOB), (U256::ZERO, units(250)));
    // Less than the debt: the debt shrinks, the balance stays zero.
    settle(&chain, BOB, CAROL, 100);
    assert_eq!(position(&chain, BOB), (U256::ZERO, units(150)));
    // More than the debt: the debt is paid, the rest is the balance.
    settle(&chain, BOB, CAROL, 200);
    assert_eq!(position(&chain, BOB), (units(50), U256::ZERO));
    // Exactly the debt: neither remains.
    settle(&chain, ALICE, BOB, 130);
    assert_eq!(position(&chain, BOB), (U256::ZERO, units(80)));
    settle(&chain, CAROL, BOB, -80);
    assert_eq!(position(&chain, BOB), (U256::ZERO, U256::ZERO));
    assert_eq!(position(&chain, CAROL), (units(620), U256::ZERO));
}

/// The settlement invariant, after every step of a fixed sequence (each case: into debt, out of
/// debt, exact, zero, an account settling with itself) and of 300 pseudo-random steps (fixed
/// seed): no account has both a balance and a debt, balance − debt is what the settlements
/// moved, and the accounts' balances minus debts add up to the total deposited.
#[test]
fn settle_never_leaves_an_account_with_both_balance_and_debt() {
    let chain = connected_chain();
    let accounts = [ALICE, BOB, CAROL];
    deposit(&chain, ALICE, USDC, 1_000);
    deposit(&chain, BOB, USDC, 500);
    let total = 1_500i128;
    let mut net = [1_000i128, 500, 0];

    let check = |net: &[i128; 3], step: &str| {
        let mut sum = 0i128;
        for (i, who) in accounts.iter().enumerate() {
            let (balance, debt) = position(&chain, *who);
            assert!(
                balance.is_zero() || debt.is_zero(),
                "{step}: {who} has balance {balance} and debt {debt}"
            );
            let held = balance.to::<u128>() as i128 - debt.to::<u128>() as i128;
            assert_eq!(held, net[i], "{step}: {who}'s balance − debt");
            sum += held;
        }
        assert_eq!(sum, total, "{step}: balances − debts");
        assert_eq!(
            chain.vault().collateral_config(USDC).4,
            U256::from(total as u128),
            "{step}: total deposited"
        );
    };
    let step = |net: &mut [i128; 3], a: usize, c: usize, amount: i128, name: &str| {
        settle(&chain, accounts[a], accounts[c], amount);
        net[a] += amount;
        net[c] -= amount;
        check(net, name);
    };

    check(&net, "start");
    let fixed: [(usize, usize, i128); 12] = [
        (0, 1, 300),    // BOB pays 300 of his 500
        (0, 1, 400),    // BOB pays 400 with 200 left: 200 of debt
        (2, 0, -100),   // CAROL, with nothing, pays 100: debt
        (1, 2, 50),     // CAROL pays BOB 50: her debt grows, his shrinks
        (1, 0, 150),    // ALICE pays BOB exactly his debt
        (1, 0, 1),      // one unit into an empty account
        (2, 2, 77),     // CAROL settles with herself, in debt: nothing changes
        (0, 0, -5_000), // ALICE settles with herself, beyond her balance: nothing changes
        (0, 2, 0),      // zero
        (2, 0, 2_000),  // ALICE pays beyond her balance, CAROL's debt is paid and more
        (0, 2, 2_000),  // and back
        (2, 1, -1),     // CAROL pays BOB one unit
    ];
    for (i, (a, c, amount)) in fixed.into_iter().enumerate() {
        step(&mut net, a, c, amount, &format!("fixed step {i}"));
    }
    let mut seed: u64 = 0x5EED_5E77;
    let mut next = || {
        seed = seed
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        seed >> 33
    };
    for i in 0..300 {
        let a = (next() % 3) as usize;
        let c = (next() % 3) as usize;
        let amount = (next() % 3_001) as i128 - 1_500;
        step(&mut net, a, c, amount, &format!("random step {i}"));
    }
}

/// `int256`'s minimum has no positive counterpart, but its magnitude (2^255) fits a `uint256`:
/// the vault moves it like any amount.
#[test]
fn settle_moves_int256_min_as_two_to_the_255_units() {
    let chain = connected_chain();
    chain
        .as_(CLEARINGHOUSE)
        .vault()
        .settle(ALICE, BOB, I256::MIN)
        .unwrap();
    chain.assert_last_event(Settled {
        account: ALICE,
        counterparty: BOB,
        amount: I256::MIN,
    });
    let half = U256::from(1u8) << 255;
    assert_eq!(position(&chain, ALICE), (U256::ZERO, half));
    assert_eq!(position(&chain, BOB), (half, U256::ZERO));
}

#[test]
fn settle_reverts_arithmetic_overflow_when_a_debt_would_pass_uint256_and_changes_nothing() {
    let chain = connected_chain();
    let half = U256::from(1u8) << 255;
    chain
        .as_(CLEARINGHOUSE)
        .vault()
        .settle(ALICE, BOB, I256::MIN)
        .unwrap();
    // 2^255 + 2^255 = 2^256: one more than a uint256 holds. The debt is computed before any write.
    chain.assert_reverts_unchanged(
        || chain.as_(CLEARINGHOUSE).vault().settle(ALICE, CAROL, I256::MIN),
        ArithmeticOverflow {},
    );
    // 2^255 + (2^255 − 1) = uint256's maximum: still a debt.
    chain
        .as_(CLEARINGHOUSE)
        .vault()
        .settle(CAROL, ALICE, I256::MAX)
        .unwrap();
    assert_eq!(position(&chain, ALICE), (U256::ZERO, U256::MAX));
    assert_eq!(position(&chain, CAROL), (U256::MAX - half, U256::ZERO));
    chain.assert_reverts_unchanged(
        || chain.as_(CLEARINGHOUSE).vault().settle(CAROL, ALICE, int(1)),
        ArithmeticOverflow {},
    );
    assert_eq!(position(&chain, ALICE), (U256::ZERO, U256::MAX));
}

/// The credit comes after the payer's debit: on chain the revert undoes the debit; here the
/// error, the missing event and the payee's unchanged balance are what we see.
#[test]
fn settle_reverts_arithmetic_overflow_when_a_credit_would_pass_uint256() {
    let chain = connected_chain();
    chain
        .as_(CLEARINGHOUSE)
        .vault()
        .settle(BOB, ALICE, I256::MAX)
        .unwrap();
    chain
        .as_(CLEARINGHOUSE)
        .vault()
        .settle(CAROL, BOB, I256::MIN)
        .unwrap();
    // (2^255 − 1) + 2^255 = uint256's maximum: still a balance.
    assert_eq!(position(&chain, BOB), (U256::MAX, U256::ZERO));
    let logs = chain.logs().len();
    assert_reverts(
        chain.as_(CLEARINGHOUSE).vault().settle(BOB, CAROL, int(1)),
        ArithmeticOverflow {},
    );
    assert_eq!(chain.logs().len(), logs, "a log was emitted");
    assert_eq!(position(&chain, BOB), (U256::MAX, U256::ZERO));
}

// ---------------------------------------------------------------------------------------------
// collateral_value with debt
// ---------------------------------------------------------------------------------------------

/// 123.456789 USDC at $0.99999999999999999999 is worth 123.456788999999999998|76543211 USD:
/// as a debt it counts 123.456788999999999999 (up), as a balance 123.456788999999999998
/// (down), so the vault never counts more than exists.
#[test]
fn collateral_value_subtracts_the_settlement_debt_rounded_up() {
    let chain = connected_chain();
    price_usdc_on_20_decimal_feed(&chain);
    deposit(&chain, ALICE, WETH, 10u128.pow(18)); // 1 WETH: 3,000 × 0.90 = 2,700
    let weth = 2_700 * E18;
    settle(&chain, BOB, ALICE, 123_456_789);
    assert_eq!(position(&chain, ALICE), (U256::ZERO, units(123_456_789)));
    assert_eq!(
        chain.vault().collateral_value(ALICE).unwrap(),
        int(weth - 123_456_788_999_999_999_999)
    );
    assert_eq!(
        chain.vault().collateral_value(BOB).unwrap(),
        int(123_456_788_999_999_999_998)
    );
    // A debt alone: the value is negative.
    settle(&chain, CAROL, BOB, -1);
    assert_eq!(position(&chain, CAROL), (U256::ZERO, units(1)));
    assert_eq!(
        chain.vault().collateral_value(CAROL).unwrap(),
        int(-1_000_000_000_000)
    );
    // Paid back and 1,000 units more: the debt is gone, only the balance counts (down).
    settle(&chain, ALICE, CAROL, 123_457_789);
    assert_eq!(position(&chain, ALICE), (units(1_000), U256::ZERO));
    assert_eq!(
        chain.vault().collateral_value(ALICE).unwrap(),
        int(weth + 999_999_999_999_999)
    );
}

#[test]
fn collateral_value_counts_the_settlement_token_without_its_haircut() {
    let chain = unconnected_chain();
    deposit(&chain, ALICE, USDC, 1_000 * USDC_UNIT);
    // Before the connection USDC is plain collateral with its 2% haircut.
    assert_eq!(chain.vault().collateral_value(ALICE).unwrap(), int(980 * E18));
    chain
        .as_(OWNER)
        .vault()
        .set_clearinghouse(CLEARINGHOUSE, USDC)
        .unwrap();
    assert_eq!(chain.vault().collateral_value(ALICE).unwrap(), int(1_000 * E18));
    // Even listed with a 50% haircut, the settlement token counts in full.
    chain
        .as_(ADMIN)
        .vault()
        .set_collateral(USDC, USDC_FEED, 5_000, U256::from(10u128.pow(15)), 3600)
        .unwrap();
    // (Once the haircut has ramped in: a day of hourly advances.)
    for hour in 1..=24 {
        let now = NOW + hour * pm_common::ramp::MAX_STEP;
        chain.set_time(now);
        for feed in [USDC_FEED, ETH_FEED] {
            chain.feed_mut(feed, |f| f.updated_at = now);
        }
        chain.vault().advance_haircut(USDC).unwrap();
    }
    assert_eq!(chain.vault().collateral_config(USDC).1, 5_000);
    assert_eq!(chain.vault().collateral_value(ALICE).unwrap(), int(1_000 * E18));
    // A debt has no haircut either.
    settle(&chain, BOB, ALICE, (1_300 * USDC_UNIT) as i128);
    assert_eq!(chain.vault().collateral_value(ALICE).unwrap(), int(-300 * E18));
}

#[test]
fn collateral_value_prices_a_debt_even_without_any_balance() {
    let chain = connected_chain();
    settle(&chain, ALICE, BOB, 5 * USDC_UNIT as i128);
    assert_eq!(position(&chain, BOB), (U256::ZERO, units(5 * USDC_UNIT)));
    chain.feed_mut(USDC_FEED, |f| f.updated_at = NOW - 3601);
    assert_reverts(
        chain.vault().collateral_value(BOB),
        StalePrice {
            oracle: USDC_FEED,
            updatedAt: U256::from(NOW - 3601),
            heartbeat: U256::from(3600u32),
            timestamp: U256::from(NOW),
        },
    );
    chain.feed_mut(USDC_FEED, |f| f.updated_at = NOW);
    assert_eq!(chain.vault().collateral_value(BOB).unwrap(), int(-5 * E18));
}

// ---------------------------------------------------------------------------------------------
// withdraw with a clearinghouse
// ---------------------------------------------------------------------------------------------

/// `connected_chain` with an initial margin of $1,000, CAROL holding 10,000 USDC in the vault
/// and ALICE 1 WETH ($2,700 after haircut) and 300 USDC: $3,000 of collateral.
fn margin_chain() -> Chain {
    let chain = connected_chain();
    set_initial_margin(&chain, int(1_000 * E18));
    deposit(&chain, CAROL, USDC, 10_000 * USDC_UNIT);
    deposit(&chain, ALICE, WETH, 10u128.pow(18));
    deposit(&chain, ALICE, USDC, 300 * USDC_UNIT);
    assert_eq!(chain.vault().collateral_value(ALICE).unwrap(), int(3_000 * E18));
    chain
}

/// Asserts that ALICE's withdrawal of `amount` of `token` to BOB fails with `expected`, moving no
/// token and emitting no event (a failure after the debit: on chain the revert undoes it).
fn assert_withdrawal_fails<E: SolError>(chain: &Chain, token: Address, amount: U256, expected: E) {
    let (wallet, held) = (chain.token_balance(token, BOB), chain.token_balance(token, VAULT));
    let logs = chain.logs().len();
    assert_reverts(chain.as_(ALICE).vault().withdraw(token, amount, BOB), expected);
    assert_eq!(
        chain.token_balance(token, BOB),
        wallet,
        "tokens reached the recipient"
    );
    assert_eq!(chain.token_balance(token, VAULT), held, "tokens left the vault");
    assert_eq!(chain.logs().len(), logs, "a log was emitted");
}

#[test]
fn withdraw_of_settlement_token_beyond_balance_becomes_debt_and_sends_the_whole_amount() {
    let chain = margin_chain();
    chain
        .as_(ALICE)
        .vault()
        .withdraw(USDC, units(500 * USDC_UNIT), BOB)
        .unwrap();
    chain.assert_last_event(Withdrawn {
        account: ALICE,
        token: USDC,
        to: BOB,
        amount: units(500 * USDC_UNIT),
    });
    assert_eq!(position(&chain, ALICE), (U256::ZERO, units(200 * USDC_UNIT)));
    assert_eq!(chain.token_balance(USDC, BOB), units(500 * USDC_UNIT));
    assert_eq!(chain.token_balance(USDC, VAULT), units(9_800 * USDC_UNIT));
    // What the vault holds for its accounts: CAROL's 10,000 less ALICE's 200 of debt.
    assert_eq!(chain.vault().collateral_config(USDC).4, units(9_800 * USDC_UNIT));
}

#[test]
fn withdraw_asks_the_clearinghouse_with_the_collateral_value_after_the_withdrawal() {
    let chain = margin_chain();
    chain
        .as_(ALICE)
        .vault()
        .withdraw(USDC, units(500 * USDC_UNIT), BOB)
        .unwrap();
    // 2,700 of WETH, the 300 USDC balance gone and 200 of debt counted in full (no haircut).
    let after = int(2_500 * E18);
    assert_eq!(received(&chain), vec![(CallKind::Static, ALICE, after)]);
    assert_eq!(chain.vault().collateral_value(ALICE).unwrap(), after);
    let calls = chain.calls_to(CLEARINGHOUSE);
    assert_eq!(calls.len(), 1);
    assert_eq!(
        calls[0].data,
        IClearinghouse::marginForCall {
            account: ALICE,
            collateralValue: after,
        }
        .abi_encode()
    );
}

#[test]
fn withdraw_asks_the_clearinghouse_with_the_debt_rounded_up() {
    let chain = margin_chain();
    price_usdc_on_20_decimal_feed(&chain);
    set_initial_margin(&chain, I256::ZERO);
    chain
        .as_(ALICE)
        .vault()
        .withdraw(USDC, units(300 * USDC_UNIT + 123_456_789), BOB)
        .unwrap();
    assert_eq!(position(&chain, ALICE), (U256::ZERO, units(123_456_789)));
    assert_eq!(
        received(&chain),
        vec![(
            CallKind::Static,
            ALICE,
            int(2_700 * E18 - 123_456_788_999_999_999_999)
        )]
    );
}

#[test]
fn withdraw_reverts_insufficient_margin_when_equity_would_fall_below_initial_margin() {
    let chain = margin_chain();
    // 3,000 − 2,000.000001 = 999.999999 against 1,000: short by 0.000001 USD.
    let amount = units(2_000 * USDC_UNIT + 1);
    let equity = int(999_999_999 * UNIT_TO_WAD);
    assert_withdrawal_fails(
        &chain,
        USDC,
        amount,
        InsufficientMargin {
            account: ALICE,
            equity,
            initialMargin: int(1_000 * E18),
            shortfall: U256::from(UNIT_TO_WAD as u128),
        },
    );
    assert_eq!(received(&chain), vec![(CallKind::Static, ALICE, equity)]);
}

#[test]
fn withdraw_passes_when_equity_lands_exactly_on_initial_margin() {
    let chain = margin_chain();
    chain
        .as_(ALICE)
        .vault()
        .withdraw(USDC, units(2_000 * USDC_UNIT), BOB)
        .unwrap();
    assert_eq!(
        received(&chain),
        vec![(CallKind::Static, ALICE, int(1_000 * E18))]
    );
    assert_eq!(position(&chain, ALICE), (U256::ZERO, units(1_700 * USDC_UNIT)));
    assert_eq!(chain.token_balance(USDC, BOB), units(2_000 * USDC_UNIT));
}

#[test]
fn withdraw_of_other_collateral_is_margin_checked_against_the_debt() {
    let chain = margin_chain();
    chain
        .as_(ALICE)
        .vault()
        .withdraw(USDC, units(2_000 * USDC_UNIT), BOB)
        .unwrap();
    // One wei of WETH less: (10^18 − 1) × 3,000 × 0.9 = 2,700 − 2,700e-18 USD, less 1,700 of debt.
    let equity = int(1_000 * E18 - 2_700);
    assert_withdrawal_fails(
        &chain,
        WETH,
        units(1),
        InsufficientMargin {
            account: ALICE,
            equity,
            initialMargin: int(1_000 * E18),
            shortfall: units(2_700),
        },
    );
    assert_eq!(received(&chain).last(), Some(&(CallKind::Static, ALICE, equity)));
}

#[test]
fn withdraw_reverts_margin_check_failed_when_the_clearinghouse_reverts() {
    for (token, amount) in [(USDC, 1), (USDC, 500 * USDC_UNIT), (WETH, 1)] {
        let chain = margin_chain();
        set_answer(&chain, Answer::Reverts);
        assert_withdrawal_fails(
            &chain,
            token,
            units(amount),
            MarginCheckFailed {
                clearinghouse: CLEARINGHOUSE,
            },
        );
        let calls = chain.calls_to(CLEARINGHOUSE);
        assert_eq!(calls.len(), 1);
        assert!(calls[0].reverted);
    }
}

#[test]
fn withdraw_reverts_margin_check_failed_when_the_answer_is_shorter_than_two_words() {
    let two_words = IClearinghouse::marginForCall::abi_encode_returns_tuple(&(int(5), int(5)));
    assert_eq!(two_words.len(), 64);
    for len in [0, 1, 32, 63] {
        let chain = margin_chain();
        set_answer(&chain, Answer::Raw(two_words[..len].to_vec()));
        assert_withdrawal_fails(
            &chain,
            USDC,
            units(1),
            MarginCheckFailed {
                clearinghouse: CLEARINGHOUSE,
            },
        );
    }
    // Two words decode: equity 5 at an initial margin of 5 passes.
    let chain = margin_chain();
    set_answer(&chain, Answer::Raw(two_words));
    chain.as_(ALICE).vault().withdraw(USDC, units(1), BOB).unwrap();
    assert_eq!(chain.token_balance(USDC, BOB), units(1));
}

#[test]
fn withdraw_of_other_collateral_never_goes_beyond_its_balance_even_with_a_clearinghouse() {
    let chain = margin_chain();
    // A clearinghouse that would allow anything.
    set_initial_margin(&chain, I256::MIN);
    let one_weth = units(10u128.pow(18));
    chain.assert_reverts_unchanged(
        || {
            chain
                .as_(ALICE)
                .vault()
                .withdraw(WETH, one_weth + units(1), ALICE)
        },
        InsufficientBalance {
            account: ALICE,
            token: WETH,
            balance: one_weth,
            amount: one_weth + units(1),
        },
    );
    chain.assert_reverts_unchanged(
        || chain.as_(BOB).vault().withdraw(WETH, units(1), BOB),
        InsufficientBalance {
            account: BOB,
            token: WETH,
            balance: U256::ZERO,
            amount: units(1),
        },
    );
    assert!(received(&chain).is_empty());
    assert_eq!(chain.vault().debt_of(ALICE), U256::ZERO);
}

/// Withdrawing into debt borrows what other accounts hold: beyond what the vault holds for its
/// accounts (the total deposited) it is `ArithmeticOverflow`, before the margin check is asked.
#[test]
fn withdraw_of_settlement_token_beyond_what_the_vault_holds_reverts_arithmetic_overflow() {
    let chain = margin_chain();
    set_initial_margin(&chain, I256::MIN);
    assert_eq!(chain.vault().collateral_config(USDC).4, units(10_300 * USDC_UNIT));
    assert_withdrawal_fails(&chain, USDC, units(10_300 * USDC_UNIT + 1), ArithmeticOverflow {});
    assert!(received(&chain).is_empty());
}

// ---------------------------------------------------------------------------------------------
// Bugs
// ---------------------------------------------------------------------------------------------

/// The settlement invariant (`settlement.rs`: "an account never has both a settlement-token
/// balance and a debt") breaks on a deposit: `deposit_into` adds to the balance without paying
/// the debt, and `account_collateral_value` then counts the debt and skips the balance, so the
/// deposit adds nothing to the account's collateral value. Today: balance 150 USDC and debt 200
/// USDC side by side, a value of $2,500 instead of $2,650; an account short of margin cannot
/// cure it by depositing the settlement token (only a `settle` credit pays a debt).
#[test]
fn deposit_of_settlement_token_pays_the_debt_first() {
    let chain = margin_chain();
    chain
        .as_(ALICE)
        .vault()
        .withdraw(USDC, units(500 * USDC_UNIT), BOB)
        .unwrap();
    assert_eq!(position(&chain, ALICE), (U256::ZERO, units(200 * USDC_UNIT)));
    deposit(&chain, ALICE, USDC, 150 * USDC_UNIT);
    assert_eq!(
        chain.vault().collateral_value(ALICE).unwrap(),
        int(2_650 * E18),
        "the deposit counts"
    );
    assert_eq!(position(&chain, ALICE), (U256::ZERO, units(50 * USDC_UNIT)));
}

// The generated constructor of the eight-field `Liquidated` event.
#[allow(clippy::too_many_arguments)]
mod generated {
    alloy_sol_types::sol!("../../../abi/IClearinghouse.sol");
}

/// The vault's own declaration of `marginFor` is the clearinghouse's, as generated from its
/// program: same selector, same arguments and answer.
#[test]
fn the_vaults_margin_for_is_the_clearinghouses() {
    use alloy_sol_types::SolCall;
    use pm_vault::interfaces::IClearinghouse as Declared;
    assert_eq!(
        Declared::marginForCall::SELECTOR,
        generated::IClearinghouse::marginForCall::SELECTOR
    );
    let answer = generated::IClearinghouse::marginForCall::abi_encode_returns(
        &generated::IClearinghouse::marginForReturn {
            equity: alloy_primitives::I256::try_from(7).unwrap(),
            initialMargin: alloy_primitives::I256::try_from(-3).unwrap(),
        },
    );
    let decoded = Declared::marginForCall::abi_decode_returns(&answer).unwrap();
    assert_eq!(
        (decoded.equity, decoded.initialMargin),
        (
            alloy_primitives::I256::try_from(7).unwrap(),
            alloy_primitives::I256::try_from(-3).unwrap()
        )
    );
}

// ---------------------------------------------------------------------------------------------
// Collateral for debt in a liquidation (`seize_collateral`)
// ---------------------------------------------------------------------------------------------

const WEI: u128 = 1_000_000_000_000_000_000;

/// The clearinghouse sells `account`'s collateral to `liquidator`; the shortfall it answers.
fn seize(chain: &Chain, account: Address, liquidator: Address) -> U256 {
    chain
        .as_(CLEARINGHOUSE)
        .vault()
        .seize_collateral(account, liquidator)
        .unwrap()
}

/// `connected_chain` with ALICE holding 1 WETH ($3,000, 10% haircut) and owing `debt` USDC
/// units to BOB.
fn indebted_chain(debt: u128) -> Chain {
    let chain = connected_chain();
    deposit(&chain, ALICE, WETH, WEI);
    settle(&chain, ALICE, BOB, -(debt as i128));
    assert_eq!(position(&chain, ALICE), (U256::ZERO, units(debt)));
    chain
}

#[test]
fn seize_collateral_sells_just_enough_at_half_the_haircut_off_to_bring_the_value_back_to_zero() {
    // 2,800 owed on 1 WETH ($3,000, 10% haircut): a collateral value of 2,700 − 2,800 = −100.
    let chain = indebted_chain(2_800 * USDC_UNIT);
    assert_eq!(chain.vault().collateral_value(ALICE).unwrap(), int(-100 * E18));
    let owed = seize(&chain, ALICE, CAROL);
    // WETH stays with her: the shortfall is zero.
    assert_eq!(owed, U256::ZERO);
    // The deficit 100, and a hair (1 bp of the 2,800 owed and a cent): 100.29, needs
    // 100.29 · 0.95 / 0.05 = 1,905.51 paid, at 2,850 a WETH (5% off).
    let paid = units(1_905_510_000);
    assert_eq!(position(&chain, ALICE), (U256::ZERO, units(894_490_000)));
    let taken = chain.vault().balance_of(CAROL, WETH);
    let exact = U256::from(1_905_510_000u128 * WEI) / U256::from(2_850_000_000u128);
    assert!(taken == exact || taken == exact + U256::from(1u8), "{taken}");
    assert_eq!(chain.vault().balance_of(ALICE, WETH), units(WEI) - taken);
    // CAROL held no USDC: she paid by borrowing it (the clearinghouse checks her margin).
    assert_eq!(position(&chain, CAROL), (U256::ZERO, paid));
    chain.assert_last_event(CollateralSeized {
        account: ALICE,
        liquidator: CAROL,
        token: WETH,
        amount: taken,
        paid,
    });
    // Back to a value of zero and a hair above (about 0.29), no further.
    let value = chain.vault().collateral_value(ALICE).unwrap();
    assert!(value >= I256::ZERO && value < int(E18), "{value}");
}

#[test]
fn seize_collateral_does_nothing_while_the_collateral_value_is_not_negative() {
    // 2,700 owed on 1 WETH worth 2,700 at its haircut: a loan within its haircut.
    let chain = indebted_chain(2_700 * USDC_UNIT);
    let before = chain.storage_snapshot();
    let owed = seize(&chain, ALICE, CAROL);
    assert_eq!(owed, U256::ZERO);
    assert_eq!(chain.storage_snapshot(), before);
}

/// Insolvent even at the oracle price: the keeper's discount is its 1% fee, not half the haircut
/// (the creditors pay it, so a second account of the same owner gains no more).
#[test]
fn seize_collateral_takes_all_of_a_collateral_that_falls_short_and_leaves_the_rest_owed() {
    let chain = indebted_chain(5_000 * USDC_UNIT);
    chain.mint(USDC, CAROL, 10_000 * USDC_UNIT);
    deposit(&chain, CAROL, USDC, 10_000 * USDC_UNIT);
    let owed = seize(&chain, ALICE, CAROL);
    // 1 WETH at 3,000 less 1%: 2,970 of the 5,000.
    assert_eq!(owed, units(2_030 * USDC_UNIT));
    assert_eq!(chain.vault().balance_of(ALICE, WETH), U256::ZERO);
    assert_eq!(chain.vault().balance_of(CAROL, WETH), units(WEI));
    assert_eq!(position(&chain, ALICE), (U256::ZERO, units(2_030 * USDC_UNIT)));
    assert_eq!(position(&chain, CAROL), (units(7_030 * USDC_UNIT), U256::ZERO));
}

/// Between half the haircut and the fee: the account's surplus at the oracle price goes to the
/// keeper, and the debt is paid in full.
#[test]
fn seize_collateral_gives_the_keeper_the_accounts_surplus_when_it_is_below_half_the_haircut() {
    // 2,940 owed on 1 WETH at 3,000: a surplus of 60, 2% of the WETH.
    let chain = indebted_chain(2_940 * USDC_UNIT);
    let owed = seize(&chain, ALICE, CAROL);
    assert_eq!(owed, U256::ZERO);
    // 2,940 / 2,940 (3,000 less 2%): the whole WETH, to the wei.
    assert_eq!(chain.vault().balance_of(CAROL, WETH), units(WEI));
    assert_eq!(position(&chain, ALICE), (U256::ZERO, U256::ZERO));
}

#[test]
fn seize_collateral_sells_the_largest_haircut_first() {
    // 3,500 owed on 1 WETH (2,700 at its haircut) and 1,000 USDT at $1.00 with a 30% haircut
    // (700): a value of −100. USDT is riskier than WETH, so it goes first, and alone.
    let chain = indebted_chain(3_500 * USDC_UNIT);
    chain.add_token(USDT, TokenKind::Standard, 6);
    chain
        .as_(ADMIN)
        .vault()
        .set_collateral(USDT, USDC_FEED, 3_000, U256::from(10u128.pow(15)), 3600)
        .unwrap();
    deposit(&chain, ALICE, USDT, 1_000 * USDC_UNIT);
    seize(&chain, ALICE, CAROL);
    // Worth 4,000 at the oracle prices for 3,500 owed: all of it at 15% off (3,400) would not
    // pay the debt, so the keeper gets the account's surplus, 500 of 4,000: 12.5% off. The
    // deficit 100 and a hair (0.35 + 0.01) needs 100.36 · 0.875 / 0.175 = 501.8 paid:
    // 573.485715 USDT, rounded up.
    assert_eq!(chain.vault().balance_of(CAROL, USDT), units(573_485_715));
    assert_eq!(chain.vault().balance_of(CAROL, WETH), U256::ZERO);
    assert_eq!(chain.vault().balance_of(ALICE, WETH), units(WEI));
    let value = chain.vault().collateral_value(ALICE).unwrap();
    assert!(value >= I256::ZERO && value < int(E18), "{value}");
}

#[test]
fn seize_collateral_refuses_any_caller_but_the_clearinghouse_and_does_nothing_without_debt() {
    let chain = indebted_chain(2_700 * USDC_UNIT);
    let before = chain.storage_snapshot();
    assert_reverts(
        chain.as_(CAROL).vault().seize_collateral(ALICE, CAROL),
        NotClearinghouse { caller: CAROL },
    );
    assert_reverts(
        chain
            .as_(CLEARINGHOUSE)
            .vault()
            .seize_collateral(ALICE, Address::ZERO),
        ZeroAddress {},
    );
    assert_eq!(chain.storage_snapshot(), before);
    // BOB owes nothing: nothing of his moves.
    deposit(&chain, BOB, WETH, WEI);
    let before = chain.storage_snapshot();
    let owed = seize(&chain, BOB, CAROL);
    assert_eq!(owed, U256::ZERO);
    assert_eq!(chain.storage_snapshot(), before);
}

// ---------------------------------------------------------------------------------------------
// Socialising a debt nothing is left to pay (`socialise_debt`)
// ---------------------------------------------------------------------------------------------

/// ALICE owes BOB 1,000 USDC with nothing to pay it; CAROL holds 3,000 USDC.
fn defaulted_chain() -> Chain {
    let chain = connected_chain();
    settle(&chain, ALICE, BOB, -1_000 * USDC_UNIT as i128);
    deposit(&chain, CAROL, USDC, 3_000 * USDC_UNIT);
    assert_eq!(chain.vault().settlement_ledger().1, units(1_000 * USDC_UNIT));
    chain
}

#[test]
fn socialise_debt_writes_it_off_against_every_balance_pro_rata_and_the_vault_can_pay_them_all() {
    let chain = defaulted_chain();
    let written_off = chain.as_(CLEARINGHOUSE).vault().socialise_debt(ALICE).unwrap();
    assert_eq!(written_off, units(1_000 * USDC_UNIT));
    // Claims were 4,000 (3,000 held, 1,000 owed): every balance keeps 75%.
    let (index, total_debt) = chain.vault().settlement_ledger();
    assert_eq!(index, U256::from(750_000_000_000_000_000u128));
    assert_eq!(total_debt, U256::ZERO);
    chain.assert_last_event(DebtSocialised {
        account: ALICE,
        amount: written_off,
        lossIndex: index,
    });
    assert_eq!(position(&chain, ALICE), (U256::ZERO, U256::ZERO));
    assert_eq!(position(&chain, BOB), (units(750 * USDC_UNIT), U256::ZERO));
    assert_eq!(position(&chain, CAROL), (units(2_250 * USDC_UNIT), U256::ZERO));
    // Everyone withdraws everything, and the vault holds exactly enough.
    for (who, amount) in [(CAROL, 2_250), (BOB, 750)] {
        chain
            .as_(who)
            .vault()
            .withdraw(USDC, units(amount * USDC_UNIT), who)
            .unwrap();
        assert_eq!(position(&chain, who), (U256::ZERO, U256::ZERO));
    }
    assert_eq!(chain.token_balance(USDC, VAULT), U256::ZERO);
    // Settling after the loss rounds against the holders: a credit of 1 unit adds 1 scaled
    // unit (0.75 of a unit: nothing withdrawable), a debit of 1 takes 2.
    settle(&chain, BOB, CAROL, 1);
    assert_eq!(position(&chain, BOB), (U256::ZERO, U256::ZERO));
    assert_eq!(position(&chain, CAROL), (U256::ZERO, units(1)));
}

#[test]
fn socialise_debt_refuses_while_collateral_remains_or_for_any_caller_but_the_clearinghouse() {
    let chain = defaulted_chain();
    deposit(&chain, ALICE, WETH, 1);
    let before = chain.storage_snapshot();
    assert_reverts(
        chain.as_(CLEARINGHOUSE).vault().socialise_debt(ALICE),
        CollateralRemaining {
            account: ALICE,
            token: WETH,
        },
    );
    assert_reverts(
        chain.as_(CAROL).vault().socialise_debt(ALICE),
        NotClearinghouse { caller: CAROL },
    );
    assert_eq!(chain.storage_snapshot(), before);
    // Without debt there is nothing to write off.
    assert_eq!(
        chain.as_(CLEARINGHOUSE).vault().socialise_debt(CAROL).unwrap(),
        U256::ZERO
    );
    assert_eq!(chain.storage_snapshot(), before);
}

#[test]
fn a_repayment_of_debt_is_open_while_paused_and_above_the_deposit_cap_but_nothing_more() {
    let chain = indebted_chain(2_700 * USDC_UNIT);
    chain.as_(GUARDIAN).vault().pause().unwrap();
    // The cap is full: the USDC deposited is all the cap allows.
    let total = chain.vault().collateral_config(USDC).4;
    chain
        .as_(ADMIN)
        .vault()
        .set_collateral(USDC, USDC_FEED, 200, total, 3600)
        .unwrap();
    chain.mint(USDC, ALICE, 3_000 * USDC_UNIT);
    // More than the debt is a deposit: refused while paused.
    assert_reverts(
        chain.as_(ALICE).vault().deposit(USDC, units(2_701 * USDC_UNIT)),
        VaultPaused {},
    );
    // The debt itself is a repayment: open.
    let credited = chain
        .as_(ALICE)
        .vault()
        .deposit(USDC, units(2_700 * USDC_UNIT))
        .unwrap();
    assert_eq!(credited, units(2_700 * USDC_UNIT));
    assert_eq!(position(&chain, ALICE), (U256::ZERO, U256::ZERO));
    assert_eq!(chain.vault().settlement_ledger().1, U256::ZERO);
    // Without debt, nothing more gets in.
    assert_reverts(chain.as_(ALICE).vault().deposit(USDC, units(1)), VaultPaused {});
}
