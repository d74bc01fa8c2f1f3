//! Invariants under random actions, on the devnet with the real programs and markets: deposits,
//! trades through both markets at prices inside and outside the trade band, price and vol moves,
//! withdrawals (allowed and not), time passing over an expiry (the settlement price fixed and
//! every account settled), and liquidations (half of them after the market moved against an
//! account at its initial margin), by four traders and a keeper, from fixed seeds.
//!
//! After every action:
//! 1. the vault's USDC equals what was deposited less what was withdrawn, and equals the sum of
//!    every vault account's balance less its debt (the traders, the keeper, the markets, the
//!    clearinghouse, the insurance fund): settlement cash is conserved; once a debt has been
//!    socialised, the sum is at most what the vault holds, short of it by rounding dust only;
//! 2. every instrument's positions sum to zero across the accounts;
//! 3. the insurance fund has no debt;
//! 4. the recorded bad debt never falls and the loss index never rises;
//!
//! and after each action of its kind:
//! 5. a trade that went through left each side at initial margin or was exempt (it only shrank
//!    positions and lowered neither equity nor maintenance health beyond the rounding grace), and
//!    a trade outside the band reverted;
//! 6. a withdrawal within `withdrawable` went through and left initial margin; one beyond it
//!    reverted;
//! 7. a liquidation of an account below maintenance went through, left the keeper at initial
//!    margin and the account healthier, within its quote; one of a healthy account reverted;
//!    one of an account with no positions and negative equity closed it out: no debt left and
//!    equity at zero or above (its collateral sold, the fund's cover, the rest socialised).
//!
//! The seeds are fixed; a seed that once found a bug stays in `SEEDS` as a regression. The test
//! prints how many actions of each kind ran.
//!
//! Needs `script/build-wasm.sh` and `forge build` first (script/test.sh runs both before this).
#![cfg(feature = "e2e")]

mod common;

use std::collections::BTreeMap;

use alloy_primitives::{Address, I256, U256};
use common::*;
use pm_e2e::deployment::{instrument, Engine, IVault, Margin, E18, E8};

/// The seeds run; each runs `ACTIONS` actions.
const SEEDS: [u64; 3] = [0x5EED_0001, 0x5EED_0002, 0x5EED_0003];
/// Actions per seed.
const ACTIONS: usize = 80;
/// The trade band the deployment sets for every underlying, in percent of its price.
const BAND_PERCENT: i128 = 5;
/// One USD of the risk program (6 decimals) in 18 decimals: the rounding grace of one change.
const GRACE: i128 = 3_000_000_000_000;

/// xorshift64*: a small deterministic generator (the test needs reproducibility, not quality).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    /// A uniform i128 in [lo, hi].
    fn between(&mut self, lo: i128, hi: i128) -> i128 {
        lo + (self.next() as i128).rem_euclid(hi - lo + 1)
    }
}

struct World {
    e: Engine,
    rng: Rng,
    traders: Vec<Address>,
    keeper: Address,
    /// Every vault account the invariants sum over.
    ledgers: Vec<Address>,
    /// (instrument, market, expiry (0 for a perp)).
    instruments: Vec<(u128, Address, u64)>,
    expiry: u64,
    fixed: bool,
    /// USDC units deposited less withdrawn.
    net_deposits: U256,
    /// The recorded bad debt and the loss index after the last action.
    bad_debt: U256,
    loss_index: U256,
    counts: BTreeMap<&'static str, u32>,
}

fn health(m: &Margin) -> I256 {
    m.equity - m.maintenance
}

impl World {
    fn new(seed: u64) -> Self {
        let mut e = engine();
        e.cache_programs().unwrap();
        let traders: Vec<Address> = (1..=4).map(|i| e.chain.accounts[i]).collect();
        let keeper = e.chain.accounts[5];
        for &t in &traders {
            e.open_account(t, 50_000).unwrap();
        }
        e.open_account(keeper, 5_000_000).unwrap();
        let expiry = e.chain.timestamp() + 2 * DAY;
        let call = e.list_option(0, true, expiry, 65_000 * E8 as u128).unwrap();
        let put = e.list_option(0, false, expiry, 62_000 * E8 as u128).unwrap();
        let instruments = vec![
            (instrument(0, 0, 0, 0), e.perps, 0),
            (instrument(1, 0, 0, 0), e.perps, 0),
            (call, e.options, expiry),
            (put, e.options, expiry),
        ];
        let fund = e.insurance_fund().unwrap().fund;
        let mut ledgers = traders.clone();
        ledgers.extend([keeper, e.perps, e.options, e.clearinghouse, fund]);
        World {
            net_deposits: U256::from(50_000u64 * 4 + 5_000_000) * U256::from(1_000_000u64),
            e,
            rng: Rng(seed),
            traders,
            keeper,
            ledgers,
            instruments,
            expiry,
            fixed: false,
            bad_debt: U256::ZERO,
            loss_index: U256::from(E18 as u128),
            counts: BTreeMap::new(),
        }
    }

    fn count(&mut self, what: &'static str) {
        *self.counts.entry(what).or_default() += 1;
    }

    fn margin(&mut self, account: Address) -> Margin {
        self.e.margin(account).unwrap().0
    }

    fn trader(&mut self) -> Address {
        self.traders[self.rng.below(self.traders.len() as u64) as usize]
    }

    fn act(&mut self) {
        match self.rng.below(100) {
            0..=7 => self.deposit(),
            8..=45 => self.trade(),
            46..=53 => self.move_price(8),
            54..=59 => self.move_price(25),
            60..=65 => self.move_vol(),
            66..=77 => self.withdraw(),
            78..=85 => self.pass_time(),
            _ => self.liquidate(),
        }
    }

    fn deposit(&mut self) {
        let (who, usdc) = (self.trader(), self.rng.between(1_000, 20_000) as u64);
        self.e.deposit(who, usdc).unwrap();
        self.net_deposits += U256::from(usdc) * U256::from(1_000_000u64);
        self.count("deposit");
    }

    fn trade(&mut self) {
        let maker = self.trader();
        let taker = loop {
            let t = self.trader();
            if t != maker {
                break t;
            }
        };
        let (id, market, expiry) = self.instruments[self.rng.below(4) as usize];
        let now = self.e.chain.timestamp();
        let size = self.rng.between(1, 40) * E18 / 20 * if self.rng.below(2) == 0 { 1 } else { -1 };
        let underlying = usize::from(pm_clearinghouse::instrument::spec_of(id).underlying);
        let underlying_price = i128::from(self.e.latest_price_of(underlying)) * 10_000_000_000;
        let mark = self.e.mark(id).unwrap();
        // The band: 5% of the underlying's price (below 2^127 as a product: F / 100 · 5).
        let limit = underlying_price / 100 * BAND_PERCENT;
        // Inside the band (up to 90% of it) or outside it (110% to 150%).
        let share = if self.rng.below(4) != 0 {
            self.rng.between(-90, 90)
        } else {
            self.rng.between(110, 150) * if self.rng.below(2) == 0 { 1 } else { -1 }
        };
        let price = (mark + limit / 100 * share).max(0);
        let off = (price - mark).abs();
        let before = (self.margin(maker), self.margin(taker));
        let held = (self.e.positions(maker).unwrap(), self.e.positions(taker).unwrap());
        let r = self.e.trade(market, maker, taker, &[(id, size, price)]).unwrap();
        if expiry != 0 && now >= expiry {
            assert!(!r.status, "an expired option traded: {r:?}");
            self.count("trade refused (expired)");
            return;
        }
        if off > limit {
            assert!(
                !r.status,
                "a trade {off} from the mark (limit {limit}) went through"
            );
            self.count("trade refused (outside the band)");
            return;
        }
        if !r.status {
            // Inside the band, refused: only for margin (or a position limit).
            self.count("trade refused (margin)");
            return;
        }
        for (account, delta, before, held) in
            [(maker, size, before.0, held.0), (taker, -size, before.1, held.1)]
        {
            let after = self.margin(account);
            if after.equity >= after.initial {
                continue;
            }
            let old = held.0.iter().position(|x| *x == id).map_or(0, |k| held.1[k]);
            let new = old + delta;
            let shrinks = new == 0 || (new.signum() == old.signum() && new.abs() < old.abs());
            let grace = wad(2 * GRACE);
            assert!(
                shrinks && after.equity + grace >= before.equity && health(&after) + grace >= health(&before),
                "a trade left {account} below IM without being exempt: {before:?} -> {after:?}"
            );
            self.count("trade exempt below IM");
        }
        self.count("trade");
    }

    /// Moves an underlying's price by up to `percent` either way.
    fn move_price(&mut self, percent: i128) {
        let k = self.rng.below(2) as usize;
        let now = i128::from(self.e.latest_price_of(k));
        let moved = now * (1000 + self.rng.between(-10 * percent, 10 * percent)) / 1000;
        self.e.set_price(k, moved as i64).unwrap();
        self.count(if percent > 10 { "price shock" } else { "price move" });
    }

    /// The risk oracle moves one vol within its step (×1.5 or ÷1.5 at most), staying within
    /// 30–120%, a least gap (300 s) after its last update.
    fn move_vol(&mut self) {
        let k = self.rng.below(2) as u8;
        self.e.chain.advance(300);
        let now = self.e.vol_of(k).unwrap();
        let factor = self.rng.between(667, 1500);
        let vol = (now * factor / 1000).clamp(30 * E18 / 100, 120 * E18 / 100);
        self.e.post_vol(k, vol).unwrap();
        self.count("vol move");
    }

    fn withdraw(&mut self) {
        let who = self.trader();
        let free = self.e.withdrawable_usdc(who).unwrap();
        let within = self.rng.below(3) != 0;
        // Half the withdrawals within take all there is: accounts at initial margin, which the
        // shocks then push below maintenance.
        let amount = if within && self.rng.below(2) == 0 {
            free
        } else if within {
            free * self.rng.between(0, 100) as u64 / 100
        } else {
            free + 1 + self.rng.between(0, 5_000) as u64
        };
        if amount == 0 {
            return;
        }
        let r = self.e.withdraw(who, amount);
        if within {
            assert!(r.status, "a withdrawal within withdrawable failed: {r:?}");
            self.net_deposits -= U256::from(amount) * U256::from(1_000_000u64);
            let m = self.margin(who);
            assert!(m.equity >= m.initial, "a withdrawal left {who} below IM: {m:?}");
            self.count("withdrawal");
        } else {
            assert!(!r.status, "a withdrawal beyond withdrawable went through");
            self.count("withdrawal refused");
        }
    }

    fn pass_time(&mut self) {
        let seconds = self.rng.between(3_600, 12 * 3_600) as u64;
        self.e.chain.advance(seconds);
        let past_expiry = self.e.chain.timestamp() >= self.expiry;
        // Fresh rounds for every feed; BTC's first after the expiry fixes its price.
        for k in 0..2 {
            let price = self.e.latest_price_of(k);
            self.e.set_price(k, price).unwrap();
            if k == 0 && past_expiry && !self.fixed {
                let r = self.e.fix_expiry_price(self.keeper, 0, self.expiry).unwrap();
                assert!(r.status, "fixing the expiry price: {r:?}");
                self.fixed = true;
                self.count("expiry price fixed");
            }
        }
        self.e.refresh_usdc_feed().unwrap();
        self.e.post_vols().unwrap();
        if self.fixed {
            let accounts: Vec<Address> = self.traders.iter().copied().chain([self.keeper]).collect();
            for account in accounts {
                let r = self.e.settle_expired(self.keeper, account);
                assert!(r.status, "{r:?}");
            }
        }
        self.count("time passes");
    }

    /// Takes a trader with a book to its initial margin (it withdraws all it may) and moves the
    /// price of BTC against it, 6% at a time, until it is liquidatable (at most 8 moves): the
    /// market does what leveraged accounts fear, so that liquidations are many, not rare.
    fn push_to_liquidation(&mut self) {
        let who = self.trader();
        if self.e.positions(who).unwrap().0.is_empty() {
            return;
        }
        let free = self.e.withdrawable_usdc(who).unwrap();
        if free > 0 && self.e.withdraw(who, free).status {
            self.net_deposits -= U256::from(free) * U256::from(1_000_000u64);
        }
        let mut down = true;
        for step in 0..8 {
            if self.margin(who).liquidatable {
                break;
            }
            let before = health(&self.margin(who));
            let now = i128::from(self.e.latest_price_of(0));
            let moved = if down { now * 94 / 100 } else { now * 106 / 100 };
            self.e.set_price(0, moved as i64).unwrap();
            if step == 0 && health(&self.margin(who)) > before {
                down = false;
            }
        }
        self.count("pushed towards liquidation");
    }

    /// A keeper liquidates a trader: one below maintenance when there is one (half the time after
    /// pushing one there), else any.
    fn liquidate(&mut self) {
        if self.rng.below(2) == 0 {
            self.push_to_liquidation();
        }
        let mut who = self.trader();
        for t in self.traders.clone() {
            if self.e.liquidation_quote(t).unwrap().liquidatable {
                who = t;
            }
        }
        let q = self.e.liquidation_quote(who).unwrap();
        let before = self.margin(who);
        let empty = self.e.positions(who).unwrap().0.is_empty();
        let r = self.e.liquidate(self.keeper, who);
        if empty {
            // Nothing to take over: only debt to close out (or nothing to do).
            if before.equity.is_negative() {
                assert!(
                    r.status,
                    "negative equity without positions was not closed out: {r:?}"
                );
                let after = self.margin(who);
                assert!(!after.equity.is_negative(), "closed out below zero: {after:?}");
                assert_eq!(self.e.usdc_ledger(who).unwrap().1, U256::ZERO);
            }
            self.count(if r.status {
                "account closed out (no book)"
            } else {
                "liquidation refused (no book)"
            });
            return;
        }
        assert_eq!(q.liquidatable, before.liquidatable);
        if !q.liquidatable {
            assert!(!r.status, "a healthy account was liquidated");
            self.count("liquidation refused (healthy)");
            return;
        }
        assert!(r.status, "a liquidatable account could not be liquidated: {r:?}");
        assert!(q.fraction > I256::ZERO && q.fraction <= wad(E18));
        assert!(q.discount >= I256::ZERO && q.discount <= before.equity.max(I256::ZERO) + wad(E18));
        let after = self.margin(who);
        assert!(health(&after) > health(&before), "{before:?} -> {after:?}");
        let k = self.margin(self.keeper);
        assert!(k.equity >= k.initial, "the keeper is below IM: {k:?}");
        self.count("liquidation");
    }

    fn check(&mut self) {
        // 1. Settlement cash is conserved (short by rounding dust once a loss is socialised).
        let held = self.e.vault_usdc_held().unwrap();
        assert_eq!(held, self.net_deposits);
        let mut credit = U256::ZERO;
        let mut debt = U256::ZERO;
        for a in self.ledgers.clone() {
            let (b, d) = self.e.usdc_ledger(a).unwrap();
            credit += b;
            debt += d;
        }
        let ledger = self
            .e
            .view(self.e.vault, IVault::settlementLedgerCall {})
            .unwrap();
        assert_eq!(ledger.totalDebt, debt, "the vault's total debt");
        if ledger.lossIndex == U256::from(E18 as u128) {
            assert_eq!(credit - debt, held, "balances {credit} less debts {debt}");
        } else {
            assert!(
                credit - debt <= held,
                "balances {credit} less debts {debt} above {held}"
            );
            assert!(
                held - (credit - debt) < U256::from(1_000_000u64),
                "more than dust kept"
            );
        }
        // 2. Positions are conserved per instrument.
        let mut net: BTreeMap<u128, i128> = BTreeMap::new();
        let accounts: Vec<Address> = self.traders.iter().copied().chain([self.keeper]).collect();
        for &a in &accounts {
            let (ids, sizes) = self.e.positions(a).unwrap();
            for (id, size) in ids.iter().zip(sizes) {
                *net.entry(*id).or_default() += size;
            }
        }
        assert!(net.values().all(|n| *n == 0), "positions not conserved: {net:?}");
        // 3. The fund never owes. 4. Bad debt is only ever added to, and losses only socialised.
        let fund = self.e.insurance_fund().unwrap();
        assert_eq!(self.e.usdc_ledger(fund.fund).unwrap().1, U256::ZERO);
        assert!(fund.badDebt >= self.bad_debt, "recorded bad debt fell");
        assert!(ledger.lossIndex <= self.loss_index, "the loss index rose");
        if fund.badDebt > self.bad_debt {
            self.count("debt socialised");
        }
        (self.bad_debt, self.loss_index) = (fund.badDebt, ledger.lossIndex);
    }
}

#[test]
fn invariants_hold_under_random_actions() {
    let mut total: BTreeMap<&'static str, u32> = BTreeMap::new();
    for seed in SEEDS {
        let mut w = World::new(seed);
        w.check();
        for _ in 0..ACTIONS {
            w.act();
            w.check();
        }
        for (k, v) in w.counts {
            *total.entry(k).or_default() += v;
        }
    }
    let actions: u32 = SEEDS.len() as u32 * ACTIONS as u32;
    println!(
        "{actions} random actions over {} seeds, each followed by the invariant checks:",
        SEEDS.len()
    );
    for (k, v) in &total {
        println!("  {k:<36} {v}");
    }
    assert!(total.get("trade").copied().unwrap_or(0) > 0);
    assert!(
        total
            .get("trade refused (outside the band)")
            .copied()
            .unwrap_or(0)
            > 0
    );
}
