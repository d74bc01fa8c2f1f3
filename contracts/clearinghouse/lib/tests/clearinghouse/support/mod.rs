//! The clearinghouse's test setup on `pm-test-host`: the addresses and numbers the tests use,
//! the fakes it calls ([`vault`]: a vault with a settlement ledger; the real risk program;
//! feeds and tokens from the host), chains at each stage of setup, instrument ids, and the
//! native margin [`model`] the views must agree with.
#![allow(dead_code)]

pub mod model;
pub mod vault;

use alloy_primitives::{keccak256, Address, I256, U256};
use pm_clearinghouse::instrument::{id_of, Spec, CALL, FUTURE, PERP, PUT};
use pm_clearinghouse::Clearinghouse;
use pm_risk::params::defaults;
use pm_risk::wire::{params_of, scalars_of};
pub use pm_test_host::{assert_reverts, event, CallKind, Chain, Incoming, TokenKind};

pub use model::Model;
pub use vault::{Collateral, FakeVault, Settlement};

pub const CLEARINGHOUSE: Address = Address::repeat_byte(0xC0);
pub const OWNER: Address = Address::repeat_byte(0x01);
pub const RISK_ADMIN: Address = Address::repeat_byte(0x02);
pub const RISK_ORACLE: Address = Address::repeat_byte(0x03);
pub const ALICE: Address = Address::repeat_byte(0x0A);
pub const BOB: Address = Address::repeat_byte(0x0B);
pub const CAROL: Address = Address::repeat_byte(0x0C);
pub const MARKET: Address = Address::repeat_byte(0x4D);
pub const OTHER_MARKET: Address = Address::repeat_byte(0x4E);
pub const VAULT: Address = Address::repeat_byte(0xAA);
pub const RISK_PROGRAM: Address = Address::repeat_byte(0xAB);
pub const ADMIN_FACET: Address = Address::repeat_byte(0xF0);
pub const VIEWS_FACET: Address = Address::repeat_byte(0xF1);
pub const ACCOUNTS_FACET: Address = Address::repeat_byte(0xF2);
pub const TRADING_FACET: Address = Address::repeat_byte(0xF3);
pub const SETTLEMENT_FACET: Address = Address::repeat_byte(0xF4);
pub const LIQUIDATION_FACET: Address = Address::repeat_byte(0xF5);
pub const PARAMETERS_FACET: Address = Address::repeat_byte(0xF6);
pub const USDC: Address = Address::repeat_byte(0x10);
pub const WETH: Address = Address::repeat_byte(0x11);
pub const USDC_FEED: Address = Address::repeat_byte(0x20);
pub const BTC_FEED: Address = Address::repeat_byte(0x21);
pub const ETH_FEED: Address = Address::repeat_byte(0x22);
/// An address with no code.
pub const NOBODY: Address = Address::repeat_byte(0x77);

/// The block time tests start at.
pub const NOW: u64 = 1_800_000_000;
pub const DAY: u64 = 86_400;
pub const E18: i128 = 1_000_000_000_000_000_000;
/// One USD of the settlement token (6 decimals).
pub const USDC_UNIT: i128 = 1_000_000;
/// One risk-crate USD (6 decimals) in 18 decimals.
pub const USD_TO_WAD: i128 = 1_000_000_000_000;
/// Underlying indices of the standard setup.
pub const BTC: u8 = 0;
pub const ETH: u8 = 1;
/// Feed prices of the standard setup (8 decimals).
pub const BTC_ANSWER: i128 = 60_000 * 100_000_000;
pub const ETH_ANSWER: i128 = 3_000 * 100_000_000;
pub const BTC_VOL: i128 = 55 * E18 / 100;
pub const ETH_VOL: i128 = 70 * E18 / 100;
pub const BTC_ETH_CORRELATION: i128 = 8 * E18 / 10;
/// The standard underlyings' feed heartbeat and longest vol age, seconds.
pub const HEARTBEAT: u32 = 3_600;
pub const VOL_MAX_AGE: u32 = 86_400;
/// Collateral value of ALICE and BOB in the standard setup (USD, 18 decimals).
pub const COLLATERAL: i128 = 100_000 * E18;

/// `v` as an `int256`.
pub fn wad(v: i128) -> I256 {
    I256::try_from(v).unwrap()
}

/// The risk crate's USD (6 decimals) in 18 decimals.
pub fn usd(v: i128) -> I256 {
    wad(v * USD_TO_WAD)
}

pub fn perp(underlying: u8) -> u128 {
    id_of(&Spec {
        underlying,
        kind: PERP,
        expiry: 0,
        strike: 0,
    })
}

pub fn future(underlying: u8, expiry: u64) -> u128 {
    id_of(&Spec {
        underlying,
        kind: FUTURE,
        expiry,
        strike: 0,
    })
}

/// A call with `strike` in whole USD.
pub fn call(underlying: u8, expiry: u64, strike: u128) -> u128 {
    id_of(&Spec {
        underlying,
        kind: CALL,
        expiry,
        strike: strike * 100_000_000,
    })
}

/// A put with `strike` in whole USD.
pub fn put(underlying: u8, expiry: u64, strike: u128) -> u128 {
    id_of(&Spec {
        underlying,
        kind: PUT,
        expiry,
        strike: strike * 100_000_000,
    })
}

/// The clearinghouse over a chain, and the fakes it calls.
pub trait ClearinghouseHost {
    /// The clearinghouse at the chain's contract address.
    fn ch(&self) -> Clearinghouse;
    /// Reads or changes the fake vault.
    fn vault<R>(&self, f: impl FnOnce(&mut FakeVault) -> R) -> R;
    /// The vault's settlement ledger.
    fn ledger(&self) -> Vec<Settlement>;
    /// Sets `account`'s collateral value before settlements (USD, 18 decimals).
    fn set_collateral(&self, account: Address, value: i128);
    /// What the vault answers as `account`'s collateral value now.
    fn collateral_of(&self, account: Address) -> I256;
    /// Sets the block time and stamps every feed's round fresh at it.
    fn advance_to(&self, timestamp: u64);
    /// Sets a feed's answer (its decimals), stamped now.
    fn set_price(&self, feed: Address, answer: i128);
    /// `account`'s position words as stored (slot 42: the list's length at keccak(account,
    /// 42), its words from keccak of that).
    fn position_words(&self, account: Address) -> Vec<U256>;
}

impl ClearinghouseHost for Chain {
    fn ch(&self) -> Clearinghouse {
        Clearinghouse::from(self)
    }
    fn vault<R>(&self, f: impl FnOnce(&mut FakeVault) -> R) -> R {
        self.fake_mut(VAULT, f)
    }
    fn ledger(&self) -> Vec<Settlement> {
        self.vault(|v| v.ledger.clone())
    }
    fn set_collateral(&self, account: Address, value: i128) {
        self.vault(|v| v.values.insert(account, wad(value)));
    }
    fn collateral_of(&self, account: Address) -> I256 {
        self.vault(|v| v.collateral_value(account))
    }
    fn advance_to(&self, timestamp: u64) {
        self.set_time(timestamp);
        for feed in [USDC_FEED, BTC_FEED, ETH_FEED] {
            self.feed_mut(feed, |f| {
                f.started_at = timestamp;
                f.updated_at = timestamp;
            });
        }
    }
    fn position_words(&self, account: Address) -> Vec<U256> {
        let stored: std::collections::HashMap<U256, U256> = self
            .storage_snapshot()
            .into_iter()
            .map(|(slot, value)| (slot, U256::from_be_bytes(value.0)))
            .collect();
        let read = |slot: U256| stored.get(&slot).copied().unwrap_or_default();
        // From the account's slot on, up to the word marked last; every slot after it is zero.
        let first =
            U256::from_be_bytes(keccak256([account.into_word().0, U256::from(42).to_be_bytes()].concat()).0);
        let last = U256::from(pm_clearinghouse::position_words::LAST);
        let mut words = Vec::new();
        for i in 0..128u64 {
            let word = read(first + U256::from(i));
            if word.is_zero() {
                break;
            }
            words.push(word);
            if word & last != U256::ZERO {
                break;
            }
        }
        for i in words.len() as u64..128 {
            assert!(
                read(first + U256::from(i)).is_zero(),
                "a position word after the last"
            );
        }
        words
    }
    fn set_price(&self, feed: Address, answer: i128) {
        let now = self.now();
        self.feed_mut(feed, |f| {
            f.answer = wad(answer);
            f.updated_at = now;
        });
    }
}

/// The risk program at `RISK_PROGRAM`: the real `pm_risk_program::answer` on the calldata,
/// reverting with the one-byte code of its error.
pub fn register_risk_program(chain: &Chain) {
    chain.register_fn(RISK_PROGRAM, |call: &Incoming<'_>| {
        pm_risk_program::answer(call.data).map_err(|e| vec![pm_risk_program::error_byte(e)])
    });
}

/// A chain before `initialize` (the core's constructor has recorded the admin facet): the fake vault (settling in 6-decimal USDC, USDC and 18-decimal
/// WETH listed as collateral), the risk program, the facets and markets (code only), feeds for
/// USDC ($1), BTC ($60,000) and ETH ($3,000) with 8 decimals, and the two tokens.
pub fn bare_chain() -> Chain {
    let chain = Chain::new(CLEARINGHOUSE, OWNER, NOW);
    chain.register(
        VAULT,
        FakeVault {
            clearinghouse: CLEARINGHOUSE,
            settlement_token: USDC,
            settlement_decimals: 6,
            ..FakeVault::default()
        },
    );
    chain.vault(|v| {
        v.collaterals.insert(
            USDC,
            Collateral {
                oracle: USDC_FEED,
                haircut_bps: 0,
                heartbeat: 86_400,
            },
        );
        v.collaterals.insert(
            WETH,
            Collateral {
                oracle: ETH_FEED,
                haircut_bps: 1_000,
                heartbeat: 3_600,
            },
        );
    });
    register_risk_program(&chain);
    for code in [
        ADMIN_FACET,
        VIEWS_FACET,
        ACCOUNTS_FACET,
        TRADING_FACET,
        SETTLEMENT_FACET,
        LIQUIDATION_FACET,
        PARAMETERS_FACET,
        MARKET,
        OTHER_MARKET,
    ] {
        chain.deploy_code(code);
    }
    chain.add_feed(USDC_FEED, 8, 100_000_000);
    chain.add_feed(BTC_FEED, 8, BTC_ANSWER);
    chain.add_feed(ETH_FEED, 8, ETH_ANSWER);
    chain.add_token(USDC, TokenKind::Standard, 6);
    chain.add_token(WETH, TokenKind::Standard, 18);
    // The core's constructor records the admin facet before it delegates `initialize`.
    chain.ch().set_admin_facet(ADMIN_FACET);
    chain
}

/// `bare_chain` initialised by OWNER (settlement decimals 6), with the risk admin and the
/// risk oracle set.
pub fn initialized_chain() -> Chain {
    let chain = bare_chain();
    let mut ch = chain.as_(OWNER).ch();
    ch.initialize(
        OWNER,
        VAULT,
        RISK_PROGRAM,
        VIEWS_FACET,
        ACCOUNTS_FACET,
        TRADING_FACET,
        SETTLEMENT_FACET,
        LIQUIDATION_FACET,
        PARAMETERS_FACET,
        6,
    )
    .unwrap();
    ch.set_risk_admin(RISK_ADMIN).unwrap();
    ch.set_risk_oracle(RISK_ORACLE).unwrap();
    chain
}

/// Lists underlying `index` on `feed` with the standard heartbeat and vol age and `params`.
pub fn list(chain: &Chain, index: u8, feed: Address, params: &pm_risk::UnderlyingParams) {
    chain
        .as_(RISK_ADMIN)
        .ch()
        .set_underlying(index, feed, HEARTBEAT, VOL_MAX_AGE, 0, params_of(params))
        .unwrap();
}

/// The most MARKET's `settle` moves per hour in the standard setup: 1,000,000 USDC.
pub const SETTLE_CAP: u128 = 1_000_000 * 1_000_000;

/// Trade band of perps and futures in the standard setup: 5% of the price.
pub const FUTURE_BAND: i128 = 50_000_000_000_000_000;
/// Trade band of options in the standard setup: 2% of the underlying's price.
pub const OPTION_BAND: i128 = 20_000_000_000_000_000;

/// The standard setup ([`Model::standard`]): BTC (0) and ETH (1) listed with the trade bands
/// above, the default account-wide parameters with a 0.8 correlation, vols posted now, MARKET authorised and
/// approved by ALICE and BOB, each with $100,000 of collateral.
pub fn listed_chain() -> Chain {
    let chain = initialized_chain();
    list(&chain, BTC, BTC_FEED, &defaults::BTC);
    list(&chain, ETH, ETH_FEED, &defaults::ETH);
    let risk = defaults::risk(&[]);
    chain
        .as_(RISK_ADMIN)
        .ch()
        .set_risk_params(risk.grid_levels, scalars_of(&risk))
        .unwrap();
    for k in [BTC, ETH] {
        chain
            .as_(RISK_ADMIN)
            .ch()
            .set_trade_bands(k, FUTURE_BAND, OPTION_BAND)
            .unwrap();
    }
    post_vols(&chain);
    chain.as_(OWNER).ch().set_market(MARKET, true).unwrap();
    chain
        .as_(OWNER)
        .ch()
        .set_settle_cap(MARKET, U256::from(SETTLE_CAP))
        .unwrap();
    for account in [ALICE, BOB] {
        chain.as_(account).ch().approve_market(MARKET, true);
        chain.set_collateral(account, COLLATERAL);
    }
    chain
}

/// The risk oracle posts the standard vols and correlation, stamped now.
pub fn post_vols(chain: &Chain) {
    post_update(chain, &[BTC_VOL, ETH_VOL], &[BTC_ETH_CORRELATION]);
}

/// The risk oracle posts `vols` and `correlations`; panics on an error.
pub fn post_update(chain: &Chain, vols: &[i128], correlations: &[i128]) {
    chain
        .as_(RISK_ORACLE)
        .ch()
        .post_risk_update(vols.to_vec(), correlations.to_vec())
        .unwrap();
}

/// The default ramp duration, seconds.
pub const RAMP: u64 = 86_400;

/// Lets every parameter change under way ramp in whole: a ramp's length passes, the ramps
/// advanced every hour (an advance applies at most an hour), then the standard vols are posted
/// again (feeds answer afresh at each step).
pub fn ramp_in(chain: &Chain) {
    for _ in 0..RAMP / pm_common::ramp::MAX_STEP {
        chain.advance_to(chain.now() + pm_common::ramp::MAX_STEP);
        chain.ch().advance_ramps().unwrap();
    }
    post_vols(chain);
}

/// Advances the ramps hourly for `hours` hours (feeds fresh).
pub fn advance_hours(chain: &Chain, hours: u64) {
    for _ in 0..hours {
        chain.advance_to(chain.now() + pm_common::ramp::MAX_STEP);
        chain.ch().advance_ramps().unwrap();
    }
}

/// MARKET changes `account`'s position; panics on an error.
pub fn trade(chain: &Chain, account: Address, instrument: u128, delta: i128, price: i128) {
    chain
        .as_(MARKET)
        .ch()
        .update_position(account, instrument, delta, price)
        .unwrap();
}

/// Asserts `call` failed with `expected` and changed nothing: storage, logs, the vault's ledger.
pub fn assert_unchanged<T, E>(
    chain: &Chain,
    call: impl FnOnce() -> Result<T, pm_clearinghouse::ClearinghouseError>,
    expected: E,
) where
    T: std::fmt::Debug,
    E: alloy_sol_types::SolError,
{
    let ledger = chain.ledger();
    chain.assert_reverts_unchanged(call, expected);
    assert_eq!(chain.ledger(), ledger, "the vault's ledger changed");
}

/// The engine's mark of `instrument` now (Black-76 for an option), USD per unit, 18 decimals.
pub fn mark(chain: &Chain, instrument: u128) -> i128 {
    let req = Model::standard().request(chain, wad(0), &[(instrument, 0)]);
    pm_risk::mark(&req.positions[0], &req.underlyings[0], req.now).unwrap()
}

/// The mark of a perp or future in the standard setup: its underlying's feed price.
pub fn at_mark(instrument: u128) -> i128 {
    match pm_clearinghouse::instrument::spec_of(instrument).underlying {
        BTC => BTC_ANSWER * 10_000_000_000,
        _ => ETH_ANSWER * 10_000_000_000,
    }
}

/// `U256` of a `u128`.
pub fn u256(v: u128) -> U256 {
    U256::from(v)
}
