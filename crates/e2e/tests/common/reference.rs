//! The Solidity reference of the risk computation (`contracts/solidity/reference`) beside the
//! Stylus risk program: both deployed in one devnet, the benchmark requests both are run on (also
//! the risk program's own gas table's, `risk_program.rs`), and how their answers are compared
//! (the tolerance and why, below).

use alloy_primitives::{Address, U256};
use pm_risk::fixed::WAD;
use pm_risk::wire::{self, Answer, Request};
use pm_risk::{defaults, Instrument, Market, Position, Underlying};
use stylus_devnet::Devnet;

use super::ROOT;

/// The benchmark's valuation time.
pub const NOW: u64 = 1_795_000_000;

/// The two programs in one devnet.
pub struct Pair {
    pub chain: Devnet,
    pub stylus: Address,
    pub solidity: Address,
    pub from: Address,
}

/// A fresh devnet with the real risk-program wasm and the Foundry artifact `RiskReference`
/// (`forge build` first), the Stylus program in Arbitrum's program cache when `cached`.
pub fn deploy(cached: bool) -> Pair {
    let mut chain = Devnet::new();
    let from = chain.accounts[0];
    let wasm = pm_e2e::programs::wasm_of(std::path::Path::new(ROOT), "risk-program").unwrap();
    let stylus = chain
        .deploy_program(from, &wasm)
        .expect("the risk program deploys")
        .0;
    let artifact = pm_e2e::deployment::artifact(ROOT, "RiskReference");
    let solidity = chain
        .deploy_artifact(from, &artifact, &[])
        .expect("RiskReference deploys (run forge build)");
    if cached {
        let mut data = alloy_primitives::keccak256("cacheProgram(address)")[..4].to_vec();
        data.extend(stylus.into_word());
        let r = chain.send(from, stylus_devnet::arbwasmcache::ADDRESS, data, U256::ZERO);
        assert!(r.status, "cacheProgram: {r:?}");
    }
    Pair {
        chain,
        stylus,
        solidity,
        from,
    }
}

/// The request of a fixture of `test/fixtures/portfolios`, quoting its first `quotes` positions.
pub fn request_of(fixture: &pm_cli::fixture::Fixture, quotes: u16) -> Request {
    let inputs = fixture.inputs().unwrap();
    let p = inputs.params();
    Request {
        now: fixture.now,
        collateral: inputs.collateral,
        grid_levels: p.grid_levels,
        scalars: wire::scalars_of(&p),
        underlyings: inputs.underlyings.clone(),
        correlation: inputs.correlation.clone(),
        positions: inputs.positions.clone(),
        quotes,
    }
}

/// Every fixture of `test/fixtures/portfolios`, by file name.
pub fn fixtures() -> Vec<(String, pm_cli::fixture::Fixture)> {
    let mut all: Vec<_> = std::fs::read_dir(format!("{ROOT}/test/fixtures/portfolios"))
        .unwrap()
        .map(|e| {
            let path = e.unwrap().path();
            let name = path.file_stem().unwrap().to_string_lossy().into_owned();
            (
                name,
                serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap(),
            )
        })
        .collect();
    all.sort_by(|a, b| a.0.cmp(&b.0));
    all
}

/// The risk-program benchmark's book (`risk_program.rs`): `positions` options over `n`
/// underlyings (calls and puts, four strikes, four expiries, long and short).
pub fn book(positions: usize, n: usize) -> Request {
    let presets = [defaults::BTC, defaults::ETH, defaults::SOL, defaults::INDEX];
    let prices = [65_000, 3_000, 150, 5_800];
    let underlyings: Vec<Underlying> = (0..n)
        .map(|i| Underlying {
            market: Market {
                price: prices[i] * WAD,
                vol: 55 * WAD / 100,
                oracle_addon: 0,
            },
            params: presets[i],
        })
        .collect();
    let correlation = (0..n * n)
        .map(|k| if k / n == k % n { WAD } else { WAD / 2 })
        .collect();
    let positions = (0..positions)
        .map(|i| {
            let u = i % n;
            let strike = prices[u] * WAD / 100 * [80, 90, 110, 120][(i / n) % 4];
            let expiry = NOW + [7, 30, 90, 180][(i / (4 * n)) % 4] * 86_400;
            let instrument = if i % 2 == 0 {
                Instrument::Call { strike, expiry }
            } else {
                Instrument::Put { strike, expiry }
            };
            let size = if (i / 2) % 2 == 0 { WAD } else { -WAD };
            Position {
                underlying: u as u8,
                instrument,
                size,
                entry: 0,
            }
        })
        .collect();
    Request {
        now: NOW,
        collateral: 1_000_000 * 1_000_000,
        grid_levels: 7,
        scalars: wire::scalars_of(&defaults::risk(&[])),
        underlyings,
        correlation,
        positions,
        quotes: 0,
    }
}

/// Books that reach what the benchmark books and the fixtures leave out: the add-ons (an
/// oracle add-on, and net delta above a small liquidity threshold) and expired options (long and
/// short, of two past expiries sharing strikes: priced at intrinsic, netted by strike).
pub fn edge_books() -> Vec<(String, Request)> {
    let mut add_ons = book(16, 2);
    for u in &mut add_ons.underlyings {
        u.market.oracle_addon = WAD / 50;
        u.params.liquidity = 1_000 * WAD;
        u.params.concentration_rate = WAD / 10;
    }
    add_ons.positions.push(Position {
        underlying: 1,
        instrument: Instrument::Perp,
        size: 3 * WAD,
        entry: 2_900 * WAD,
    });
    let mut expired = book(32, 2);
    for (i, p) in expired.positions.iter_mut().enumerate() {
        if let Instrument::Call { expiry, .. } | Instrument::Put { expiry, .. } = &mut p.instrument {
            if i % 3 != 2 {
                *expiry = NOW - 86_400 * (1 + (i as u64 / 3) % 2);
            }
        }
    }
    vec![
        ("add-ons".to_string(), add_ons),
        ("expired options".to_string(), expired),
    ]
}

/// A small deterministic generator (xorshift64*) for the random books.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed.max(1))
    }

    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// Uniform in [lo, hi).
    pub fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.next() % (hi - lo)
    }

    /// Log-uniform Wad in [10^lo, 10^hi) (decimal exponents of the value, not of the wei).
    pub fn log_wad(&mut self, lo: i32, hi: i32) -> i128 {
        let e = lo as f64 + (hi - lo) as f64 * (self.next() >> 11) as f64 / (1u64 << 53) as f64;
        (10f64.powf(e) * 1e18) as i128
    }
}

/// A random book across the validated ranges: 1 to 4 underlyings (prices 1e-6 to 1e8 USD, vols
/// 1% to 500%, random correlations kept PSD by a one-factor form, random oracle add-ons and
/// liquidity), 1 to 64 positions of every kind (sizes 1e-6 to 1e9 units, long and short;
/// strikes a third to three times the price; expiries from ten days ago to five years out, a
/// second away included) and entries around the price.
pub fn random_book(rng: &mut Rng) -> Request {
    let n = rng.range(1, 5) as usize;
    let presets = [defaults::BTC, defaults::ETH, defaults::SOL, defaults::INDEX];
    let underlyings: Vec<Underlying> = (0..n)
        .map(|i| {
            let mut params = presets[i];
            params.liquidity = rng.log_wad(2, 9);
            Underlying {
                market: Market {
                    price: rng.log_wad(-6, 8),
                    vol: rng.log_wad(-2, 0) * rng.range(1, 6) as i128,
                    oracle_addon: if rng.range(0, 3) == 0 { WAD / 100 } else { 0 },
                },
                params,
            }
        })
        .collect();
    // ρ_kl = b_k·b_l off the diagonal (b in [−0.9, 0.9]): positive semi-definite.
    let b: Vec<i128> = (0..n)
        .map(|_| rng.range(0, 19) as i128 * WAD / 10 - 9 * WAD / 10)
        .collect();
    let correlation = (0..n * n)
        .map(|k| {
            let (i, j) = (k / n, k % n);
            if i == j {
                WAD
            } else {
                b[i] * b[j] / WAD
            }
        })
        .collect();
    let m = rng.range(1, 65) as usize;
    let positions = (0..m)
        .map(|_| {
            let u = rng.range(0, n as u64) as usize;
            let f = underlyings[u].market.price;
            let strike = (f / 3 + (f / 3) * rng.range(0, 9) as i128).max(pm_risk::units::MIN_PRICE);
            let expiry = match rng.range(0, 6) {
                0 => NOW - rng.range(1, 10 * 86_400),
                1 => NOW + 1,
                _ => NOW + rng.range(3_600, 5 * 31_536_000),
            };
            let instrument = match rng.range(0, 5) {
                0 => Instrument::Perp,
                1 => Instrument::Future { expiry },
                2 => Instrument::Call { strike, expiry },
                3 => Instrument::Put { strike, expiry },
                _ => Instrument::Spot,
            };
            let size = rng.log_wad(-6, 9) * if rng.range(0, 2) == 0 { 1 } else { -1 };
            Position {
                underlying: u as u8,
                instrument,
                size,
                entry: f / 2 + f / 100 * rng.range(0, 100) as i128,
            }
        })
        .collect();
    Request {
        now: NOW,
        collateral: rng.log_wad(0, 9) / 1_000_000_000_000,
        grid_levels: [7, 9, 11][rng.range(0, 3) as usize],
        scalars: wire::scalars_of(&defaults::risk(&[])),
        underlyings,
        correlation,
        positions,
        quotes: 0,
    }
}

/// Derive's published gas-test book (`derive_gas.rs`) as a request: ETH at 2,000 (vol 65%, the
/// deployment's), one expiry 14 days out, short 1.0 calls at strikes 2,000, 2,100, … (128 are
/// two batches of 64 from 2,000 and from 8,400).
pub fn derive_book(n: usize) -> Request {
    let strike = |i: usize| {
        let (base, step) = if i < 64 { (2_000, i) } else { (8_400, i - 64) };
        (base + 100 * step as i128) * WAD
    };
    Request {
        now: NOW,
        collateral: 100_000_000 * 1_000_000,
        grid_levels: 7,
        scalars: wire::scalars_of(&defaults::risk(&[])),
        underlyings: vec![Underlying {
            market: Market {
                price: 2_000 * WAD,
                vol: 65 * WAD / 100,
                oracle_addon: 0,
            },
            params: defaults::ETH,
        }],
        correlation: vec![WAD],
        positions: (0..n)
            .map(|i| Position {
                underlying: 0,
                instrument: Instrument::Call {
                    strike: strike(i),
                    expiry: NOW + 14 * 86_400,
                },
                size: -WAD,
                entry: 0,
            })
            .collect(),
        quotes: 0,
    }
}

/// Calldata gas of `data` (16 a non-zero byte, 4 a zero byte).
pub fn calldata_gas(data: &[u8]) -> u64 {
    data.iter().map(|b| if *b == 0 { 4 } else { 16 }).sum()
}

/// What the two answers may differ by, from the request.
///
/// The programs compute the same model with the same roundings but different arithmetic: the
/// Stylus program Φ and e^x in 64-bit binary fixed point, the reference in 96-bit (X96), so
/// their Black-76 prices differ by up to the sum of their errors, each within 1e-13·(F + K)
/// per unit (`contracts/risk/README.md`), F up to the largest scenario price (6× today's bounds
/// the extremes). Every other step (the grid, the setups, sums of products, roundings, the
/// aggregation) is the same integer arithmetic. So each money figure (µUSD) may differ by its
/// roundings that a price difference can flip, plus `price`, 1e-12 of Σ|size|·(6F + K) (ten
/// times the two price bounds):
/// - a scenario's loss rounds once per scenario: `loss` = 2 + `price`;
/// - the requirement aggregates the underlyings' losses (a square root rounded up):
///   `requirement` = n·`loss` + 2; maintenance and initial scale it by their factors;
/// - the isolated margins round once per position: 4 per position and per underlying, plus 4,
///   plus `price`;
/// - equity rounds the marks' sum once: 2 + `price`.
///
/// Measured over the fixtures and the benchmark books: every money figure equal but a loss and
/// an isolated margin 1 µUSD apart. Greeks (Wads): net delta within 4 wei per position plus
/// 1e-14 per unit of Σ|size| and, per unit of an option, 1e-16/σ√T (N(d1) moves with the
/// Stylus program's d1 error, largest a second from expiry; measured 1,744 wei on 128 units);
/// Γ·F = φ/s likewise, per unit of an option 0.4/s·(1.5e-15/s + 1e-15) besides 1e-12 of itself; net gamma·F within 1e-12 of
/// itself plus 4 wei per position (measured 29,432 wei on a Γ·F of 3e16); a quote's mark within
/// 1e-12 of itself plus 2e-13 of the price (measured 7.2e-12 USD). The scan range and the quoted
/// prices are computed exactly in both: equal. The worst scenario's move and vol state must be
/// equal, but where both programs' worst loss is within `loss` of zero (a book that cannot
/// lose: each may report a different 0 or 1 µUSD scenario; measured on one fixture).
#[derive(Clone, Copy, Debug)]
pub struct Tolerance {
    /// An underlying's loss (µUSD).
    pub loss: i128,
    /// The requirement (µUSD).
    pub requirement: i128,
    /// Maintenance margin (µUSD).
    pub maintenance: i128,
    /// Initial margin (µUSD).
    pub initial: i128,
    /// The isolated margins and the add-ons (µUSD).
    pub isolated: i128,
    /// Equity (µUSD).
    pub equity: i128,
    /// Net delta (wei of units).
    pub delta: i128,
    /// Wad figures per position (wei).
    pub wei: i128,
    /// Net Γ·F (wei), besides 1e-12 of itself.
    pub gamma: i128,
}

impl Tolerance {
    pub fn of(req: &Request) -> Self {
        let m = req.positions.len() as i128;
        let n = req.underlyings.len() as i128;
        let (mut notional, mut units, mut d1_units, mut gamma_units) = (0f64, 0f64, 0f64, 0f64);
        for p in &req.positions {
            let f = req.underlyings[usize::from(p.underlying)].market.price as f64 / 1e18;
            let k = match p.instrument {
                Instrument::Call { strike, .. } | Instrument::Put { strike, .. } => strike as f64 / 1e18,
                _ => 0.0,
            };
            let size = (p.size as f64 / 1e18).abs();
            notional += size * (6.0 * f + k);
            units += size;
            // N(d1) moves with d1's error: the Stylus program's d1 is within 1.6e-16/s of exact
            // (its Q56 logs and σ√T), times φ ≤ 0.4.
            if let Instrument::Call { expiry, .. } | Instrument::Put { expiry, .. } = p.instrument {
                let years = expiry.saturating_sub(req.now) as f64 / 31_536_000.0;
                let u = &req.underlyings[usize::from(p.underlying)];
                let s = u.market.vol as f64 / 1e18 * years.sqrt();
                if s > 0.0 {
                    d1_units += size * 1e-16 / s;
                    // Γ·F = φ/s, φ off by |d1|·Δd1 (|d1| < 9 where φ counts) and 1e-15 of itself.
                    gamma_units += size * 0.4 / s * (1.5e-15 / s + 1e-15);
                }
            }
        }
        let price = (notional * 1e-12 * 1e6).ceil() as i128;
        // The MM factor and the IM ratio (wire order: …, mm_factor, im_ratio, vol_floor).
        let factor = |w: i128| (w + WAD - 1) / WAD;
        let (mm, im) = (factor(req.scalars[6]), factor(req.scalars[7]));
        let loss = 2 + price;
        let requirement = n * loss + 2;
        let maintenance = requirement * mm + 1;
        let isolated = 4 * (m + n + 1) + price;
        Tolerance {
            loss,
            requirement,
            maintenance,
            initial: maintenance * im + 1 + 2 * n,
            isolated: isolated * mm * im,
            equity: 2 + price,
            delta: 4 * m + ((units * 1e-14 + d1_units) * 1e18).ceil() as i128,
            wei: 4 * m.max(1),
            gamma: 4 * m + (gamma_units * 1e18).ceil() as i128,
        }
    }
}

/// The differences of two answers beyond `tol`, as readable lines (none: equal within it);
/// `largest` collects the largest difference seen per figure.
pub fn differences(
    stylus: &Answer,
    solidity: &Answer,
    tol: Tolerance,
    largest: &mut std::collections::BTreeMap<&'static str, i128>,
) -> Vec<String> {
    let mut out = Vec::new();
    let mut mismatched_worst = Vec::new();
    let mut ties = 0;
    let mut check = |name: &'static str, a: i128, b: i128, t: i128| {
        let d = (a - b).abs();
        let e = largest.entry(name).or_insert(0);
        *e = (*e).max(d);
        if d > t {
            out.push(format!("{name}: stylus {a}, solidity {b}, |diff| {d} > {t}"));
        }
    };
    check("equity", stylus.equity, solidity.equity, tol.equity);
    check(
        "requirement",
        stylus.requirement,
        solidity.requirement,
        tol.requirement,
    );
    check(
        "maintenance",
        stylus.maintenance,
        solidity.maintenance,
        tol.maintenance,
    );
    check("initial", stylus.initial, solidity.initial, tol.initial);
    check(
        "isolated_initial",
        stylus.isolated_initial,
        solidity.isolated_initial,
        tol.isolated,
    );
    check(
        "isolated_maintenance",
        stylus.isolated_maintenance,
        solidity.isolated_maintenance,
        tol.isolated,
    );
    check(
        "free_collateral",
        stylus.free_collateral,
        solidity.free_collateral,
        tol.equity + tol.initial,
    );
    check("add_ons", stylus.add_ons, solidity.add_ons, tol.isolated);
    // Utilisation = MM/equity: the money tolerance over equity, as a Wad.
    let money = tol.equity + tol.maintenance;
    let u_tol = if stylus.equity > 0 {
        money.saturating_mul(WAD) / stylus.equity.max(1) * (1 + stylus.utilisation / WAD) + 2
    } else {
        0
    };
    check("utilisation", stylus.utilisation, solidity.utilisation, u_tol);
    if stylus.liquidatable != solidity.liquidatable {
        let gap = (stylus.equity - stylus.maintenance).abs();
        check("liquidatable (equity − MM)", gap, 0, money);
    }
    if stylus.underlyings.len() != solidity.underlyings.len() {
        out.push("underlyings: lengths differ".into());
        return out;
    }
    for (s, o) in stylus.underlyings.iter().zip(&solidity.underlyings) {
        check("delta", s.delta, o.delta, tol.delta);
        check(
            "gamma",
            s.gamma,
            o.gamma,
            s.gamma.abs() / 1_000_000_000_000 + tol.gamma,
        );
        check("vega", s.vega, o.vega, tol.loss);
        check("loss", s.loss, o.loss, tol.loss);
        check("scan_range", s.scan_range, o.scan_range, 0);
        if (s.worst_move, s.worst_vol) != (o.worst_move, o.worst_vol) {
            // Only a book that cannot lose (both worst losses within rounding of zero) may
            // name different worst scenarios.
            ties += 1;
            if s.loss.max(o.loss) > tol.loss {
                mismatched_worst.push(format!(
                    "worst scenario: stylus {} at {:?}/{:?}, solidity {} at {:?}/{:?}",
                    s.loss, s.worst_move, s.worst_vol, o.loss, o.worst_move, o.worst_vol
                ));
            }
        }
    }
    if stylus.quotes.len() != solidity.quotes.len() {
        out.push("quotes: lengths differ".into());
        out.extend(mismatched_worst);
        return out;
    }
    for (s, o) in stylus.quotes.iter().zip(&solidity.quotes) {
        check("quote price", s.price, o.price, 0);
        check(
            "quote mark",
            s.mark,
            o.mark,
            s.mark.abs() / 1_000_000_000_000 + 2 * s.price / 10_000_000_000_000 + tol.wei,
        );
    }
    out.extend(mismatched_worst);
    if ties > 0 {
        *largest
            .entry("worst scenarios that differ (books that cannot lose)")
            .or_insert(0) += ties;
    }
    out
}
