//! `pm-demo`: the project's main job. Starts the in-process devnet, deploys the whole engine (its
//! real wasm and the Solidity markets), opens a hedged and an unhedged book, shows what portfolio
//! margin releases against isolated margin, shocks prices, shows who becomes liquidatable, what
//! the engine then allows, and a keeper liquidating him, and prints the gas of every step.
//!
//! Run through `script/demo.sh`, which builds the programs and the markets first.

use alloy_primitives::{Address, I256, U256};
use alloy_sol_types::SolError;
use pm_e2e::deployment::{instrument, listings, Engine, IClearinghouse, Leg, Margin, E18, E8};
use pm_e2e::format::grouped;
use stylus_devnet::Receipt;

const DAY: u64 = 86_400;
/// Derive's published gas to margin a 128-option account (their Standard Manager; README,
/// "Derive's book").
const DERIVE_128: u64 = 22_900_000;

type Result<T> = std::result::Result<T, String>;

/// An 18-decimal USD figure as "12,345.67" (rounded towards zero to the cent).
fn usd(v: I256) -> String {
    let cents = v / I256::try_from(10_000_000_000_000_000i128).unwrap_or(I256::ONE);
    let sign = if cents.is_negative() { "-" } else { "" };
    let cents = cents.unsigned_abs();
    let whole = grouped(cents / U256::from(100u8));
    let frac = (cents % U256::from(100u8)).to::<u64>();
    format!("{sign}{whole}.{frac:02}")
}

/// An 18-decimal fraction as a percentage: "12.34%".
fn percent(v: I256) -> String {
    let bps = (v / I256::try_from(100_000_000_000_000i64).unwrap_or(I256::ONE)).as_i64();
    format!("{}.{:02}%", bps / 100, bps % 100)
}

/// Units with 18 decimals as "1.2345" (4 decimals, towards zero).
fn units(v: i128) -> String {
    let t = v / 100_000_000_000_000;
    let sign = if t < 0 { "-" } else { "" };
    format!("{sign}{}.{:04}", t.abs() / 10_000, t.abs() % 10_000)
}

/// A gas figure with thousands separators.
fn gas(g: u64) -> String {
    grouped(g)
}

fn outcome(r: &Receipt) -> String {
    if r.status {
        "ok".into()
    } else {
        let sel: [u8; 4] = r
            .output
            .get(..4)
            .and_then(|s| s.try_into().ok())
            .unwrap_or_default();
        // One error, one selector: the vault and the clearinghouse share `InsufficientMargin`.
        let name = if sel == IClearinghouse::InsufficientMargin::SELECTOR {
            "InsufficientMargin"
        } else {
            "another error"
        };
        format!("reverted: {name}")
    }
}

fn trade(
    e: &mut Engine,
    market: Address,
    maker: Address,
    taker: Address,
    legs: &[Leg],
    what: &str,
) -> Result<Receipt> {
    let r = e.trade(market, maker, taker, legs)?;
    println!("  {what:<58} {:>12} gas  {}", gas(r.gas_used), outcome(&r));
    Ok(r)
}

fn row(name: &str, m: &Margin) {
    println!(
        "  {name:<10} {:>14} {:>14} {:>14} {:>14} {:>14} {:>8}",
        usd(m.equity),
        usd(m.isolated_initial),
        usd(m.initial),
        usd(m.isolated_initial - m.initial),
        usd(m.maintenance),
        if m.liquidatable { "YES" } else { "no" }
    );
}

fn header() {
    println!(
        "  {:<10} {:>14} {:>14} {:>14} {:>14} {:>14} {:>8}",
        "account", "equity", "isolated IM", "portfolio IM", "released", "MM", "liquid."
    );
}

fn main() -> Result<()> {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../..");
    println!("== 1. An Arbitrum devnet in this process; the engine deployed from its real wasm\n");
    let mut e = Engine::deploy(root)?;
    for (label, g) in &e.setup_gas {
        if label.starts_with("deploy") || label.starts_with("activate") || label.contains("constructor") {
            println!("  {label:<58} {:>12} gas", gas(*g));
        }
    }
    let config: u64 = e
        .setup_gas
        .iter()
        .filter(|(l, _)| !(l.starts_with("deploy") || l.starts_with("activate") || l.contains("constructor")))
        .map(|(_, g)| *g)
        .sum();
    println!(
        "  {:<58} {:>12} gas",
        "configuration (collateral, 4 underlyings, matrix, vols, markets)",
        gas(config)
    );
    e.cache_programs()?;
    let cached: u64 = e
        .setup_gas
        .iter()
        .filter(|(l, _)| l == "cacheProgram")
        .map(|(_, g)| *g)
        .sum();
    println!(
        "  {:<58} {:>12} gas",
        format!(
            "cacheProgram x{} (Arbitrum's program cache, as busy programs are)",
            e.programs.len()
        ),
        gas(cached)
    );
    let names: Vec<&str> = listings().iter().map(|l| l.symbol).collect();
    println!(
        "  underlyings: {} at their Chainlink mocks; USDC is the settlement token",
        names.join(", ")
    );

    let (alice, bob, maker) = (e.chain.accounts[1], e.chain.accounts[2], e.chain.accounts[3]);
    let (perps, options) = (e.perps, e.options);
    e.open_account(maker, 50_000_000)?;
    e.open_account(alice, 100_000)?;
    e.open_account(bob, 100_000)?;
    let expiry = e.chain.timestamp() + 30 * DAY;
    let call = e.list_option(0, true, expiry, 65_000 * E8 as u128)?;
    let (btc, eth) = (instrument(0, 0, 0, 0), instrument(1, 0, 0, 0));
    let premium = 3_500 * E18;
    let eth_size = 2_167 * E18 / 100;

    println!(
        "\n== 2. Two books, each 100,000 USDC, traded against a market maker on the two Solidity markets\n"
    );
    println!("  Alice (hedged): long a 30-day 65,000 BTC call, short 0.5 BTC perp against it,");
    println!("                  long 1 BTC perp / short 21.67 ETH perp (a pair)");
    trade(
        &mut e,
        options,
        alice,
        maker,
        &[(call, E18, premium)],
        "Alice buys 1 BTC call at 3,500 (OptionsMarket)",
    )?;
    trade(
        &mut e,
        perps,
        alice,
        maker,
        &[(btc, E18 / 2, 65_000 * E18)],
        "Alice: +0.5 BTC perp at 65,000 (net of -0.5 and +1)",
    )?;
    trade(
        &mut e,
        perps,
        alice,
        maker,
        &[(eth, -eth_size, 3_000 * E18)],
        "Alice sells 21.67 ETH perp at 3,000",
    )?;
    println!("  Bob (unhedged): the same call, long 1 BTC perp and LONG 21.67 ETH perp");
    trade(
        &mut e,
        options,
        bob,
        maker,
        &[(call, E18, premium)],
        "Bob buys 1 BTC call at 3,500",
    )?;
    trade(
        &mut e,
        perps,
        bob,
        maker,
        &[(btc, E18, 65_000 * E18), (eth, eth_size, 3_000 * E18)],
        "Bob buys 1 BTC and 21.67 ETH perps (one ticket, one check)",
    )?;

    println!("\n  Margin (USD), from the clearinghouse's accountMargin:");
    header();
    let (a, ga) = e.margin(alice)?;
    let (b, gb) = e.margin(bob)?;
    row("Alice", &a);
    row("Bob", &b);
    println!("  (accountMargin: Alice {} gas, Bob {} gas)", gas(ga), gas(gb));

    println!(
        "\n== 3. Bob withdraws all but 2,000 USD of his free collateral (the vault asks the clearinghouse)\n"
    );
    let free_usdc = (b.free_collateral / I256::try_from(E18).unwrap_or(I256::ONE)).as_i64() as u64;
    let take = free_usdc.saturating_sub(2_000);
    let r = e.withdraw(bob, take);
    println!(
        "  {:<58} {:>12} gas  {}",
        format!("Bob withdraws {} USDC", gas(take)),
        gas(r.gas_used),
        outcome(&r)
    );
    let r = e.withdraw(bob, 2_500);
    println!(
        "  {:<58} {:>12} gas  {}",
        "Bob tries 2,500 more",
        gas(r.gas_used),
        outcome(&r)
    );

    println!("\n== 4. Shock: BTC -12%, ETH -15%\n");
    e.set_price(0, 57_200 * E8)?;
    e.set_price(1, 2_550 * E8)?;
    header();
    let (a, _) = e.margin(alice)?;
    let (b, _) = e.margin(bob)?;
    row("Alice", &a);
    row("Bob", &b);
    for (name, m) in [("Alice", &a), ("Bob", &b)] {
        println!(
            "  {name}: {}",
            if m.liquidatable {
                "below maintenance margin: liquidatable"
            } else {
                "healthy"
            }
        );
    }

    println!("\n== 5. What the engine allows Bob now\n");
    let r = e.withdraw(bob, 100);
    println!(
        "  {:<58} {:>12} gas  {}",
        "Bob withdraws 100 USDC",
        gas(r.gas_used),
        outcome(&r)
    );
    trade(
        &mut e,
        perps,
        bob,
        maker,
        &[(btc, E18 / 10, 57_200 * E18)],
        "Bob buys 0.1 BTC perp more (adds risk)",
    )?;

    println!("\n== 6. A keeper liquidates Bob (anyone may; it takes a slice of every position)\n");
    let keeper = e.chain.accounts[6];
    e.open_account(keeper, 1_000_000)?;
    let q = e.liquidation_quote(bob)?;
    println!(
        "  liquidationQuote(Bob): take {} of each position, discount {} of the MM taken over",
        percent(q.fraction),
        percent(q.discountRate)
    );
    println!(
        "    the keeper pays {} USD for the slice at the marks; Bob pays a {} USD discount",
        usd(q.transferValue),
        usd(q.discount)
    );
    println!(
        "    (at most his equity), {} of it to the insurance fund; the keeper earns {} USD",
        usd(q.fundShare),
        usd(q.reward)
    );
    let before = e.positions(bob)?;
    let r = e.liquidate(keeper, bob);
    println!(
        "  {:<58} {:>12} gas  {}",
        "the keeper liquidates Bob",
        gas(r.gas_used),
        outcome(&r)
    );
    let after = e.positions(bob)?;
    for ((id, was), now) in before.0.iter().zip(&before.1).zip(&after.1) {
        println!(
            "    instrument {:>#34x}: Bob {} -> {} units",
            id,
            units(*was),
            units(*now)
        );
    }
    header();
    let (b, _) = e.margin(bob)?;
    row("Bob", &b);
    let (k, _) = e.margin(keeper)?;
    row("keeper", &k);
    let fund = e.insurance_fund()?;
    println!(
        "  insurance fund {}: {} USDC, bad debt {} USDC",
        fund.fund,
        usd(I256::from_raw(fund.balance) * I256::try_from(1_000_000_000_000i64).unwrap_or(I256::ONE)),
        usd(I256::from_raw(fund.badDebt) * I256::try_from(1_000_000_000_000i64).unwrap_or(I256::ONE))
    );
    let eth_left = after
        .0
        .iter()
        .position(|id| *id == eth)
        .and_then(|k| after.1.get(k).copied())
        .unwrap_or_default();
    if eth_left != 0 {
        trade(
            &mut e,
            perps,
            bob,
            maker,
            &[(eth, -eth_left, 2_550 * E18)],
            "Bob sells his remaining ETH perps at the mark (reduces risk)",
        )?;
        let (b, _) = e.margin(bob)?;
        header();
        row("Bob", &b);
    }

    println!("\n== 7. A big book: 128 options over 4 underlyings, then one more trade\n");
    let (carol, dave) = (e.chain.accounts[4], e.chain.accounts[5]);
    e.open_account(carol, 10_000_000)?;
    e.open_account(dave, 10_000_000)?;
    e.set_price(0, 65_000 * E8)?;
    e.set_price(1, 3_000 * E8)?;
    let legs = e.options_book(128, 4)?;
    let (last, book) = legs.split_last().ok_or("empty book")?;
    e.build_book(carol, dave, book)?;
    let r = trade(
        &mut e,
        options,
        carol,
        alice,
        &[*last],
        "Carol opens her 128th option (both sides checked)",
    )?;
    let (c, gc) = e.margin(carol)?;
    header();
    row("Carol", &c);
    println!(
        "  accountMargin of 128 options: {} gas; the trade: {} gas",
        gas(gc),
        gas(r.gas_used)
    );
    println!(
        "  Derive's Solidity margin check for 128 options: {} gas, {:.1}x more than this check",
        gas(DERIVE_128),
        DERIVE_128 as f64 / gc as f64
    );
    println!("\nDone: every figure above came from the programs' real wasm on the devnet.");
    Ok(())
}
