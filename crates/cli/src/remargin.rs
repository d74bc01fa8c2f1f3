//! Re-margining many accounts after a price update, as a keeper must between two blocks:
//! `pm remargin [--accounts N] [--threads T] [--json]` builds N books (1 to 128 positions each:
//! options, perps and futures on four underlyings, the same books every run), margins them at
//! the current prices, moves every price 5% down, and re-margins them with the same `pm-risk`
//! code the risk program runs: once on one core, then on T threads, the accounts closest to
//! liquidation first. A benchmark, not a test: it reports what it measured.
//!
//! How it keeps up:
//! - each option is repriced once per pass, not once per holder ([`Pricing::Shared`],
//!   `pm_risk::margin_shared`: an option's scenario values depend on the instrument and the
//!   market data only, so every book holding it reads the same values, and the reports equal
//!   the per-account ones to the wei);
//! - natively `pm-risk`'s 128-bit products and divisions are single instructions;
//! - each thread reuses one scratch workspace (no allocation per account);
//! - the accounts are ordered by their health before the move (equity over maintenance margin,
//!   lowest first) and dealt to the threads in that order, so the accounts a keeper must act on
//!   first are margined first whatever the book count.

use std::time::Instant;

use pm_risk::fixed::{Usd, Wad, USD, WAD};
use pm_risk::{
    defaults, margin_in, margin_shared, Account, Instrument, MarginReport, Market, Position, SharedValues,
    Underlying, UnderlyingParams, Workspace,
};

/// The valuation time of every book (unix seconds).
pub const NOW: u64 = 1_800_000_000;
/// Most positions in a book (the clearinghouse's cap).
pub const MAX_BOOK: usize = 128;
/// The price move the benchmark applies: every underlying 5% down.
pub const SHOCK_PERCENT: i128 = 5;

/// The four underlyings: price (USD), vol (percent) and parameters.
const UNDERLYINGS: [(i128, i128, UnderlyingParams); 4] = [
    (60_000, 55, defaults::BTC),
    (3_000, 70, defaults::ETH),
    (150, 90, defaults::SOL),
    (5_000, 20, defaults::INDEX),
];
/// Correlations of the four, row-major: the three coins move together (0.7 to 0.8), the index
/// less with each (0.3).
const CORRELATION: [Wad; 16] = {
    const P: Wad = WAD / 10;
    [
        10 * P,
        8 * P,
        7 * P,
        3 * P, //
        8 * P,
        10 * P,
        75 * WAD / 100,
        3 * P, //
        7 * P,
        75 * WAD / 100,
        10 * P,
        3 * P, //
        3 * P,
        3 * P,
        3 * P,
        10 * P,
    ]
};
/// Expiries offered, days from now (as venues list them: dailies to half a year).
const EXPIRY_DAYS: [u64; 8] = [1, 2, 7, 14, 30, 60, 90, 180];

/// One account to margin: its collateral (USD, 6 decimals) and positions.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Book {
    /// Collateral value after haircuts, USD (6 decimals).
    pub collateral: Usd,
    /// The positions.
    pub positions: Vec<Position>,
}

/// The market data, every price moved by `percent` (negative: down).
pub fn underlyings(percent: i128) -> Vec<Underlying> {
    UNDERLYINGS
        .iter()
        .map(|(price, vol, params)| Underlying {
            market: Market {
                price: price * (100 + percent) * WAD / 100,
                vol: vol * WAD / 100,
                oracle_addon: 0,
            },
            params: *params,
        })
        .collect()
}

/// `count` books of 1 to 128 positions (uniform), from `seed`: 70% options (calls and puts at
/// strikes within ±30% of the price, on the listed expiries), 15% perps, 15% futures, each a
/// long or a short of $1,000 to $100,000 notional; collateral between 5% and 40% of the book's
/// notional, so that some accounts sit close to their maintenance margin.
pub fn books(count: usize, seed: u64) -> Vec<Book> {
    let mut rng = fastrand::Rng::with_seed(seed);
    (0..count)
        .map(|_| {
            let n = rng.usize(1..=MAX_BOOK);
            let mut notional: Usd = 0;
            let positions = (0..n)
                .map(|_| {
                    let k = rng.usize(..4);
                    let price = UNDERLYINGS[k].0;
                    let usd = 1_000 * (1 + rng.u64(..100) as i128);
                    notional += usd * USD;
                    let units = usd * WAD / price;
                    let size = if rng.bool() { units } else { -units };
                    let expiry = NOW + 86_400 * EXPIRY_DAYS[rng.usize(..8)];
                    let strike = price * WAD * (70 + rng.u64(..61) as i128) / 100;
                    let instrument = match rng.u64(..20) {
                        0..=6 => Instrument::Call { strike, expiry },
                        7..=13 => Instrument::Put { strike, expiry },
                        14..=16 => Instrument::Perp,
                        _ => Instrument::Future { expiry },
                    };
                    Position {
                        underlying: k as u8,
                        instrument,
                        size,
                        entry: 0,
                    }
                })
                .collect();
            let collateral = notional * (5 + rng.u64(..36) as i128) / 100;
            Book {
                collateral,
                positions,
            }
        })
        .collect()
}

/// How a pass reprices options.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pricing {
    /// Every position repriced in its own book, as the risk program does (`margin_in`).
    PerAccount,
    /// Each option repriced once per pass and read by every book holding it (`margin_shared`).
    Shared,
}

/// Margins `books[i]` for each `i` of `order` with one workspace, in that order, the options
/// priced as `pricing` says (a shared pass starts with no option priced). Errors: the first risk
/// error, with the book's index.
pub fn margin_all(
    books: &[Book],
    order: &[usize],
    underlyings: &[Underlying],
    pricing: Pricing,
) -> Result<Vec<(usize, MarginReport)>, String> {
    let params = defaults::risk(&CORRELATION);
    let mut ws = Box::new(Workspace::new());
    let mut shared = SharedValues::new();
    order
        .iter()
        .map(|&i| {
            let book = books.get(i).ok_or("no such book")?;
            let account = Account {
                collateral: book.collateral,
                positions: &book.positions,
                now: NOW,
            };
            match pricing {
                Pricing::PerAccount => margin_in(&mut ws, &account, underlyings, &params),
                Pricing::Shared => margin_shared(&mut ws, &mut shared, &account, underlyings, &params),
            }
            .map(|r| (i, r))
            .map_err(|e| format!("book {i}: risk error {e:?}"))
        })
        .collect()
}

/// The books' indices, least healthy first: by equity over maintenance margin in `reports`
/// (books without a requirement last).
pub fn by_health(reports: &[(usize, MarginReport)]) -> Vec<usize> {
    let health = |r: &MarginReport| {
        if r.maintenance <= 0 {
            f64::INFINITY
        } else {
            r.equity as f64 / r.maintenance as f64
        }
    };
    let mut ranked: Vec<(f64, usize)> = reports.iter().map(|(i, r)| (health(r), *i)).collect();
    ranked.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    ranked.into_iter().map(|(_, i)| i).collect()
}

/// Margins the books of `order` on `threads` threads, dealing them round: thread t takes
/// `order[t]`, `order[t + threads]`, …, so each works from the front of the order (with shared
/// pricing, each thread prices the options its books hold once). The reports come back in
/// `order`'s order. Errors: the first risk error.
pub fn margin_parallel(
    books: &[Book],
    order: &[usize],
    underlyings: &[Underlying],
    threads: usize,
    pricing: Pricing,
) -> Result<Vec<(usize, MarginReport)>, String> {
    let threads = threads.max(1);
    let parts: Vec<Vec<usize>> = (0..threads)
        .map(|t| order.iter().skip(t).step_by(threads).copied().collect())
        .collect();
    let results: Vec<Result<Vec<(usize, MarginReport)>, String>> = std::thread::scope(|s| {
        let handles: Vec<_> = parts
            .iter()
            .map(|part| s.spawn(move || margin_all(books, part, underlyings, pricing)))
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|_| Err("a thread panicked".into())))
            .collect()
    });
    let mut per_thread = Vec::with_capacity(threads);
    for r in results {
        per_thread.push(r?.into_iter());
    }
    // Deal back in the order dealt.
    let mut out = Vec::with_capacity(order.len());
    'dealing: loop {
        for part in per_thread.iter_mut() {
            match part.next() {
                Some(x) => out.push(x),
                None => break 'dealing,
            }
        }
    }
    for part in per_thread.iter_mut() {
        out.extend(part);
    }
    Ok(out)
}

/// What one run measured.
#[derive(Clone, Debug, PartialEq)]
pub struct Measured {
    /// Accounts margined per pass.
    pub accounts: usize,
    /// Positions in all the books.
    pub positions: usize,
    /// Threads of the parallel pass.
    pub threads: usize,
    /// Seconds of the pass at the current prices, one core.
    pub before_seconds: f64,
    /// Seconds of the pass after the move, one core, least healthy first, each position
    /// repriced in its own book (as the risk program does).
    pub per_account_seconds: f64,
    /// Seconds of the same pass with each option priced once for every book.
    pub one_core_seconds: f64,
    /// Distinct options the books hold: what that pass prices (each once; the other option
    /// positions read them).
    pub options_priced: u64,
    /// Seconds of the same pass on `threads` threads.
    pub parallel_seconds: f64,
    /// Accounts below maintenance after the move.
    pub liquidatable: usize,
    /// Of those, how many were among the first 10% of the order (margined first).
    pub liquidatable_in_first_tenth: usize,
}

/// Runs the benchmark on `accounts` books with `threads` threads. Errors: a risk error.
pub fn run(accounts: usize, threads: usize) -> Result<Measured, String> {
    let books = books(accounts, 0x5EED);
    let all: Vec<usize> = (0..books.len()).collect();
    let start = Instant::now();
    let before = margin_all(&books, &all, &underlyings(0), Pricing::Shared)?;
    let before_seconds = start.elapsed().as_secs_f64();
    let order = by_health(&before);
    let moved = underlyings(-SHOCK_PERCENT);
    let start = Instant::now();
    let per_account = margin_all(&books, &order, &moved, Pricing::PerAccount)?;
    let per_account_seconds = start.elapsed().as_secs_f64();
    let start = Instant::now();
    let one_core = margin_all(&books, &order, &moved, Pricing::Shared)?;
    let one_core_seconds = start.elapsed().as_secs_f64();
    let start = Instant::now();
    let parallel = margin_parallel(&books, &order, &moved, threads, Pricing::Shared)?;
    let parallel_seconds = start.elapsed().as_secs_f64();
    if one_core != per_account {
        return Err("the shared pricing's reports differ from the per-account ones".into());
    }
    if parallel != one_core {
        return Err("the threads' reports differ from one core's".into());
    }
    let options_priced = options(&books);
    let below = |r: &MarginReport| r.equity < r.maintenance;
    let tenth = order.len().div_ceil(10);
    Ok(Measured {
        accounts,
        positions: books.iter().map(|b| b.positions.len()).sum(),
        threads,
        before_seconds,
        per_account_seconds,
        one_core_seconds,
        options_priced,
        parallel_seconds,
        liquidatable: one_core.iter().filter(|(_, r)| below(r)).count(),
        liquidatable_in_first_tenth: one_core.iter().take(tenth).filter(|(_, r)| below(r)).count(),
    })
}

/// The distinct options the books hold (what a shared pass prices).
fn options(books: &[Book]) -> u64 {
    let mut seen: Vec<(u8, u8, Wad, u64)> = books
        .iter()
        .flat_map(|b| &b.positions)
        .filter_map(|p| match p.instrument {
            Instrument::Call { strike, expiry } => Some((p.underlying, 0, strike, expiry)),
            Instrument::Put { strike, expiry } => Some((p.underlying, 1, strike, expiry)),
            _ => None,
        })
        .collect();
    seen.sort_unstable();
    seen.dedup();
    seen.len() as u64
}

/// The report: a table, or JSON.
pub fn render(m: &Measured, json: bool) -> String {
    let per_second = |s: f64| if s > 0.0 { m.accounts as f64 / s } else { 0.0 };
    if json {
        return serde_json::json!({
            "accounts": m.accounts,
            "positions": m.positions,
            "threads": m.threads,
            "before_seconds": m.before_seconds,
            "per_account_seconds": m.per_account_seconds,
            "per_account_accounts_per_second": per_second(m.per_account_seconds),
            "one_core_seconds": m.one_core_seconds,
            "options_priced": m.options_priced,
            "one_core_accounts_per_second": per_second(m.one_core_seconds),
            "parallel_seconds": m.parallel_seconds,
            "parallel_accounts_per_second": per_second(m.parallel_seconds),
            "liquidatable": m.liquidatable,
            "liquidatable_in_first_tenth": m.liquidatable_in_first_tenth,
        })
        .to_string();
    }
    format!(
        "re-margin of {} accounts ({} positions, 1 to {MAX_BOOK} each) after every price moved {SHOCK_PERCENT}% down\n\
         at the old prices, one core:     {:>8.3} s\n\
         after the move, one core, each book pricing its own options: {:>8.3} s  ({:.0} accounts/s)\n\
         after the move, one core, each of the {} options priced once: {:>8.3} s  ({:.0} accounts/s)\n\
         after the move, {} threads:       {:>8.3} s  ({:.0} accounts/s)\n\
         below maintenance after the move: {} ({} of them in the first tenth of the order)\n",
        m.accounts,
        m.positions,
        m.before_seconds,
        m.per_account_seconds,
        per_second(m.per_account_seconds),
        m.options_priced,
        m.one_core_seconds,
        per_second(m.one_core_seconds),
        m.threads,
        m.parallel_seconds,
        per_second(m.parallel_seconds),
        m.liquidatable,
        m.liquidatable_in_first_tenth,
    )
}
