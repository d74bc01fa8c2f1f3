//! Portfolio margin: scenario revaluation per underlying, correlation-aware aggregation, and
//! correlation stress. Formulas, units and rounding: contracts/risk/README.md.
//!
//! Invariants (tests in tests/properties.rs are named after them):
//! 1. Portfolio requirement ≤ the sum of isolated requirements (each position alone).
//! 2. A single-underlying book's requirement equals its worst scenario loss.
//! 3. Raising a stress weight never lowers the requirement.
//! 4. Every rounding goes against the account: losses and requirements up, equity down.
//! 5. Coverage (model v2): an underlying's loss is at least the exact loss of any move inside
//!    its scan range in each vol state, not only at the grid points (tests/coverage.rs).

use crate::black76::{
    check_price, check_vol, greeks_fast, intrinsic, price_fast, q56_of, Fast, OptionKind, TotalVol,
};
use crate::error::{Result, RiskError};
use crate::fixed::{add, mul_div, sub, usd_of, wdiv, wmul, Rounding, Usd, Wad, WAD};
use crate::math::{ln, neg, sqrt, INV_SQRT_2PI};
use crate::option_setup::{option_setup, OptionSetup, SetupCache};
use crate::params::{entry, RiskParams, MAX_GRID_LEVELS, MAX_POSITIONS, MAX_UNDERLYINGS};
use crate::portfolio::{Account, Instrument, Position, Underlying};
use crate::product_sum::ProductSum;
use crate::q64::{density, wad_of_q52, wad_of_q63};
use crate::units::MAX_SIZE;

/// Scenarios per underlying: the grid × 3 vol states, plus 2 extreme moves.
pub const MAX_SCENARIOS: usize = MAX_GRID_LEVELS as usize * 3 + 2;
/// Intervals between adjacent grid levels per underlying, one per vol state.
pub const MAX_INTERVALS: usize = (MAX_GRID_LEVELS as usize - 1) * 3;
// The intervals of an underlying are the bits of a `u32` mask.
const _: () = assert!(MAX_INTERVALS <= 32);

/// The vol state of a scenario (`u8`-sized, `Base` = 0: a zeroed [`Workspace`] is valid).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[repr(u8)]
pub enum VolState {
    /// Implied vol unchanged.
    #[default]
    Base,
    /// Implied vol shocked up.
    Up,
    /// Implied vol shocked down.
    Down,
}

/// One scenario of an underlying: a price move and a vol state.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Scenario {
    /// Price move, a fraction of the price (−0.25 = down 25%).
    pub price_move: Wad,
    /// Vol state.
    pub vol: VolState,
    /// Whether this is a dampened extreme move.
    pub extreme: bool,
}

/// The risk of one underlying of the account.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct UnderlyingRisk {
    /// Scan range, a fraction of the price.
    pub scan_range: Wad,
    /// Worst loss (≥ 0) of any move inside the scan range in each vol state (the grid points
    /// and the bound between them), and of the dampened extremes; at least the short-option
    /// minimum.
    pub loss: Usd,
    /// Worst loss at the grid points and the dampened extremes alone (model v1's figure).
    pub grid_loss: Usd,
    /// Directional part, signed: > 0 loses when the price falls, < 0 when it rises.
    pub directional: Usd,
    /// Non-directional part (loss whichever way the price moves, or from vol alone).
    pub non_directional: Usd,
    /// The worst scenario (a loss between two grid levels reports their midpoint; a loss set by
    /// the short-option minimum, the unmoved one).
    pub worst: Scenario,
    /// Sum of each position's worst loss alone.
    pub isolated: Usd,
    /// Net delta, units of the underlying.
    pub delta: Wad,
    /// Net gamma as Γ·F: the change of net delta (units) for a 100% price move (÷100 for 1%).
    /// (Γ per USD would overflow for 1e12 units of a 1e-8 USD asset.)
    pub gamma: Wad,
    /// Net vega, USD per 1.00 of volatility.
    pub vega: Usd,
    /// IM add-ons of this underlying (concentration + oracle).
    pub add_on: Usd,
}

/// The margin figures of an account.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct MarginReport {
    /// Collateral + unrealised PnL.
    pub equity: Usd,
    /// Unrealised PnL of the positions at the current marks.
    pub unrealised_pnl: Usd,
    /// Requirement with the matrix trusted.
    pub requirement_base: Usd,
    /// Requirement with all correlations one.
    pub requirement_one: Usd,
    /// Requirement with hedging correlations broken.
    pub requirement_broken: Usd,
    /// The blended requirement (before the MM factor).
    pub requirement: Usd,
    /// Maintenance margin: below it the account is liquidatable.
    pub maintenance: Usd,
    /// Initial margin: needed to add risk or withdraw.
    pub initial: Usd,
    /// Sum of the underlyings' add-ons (in `initial`).
    pub add_ons: Usd,
    /// Each position margined alone: maintenance.
    pub isolated_maintenance: Usd,
    /// Each position margined alone: initial.
    pub isolated_initial: Usd,
    /// MM / equity (Wad); `i128::MAX` when equity ≤ 0 and MM > 0.
    pub utilisation: Wad,
    /// Equity − IM (negative: short of initial margin).
    pub free_collateral: Usd,
    /// Number of underlyings in `underlyings`.
    pub count: u8,
    /// Per underlying, in market-data order.
    pub underlyings: [UnderlyingRisk; MAX_UNDERLYINGS],
}

/// What restores an unhealthy account.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Liquidation {
    /// Equity < maintenance margin.
    pub liquidatable: bool,
    /// Collateral to add to reach initial margin (0 if already there).
    pub collateral_to_initial: Usd,
    /// Fraction of every position to close to reach initial margin (Wad, rounded up; requirements
    /// scale at most linearly with size, so closing this fraction is enough).
    pub reduction_to_initial: Wad,
}

/// The side of [`Workspace`]'s PnL sums of positions that lose as the price falls (long calls,
/// perps, futures and spot; short puts).
const FALLING: usize = 0;
/// The side of positions that lose as the price rises.
const RISING: usize = 1;

/// Marks a log move that does not fit Q56 ([`q56_of`] never gives it: |q| < 2^62).
const NO_Q56: i64 = i64::MIN;

/// Scenario `i`'s ln(1 + move) in Q56, `None` where it does not fit.
fn q56_at(grid: &Grid, i: usize) -> Result<Option<i64>> {
    Ok(Some(at(&grid.ln_moves_q56, i)?).filter(|&q| q != NO_Q56))
}

/// Per-underlying scenario set.
#[derive(Clone, Copy)]
pub(crate) struct Grid {
    count: usize,
    scenarios: [Scenario; MAX_SCENARIOS],
    /// ln(1 + move) per scenario.
    ln_moves: [Wad; MAX_SCENARIOS],
    /// The same in Q56 for the fast path ([`NO_Q56`] where it does not fit: a plain integer,
    /// so that all-zero bytes stay a valid workspace).
    ln_moves_q56: [i64; MAX_SCENARIOS],
    /// Price after the move per scenario.
    prices: [Wad; MAX_SCENARIOS],
}

impl Grid {
    /// Scenarios in use.
    pub(crate) fn len(&self) -> usize {
        self.count
    }

    const EMPTY: Grid = Grid {
        count: 0,
        scenarios: [Scenario {
            price_move: 0,
            vol: VolState::Base,
            extreme: false,
        }; MAX_SCENARIOS],
        ln_moves: [0; MAX_SCENARIOS],
        // Zero, not the sentinel: a constant of zeros is not a data segment; every entry a
        // scenario uses is written first.
        ln_moves_q56: [0; MAX_SCENARIOS],
        prices: [0; MAX_SCENARIOS],
    };
}

/// Scratch memory of a margin computation: the scenario grids and the per-scenario PnL of every
/// underlying, about 165 KB. [`margin_in`] takes it from the caller so that a Stylus program can
/// keep it on the heap (its stack is one 32 KB page); [`margin`] keeps it on the stack.
pub struct Workspace {
    grids: [Grid; MAX_UNDERLYINGS],
    pnl: [[Usd; MAX_SCENARIOS]; MAX_UNDERLYINGS],
    /// Per scenario, the exact sum of size × value change over the positions that lose as the
    /// price falls ([`FALLING`]) and over those that lose as it rises ([`RISING`]).
    pnl_sums: [[[ProductSum; MAX_SCENARIOS]; 2]; MAX_UNDERLYINGS],
    /// Per interval, the sum over positions of each one's worse end loss.
    ends: [[Usd; MAX_INTERVALS]; MAX_UNDERLYINGS],
    /// One underlying's options netted by strike and expiry.
    groups: [Group; MAX_POSITIONS],
    /// What options of one expiry or strike share.
    setups: SetupCache,
}

impl Workspace {
    /// An empty workspace. All-zero bytes are also a valid empty workspace: every field is an
    /// integer, a `bool` or an enum whose first variant is 0 (no `Option`; missing fast-path
    /// values are sentinels).
    pub const fn new() -> Self {
        Self {
            grids: [Grid::EMPTY; MAX_UNDERLYINGS],
            pnl: [[0; MAX_SCENARIOS]; MAX_UNDERLYINGS],
            pnl_sums: [[[ProductSum::ZERO; MAX_SCENARIOS]; 2]; MAX_UNDERLYINGS],
            ends: [[0; MAX_INTERVALS]; MAX_UNDERLYINGS],
            groups: [Group {
                strike: 0,
                expiry: 0,
                net: 0,
            }; MAX_POSITIONS],
            setups: SetupCache::new(),
        }
    }
}

impl Default for Workspace {
    fn default() -> Self {
        Self::new()
    }
}

fn at<T: Copy>(s: &[T], i: usize) -> Result<T> {
    s.get(i).copied().ok_or(RiskError::TooManyUnderlyings)
}

fn at_mut<T>(s: &mut [T], i: usize) -> Result<&mut T> {
    s.get_mut(i).ok_or(RiskError::TooManyUnderlyings)
}

fn build_grid(u: &Underlying, params: &RiskParams<'_>) -> Result<(Wad, Grid)> {
    let p = &u.params;
    // r = max(floor, k·σ·√horizon)
    let vol_range = wmul(
        wmul(p.vol_multiple, u.market.vol, Rounding::Up)?,
        sqrt(p.horizon, Rounding::Up)?,
        Rounding::Up,
    )?;
    let range = vol_range.max(p.scan_floor);
    let mut grid = Grid::EMPTY;
    let half = i128::from(params.grid_levels / 2);
    // One scenario per vol state of `vols` at `price_move`: its log move and price computed once.
    let push = |grid: &mut Grid, price_move: Wad, vols: &[VolState], extreme: bool| -> Result<()> {
        let price_move = price_move.max(neg(params.max_down_move)?);
        let factor = add(WAD, price_move)?;
        let ln_move = ln(factor)?;
        let ln_move_q56 = q56_of(ln_move).unwrap_or(NO_Q56);
        let price = wmul(u.market.price, factor, Rounding::Down)?;
        for &vol in vols {
            let i = grid.count;
            *at_mut(&mut grid.scenarios, i)? = Scenario {
                price_move,
                vol,
                extreme,
            };
            *at_mut(&mut grid.ln_moves, i)? = ln_move;
            *at_mut(&mut grid.ln_moves_q56, i)? = ln_move_q56;
            *at_mut(&mut grid.prices, i)? = price;
            grid.count = add(i as i128, 1)? as usize;
        }
        Ok(())
    };
    let mut level = neg(half)?;
    while level <= half {
        let price_move = mul_div(range, level, half, Rounding::Down)?;
        push(
            &mut grid,
            price_move,
            &[VolState::Base, VolState::Up, VolState::Down],
            false,
        )?;
        level = add(level, 1)?;
    }
    let extreme = wmul(range, params.extreme_multiple, Rounding::Up)?;
    push(&mut grid, neg(extreme)?, &[VolState::Base], true)?;
    push(&mut grid, extreme, &[VolState::Base], true)?;
    Ok((range, grid))
}

/// Options of one strike and expiry (calls and puts share their gamma), net size in units.
#[derive(Clone, Copy)]
struct Group {
    strike: Wad,
    expiry: u64,
    net: Wad,
}

/// A position's instrument repriced at its underlying's market data: what the scenario loop of
/// [`margin_in`] reads of it.
pub(crate) trait Revalued {
    /// The option's kind; `None` for a perp, future or spot (valued at the price).
    fn option(&self) -> Option<OptionKind>;
    /// Value per unit at the current mark.
    fn mark(&self) -> Wad;
    /// Greeks per unit at the mark: delta, gamma·F, vega.
    fn greeks(&self) -> (Wad, Wad, Wad);
    /// Value per unit in scenario `i` of `grid` (the grid its underlying's pricing was made
    /// for). Errors: `Overflow` for an option outside the validated ranges.
    fn value(&self, grid: &Grid, i: usize) -> Result<Wad>;
}

/// Where [`margin_in`] gets each position's [`Revalued`] instrument: repriced in place (the risk
/// program, [`InPlace`]), or shared by every account valued at the same market data
/// (`crate::shared::SharedValues`, a keeper's).
pub(crate) trait Revaluation {
    /// The repriced instrument.
    type Values<'a>: Revalued
    where
        Self: 'a;
    /// A group's curvature terms per unit.
    type Curvature<'a>: CurvaturePerUnit
    where
        Self: 'a;
    /// `pos`'s instrument on underlying `k` (`u`, with scenario grid `grid`) repriced at `now`,
    /// its options' setups from `setups`. Errors: those of [`pricer`], and (where the values
    /// are computed at once) `Overflow` for a scenario value.
    fn revalue<'a>(
        &'a mut self,
        pos: &Position,
        underlying: (usize, &Underlying, &Grid),
        setups: &mut SetupCache,
        now: u64,
        vol_floor: Wad,
    ) -> Result<Self::Values<'a>>;
    /// The curvature terms per unit of the options of (`strike`, `expiry`) on underlying `k`,
    /// long on net if `long` ([`UnitCurvature`]). Errors: those of the option's setup.
    fn curvature<'a>(
        &'a mut self,
        underlying: (usize, &Underlying, &Grid),
        option: (Wad, u64, bool),
        setups: &mut SetupCache,
        now: u64,
        vol_floor: Wad,
    ) -> Result<Self::Curvature<'a>>;
}

/// Every instrument repriced where it is needed.
pub(crate) struct InPlace;

impl Revaluation for InPlace {
    type Values<'a> = Pricer;
    type Curvature<'a> = UnitCurvature;

    #[inline]
    fn revalue(
        &mut self,
        pos: &Position,
        (k, u, _): (usize, &Underlying, &Grid),
        setups: &mut SetupCache,
        now: u64,
        vol_floor: Wad,
    ) -> Result<Pricer> {
        pricer(pos, u, |strike, expiry| {
            setups.get(k, strike, expiry, u, now, vol_floor)
        })
    }

    #[inline]
    fn curvature(
        &mut self,
        (k, u, _): (usize, &Underlying, &Grid),
        (strike, expiry, long): (Wad, u64, bool),
        setups: &mut SetupCache,
        now: u64,
        vol_floor: Wad,
    ) -> Result<UnitCurvature> {
        let setup = setups.get(k, strike, expiry, u, now, vol_floor)?;
        Ok(UnitCurvature::new(&setup, strike, long))
    }
}

/// How one position is repriced.
pub(crate) struct Pricer {
    option: Option<OptionKind>,
    strike: Wad,
    /// σ√T per vol state: base, up, down.
    s: [Wad; 3],
    /// For the 64-bit fast path (where they fit): ln(F/K) in Q56 and each σ√T prepared.
    fast: (Option<i64>, [Option<TotalVol>; 3]),
    /// Value per unit at the current mark.
    mark: Wad,
    /// Greeks per unit at the mark: delta, gamma·F, vega.
    greeks: (Wad, Wad, Wad),
}

fn option_of(i: &Instrument) -> Option<(OptionKind, Wad, u64)> {
    match *i {
        Instrument::Call { strike, expiry } => Some((OptionKind::Call, strike, expiry)),
        Instrument::Put { strike, expiry } => Some((OptionKind::Put, strike, expiry)),
        _ => None,
    }
}

/// How `pos` on `u` is repriced, with `setup` giving its option's shared setup by strike and
/// expiry.
pub(crate) fn pricer(
    pos: &Position,
    u: &Underlying,
    setup: impl FnOnce(Wad, u64) -> Result<OptionSetup>,
) -> Result<Pricer> {
    let f = u.market.price;
    let Some((kind, strike, expiry)) = option_of(&pos.instrument) else {
        return Ok(Pricer {
            option: None,
            strike: 0,
            s: [0; 3],
            fast: (None, [None; 3]),
            mark: f,
            greeks: (WAD, 0, 0),
        });
    };
    let OptionSetup {
        sqrt_t,
        s,
        ln_fk_q56,
        total_vols,
        ..
    } = setup(strike, expiry)?;
    // The mark and the greeks share ln(F/K), √T and σ√T with the scenarios.
    let fast = Fast {
        ln_fk: ln_fk_q56,
        total_vol: total_vols[0],
    };
    let g = greeks_fast(kind, f, strike, &fast, sqrt_t, s[0])?;
    Ok(Pricer {
        option: Some(kind),
        strike,
        s,
        fast: (ln_fk_q56, total_vols),
        mark: g.price,
        greeks: (g.delta, g.gamma_f, g.vega),
    })
}

/// The mark of `pos`'s instrument per unit at `u`'s market data at `now` (a perp, future or spot:
/// the price; an option: Black-76 at the posted vol), as the margin report values it (the
/// 64-bit path only). Errors: those of pricing it in [`margin`]; `Overflow` for an option outside
/// the ranges [`margin`] validates (which this does not check).
pub fn mark(pos: &Position, u: &Underlying, now: u64) -> Result<Wad> {
    Ok(pricer(pos, u, |strike, expiry| option_setup(strike, expiry, u, now, 0))?.mark)
}

/// The short-option minimum of `u` per unit, USD (Wad), rounded up.
fn som_price(u: &Underlying) -> Result<Wad> {
    wmul(u.params.short_option_minimum, u.market.price, Rounding::Up)
}

/// Index of a vol state in `Pricer::s` and `OptionSetup::s`.
fn state_index(v: VolState) -> usize {
    match v {
        VolState::Base => 0,
        VolState::Up => 1,
        VolState::Down => 2,
    }
}

impl Revalued for Pricer {
    fn option(&self) -> Option<OptionKind> {
        self.option
    }

    fn mark(&self) -> Wad {
        self.mark
    }

    fn greeks(&self) -> (Wad, Wad, Wad) {
        self.greeks
    }

    #[inline(always)]
    fn value(&self, grid: &Grid, i: usize) -> Result<Wad> {
        let price = at(&grid.prices, i)?;
        let Some(kind) = self.option else { return Ok(price) };
        let state = state_index(at(&grid.scenarios, i)?.vol);
        if at(&self.s, state)? <= 0 {
            return intrinsic(kind, price, self.strike);
        }
        // Every option within the validated ranges fits the fast path (README, "64-bit hot
        // path"); outside them, `Overflow`.
        let x = self
            .fast
            .0
            .zip(q56_at(grid, i)?)
            .and_then(|(a, b)| a.checked_add(b));
        x.filter(|x| x.unsigned_abs() < 1 << 62)
            .zip(at(&self.fast.1, state)?)
            .and_then(|(x, tv)| price_fast(kind, price, self.strike, x, &tv))
            .ok_or(RiskError::Overflow)
    }
}

fn check_inputs(account: &Account<'_>, underlyings: &[Underlying], params: &RiskParams<'_>) -> Result<()> {
    if underlyings.len() > MAX_UNDERLYINGS {
        return Err(RiskError::TooManyUnderlyings);
    }
    if account.positions.len() > MAX_POSITIONS {
        return Err(RiskError::TooManyPositions);
    }
    params.validate(underlyings.len())?;
    for u in underlyings {
        check_price(u.market.price)?;
        check_vol(u.market.vol)?;
        u.params.validate()?;
        if !(0..=WAD).contains(&u.market.oracle_addon) {
            return Err(RiskError::InvalidParameter);
        }
    }
    for p in account.positions {
        if usize::from(p.underlying) >= underlyings.len() {
            return Err(RiskError::UnknownUnderlying);
        }
        if p.size.unsigned_abs() > MAX_SIZE.unsigned_abs() {
            return Err(RiskError::SizeOutOfRange);
        }
        if p.entry < 0 || p.entry > crate::units::MAX_PRICE {
            return Err(RiskError::PriceOutOfRange);
        }
    }
    Ok(())
}

/// The margin report of `account`. Errors: any [`RiskError`] for an input outside its range.
pub fn margin(
    account: &Account<'_>,
    underlyings: &[Underlying],
    params: &RiskParams<'_>,
) -> Result<MarginReport> {
    margin_in(&mut Workspace::new(), account, underlyings, params)
}

/// [`margin`] with the caller's scratch memory (any previous content is overwritten).
pub fn margin_in(
    ws: &mut Workspace,
    account: &Account<'_>,
    underlyings: &[Underlying],
    params: &RiskParams<'_>,
) -> Result<MarginReport> {
    margin_with(ws, &mut InPlace, account, underlyings, params)
}

/// [`margin_in`] with each instrument's repricing from `revaluation`.
pub(crate) fn margin_with<R: Revaluation>(
    ws: &mut Workspace,
    revaluation: &mut R,
    account: &Account<'_>,
    underlyings: &[Underlying],
    params: &RiskParams<'_>,
) -> Result<MarginReport> {
    check_inputs(account, underlyings, params)?;
    let n = underlyings.len();
    let mut report = MarginReport {
        count: n as u8,
        ..MarginReport::default()
    };
    let Workspace {
        grids,
        pnl,
        pnl_sums,
        ends,
        groups,
        setups,
    } = ws;
    setups.clear();
    // Every cell of `ends` and `pnl` read below is written first; the sums start at zero for the
    // underlyings in use.
    for row in pnl_sums.iter_mut().take(n) {
        *row = [[ProductSum::ZERO; MAX_SCENARIOS]; 2];
    }
    // Interval j lies between scenario j and scenario j + 3 (the next level, same vol state).
    let intervals = usize::from(params.grid_levels.saturating_sub(1)).saturating_mul(3);
    // Per underlying: units held long or short (gross), units of short options (before
    // netting), and the exact sums of size × delta, size × Γ·F and size × vega.
    let mut gross = [0 as Wad; MAX_UNDERLYINGS];
    let mut gross_short = [0 as Wad; MAX_UNDERLYINGS];
    let mut greek_sums = [[ProductSum::ZERO; 3]; MAX_UNDERLYINGS];
    // Σ size × (mark − entry), exact.
    let mut upnl = ProductSum::ZERO;
    let mut isolated_total: Usd = 0;
    let mut som_prices = [0 as Wad; MAX_UNDERLYINGS];

    for (k, u) in underlyings.iter().enumerate() {
        let (range, grid) = build_grid(u, params)?;
        at_mut(&mut report.underlyings, k)?.scan_range = range;
        *at_mut(grids, k)? = grid;
        *at_mut(&mut som_prices, k)? = som_price(u)?;
    }

    for pos in account.positions {
        let k = usize::from(pos.underlying);
        let u = underlyings.get(k).ok_or(RiskError::UnknownUnderlying)?;
        let grid = grids.get(k).ok_or(RiskError::UnknownUnderlying)?;
        let pr = revaluation.revalue(pos, (k, u, grid), setups, account.now, params.vol_floor)?;
        let mark = pr.mark();
        // Unrealised PnL at the mark (spot collateral is valued in `collateral`).
        if pos.instrument != Instrument::Spot {
            upnl.add_product(pos.size, sub(mark, pos.entry)?);
        }
        // Every scenario adds the exact size × value change to its sum (one rounding per
        // scenario, at the end; the extremes' sums are then scaled by their fraction), on the
        // side the position loses toward: a position's value is monotone in the price (calls,
        // perps, futures and spot rise with it, puts fall), so between two levels it loses at
        // most what it loses at the end on that side, and an interval's sum of worse-end losses
        // is read from the two sides' sums at its ends (below).
        let rises = pr.option() != Some(OptionKind::Put);
        let side = if (pos.size >= 0) == rises { FALLING } else { RISING };
        let sums = at_mut(at_mut(pnl_sums, k)?, side)?;
        // The position's worst change on the grid and at the extremes: the lowest for a long,
        // the highest for a short.
        let (mut worst_change, mut worst_extreme): (Wad, Wad) = (0, 0);
        let worse =
            |change: Wad, than: Wad| (pos.size > 0 && change < than) || (pos.size < 0 && change > than);
        for i in 0..grid.count {
            let change = sub(pr.value(grid, i)?, mark)?;
            at_mut(sums, i)?.add_product(pos.size, change);
            if at(&grid.scenarios, i)?.extreme {
                if worse(change, worst_extreme) {
                    worst_extreme = change;
                }
            } else if worse(change, worst_change) {
                worst_change = change;
            }
        }
        // Its worst PnL alone, rounded down as the scenarios' are (floor is monotone: the worst
        // of the rounded PnLs is the rounded worst change).
        let worst = usd_of(pos.size, worst_change, Rounding::Down)?.min(wmul(
            usd_of(pos.size, worst_extreme, Rounding::Down)?,
            params.extreme_fraction,
            Rounding::Down,
        )?);
        // Alone, a short option pays at least the short-option minimum.
        let mut alone = neg(worst)?;
        if pr.option().is_some() && pos.size < 0 {
            let short = neg(pos.size)?;
            let cell = at_mut(&mut gross_short, k)?;
            *cell = add(*cell, short)?;
            alone = alone.max(usd_of(short, at(&som_prices, k)?, Rounding::Up)?);
        }
        let r = at_mut(&mut report.underlyings, k)?;
        r.isolated = add(r.isolated, alone)?;
        isolated_total = add(isolated_total, alone)?;
        let (d, g, v) = pr.greeks();
        let [ds, gs, vs] = at_mut(&mut greek_sums, k)?;
        ds.add_product(pos.size, d);
        gs.add_product(pos.size, g);
        vs.add_product(pos.size, v);
        let g = at_mut(&mut gross, k)?;
        *g = add(*g, pos.size.abs())?;
    }

    // The greeks summed exactly, rounded down once per underlying; |net delta| also rounded
    // up, for the concentration add-on (against the account).
    let mut delta_abs_up = [0 as Wad; MAX_UNDERLYINGS];
    for k in 0..n {
        let [ds, gs, vs] = at(&greek_sums, k)?;
        let r = at_mut(&mut report.underlyings, k)?;
        r.delta = ds.wad_floor().ok_or(RiskError::Overflow)?;
        *at_mut(&mut delta_abs_up, k)? = if r.delta >= 0 {
            neg(ds.negated().wad_floor().ok_or(RiskError::Overflow)?)?
        } else {
            neg(r.delta)?
        };
        r.gamma = gs.wad_floor().ok_or(RiskError::Overflow)?;
        r.vega = vs.usd_floor().ok_or(RiskError::Overflow)?;
    }

    // Each scenario's and interval's exact sum, in money once, against the account: PnL
    // rounded down (an extreme's then scaled by its fraction, rounded down), an interval's loss
    // up.
    for k in 0..n {
        let grid = grids.get(k).ok_or(RiskError::UnknownUnderlying)?;
        let [falling, rising] = pnl_sums.get(k).ok_or(RiskError::UnknownUnderlying)?;
        let row = at_mut(pnl, k)?;
        for i in 0..grid.count {
            let sum = at(falling, i)?.plus(&at(rising, i)?);
            let mut p = sum.usd_floor().ok_or(RiskError::Overflow)?;
            if at(&grid.scenarios, i)?.extreme {
                p = wmul(p, params.extreme_fraction, Rounding::Down)?;
            }
            *at_mut(row, i)? = p;
        }
        // Interval j's worse ends: the lower level (j) for the positions that lose as the price
        // falls, the upper (j + 3) for the others.
        let e = at_mut(ends, k)?;
        for j in 0..intervals {
            let sum = at(falling, j)?.plus(&at(rising, add(j as i128, 3)? as usize)?);
            *at_mut(e, j)? = neg(sum.usd_floor().ok_or(RiskError::Overflow)?)?;
        }
    }

    // Per underlying: worst losses down, up and at zero move; directional split; add-ons.
    let mut directional = [0 as Usd; MAX_UNDERLYINGS];
    let mut non_directional_sum: Usd = 0;
    let mut loss_sum: Usd = 0;
    let mut add_ons: Usd = 0;
    for (k, u) in underlyings.iter().enumerate() {
        let grid = grids.get(k).ok_or(RiskError::UnknownUnderlying)?;
        let row = pnl.get(k).ok_or(RiskError::UnknownUnderlying)?;
        let (mut down, mut up, mut zero, mut worst_loss) = (0 as Usd, 0 as Usd, 0 as Usd, 0 as Usd);
        let mut worst = Scenario::default();
        for i in 0..grid.count {
            let loss = neg(at(row, i)?)?.max(0);
            let s = at(&grid.scenarios, i)?;
            let side = if s.price_move < 0 {
                &mut down
            } else if s.price_move > 0 {
                &mut up
            } else {
                &mut zero
            };
            *side = (*side).max(loss);
            if loss > worst_loss {
                worst_loss = loss;
                worst = s;
            }
        }
        let grid_loss = worst_loss;
        // Between grid levels (model v2): each interval whose bound could raise its side's worst
        // loss is bounded by the smaller of the sum of end losses and the curvature bound.
        let e = at(ends, k)?;
        let mut mask: u32 = 0;
        for j in 0..intervals {
            let upper = at(&grid.scenarios, add(j as i128, 3)? as usize)?.price_move;
            if at(&e, j)? > (if upper <= 0 { down } else { up }) {
                mask |= 1u32.checked_shl(j as u32).ok_or(RiskError::Overflow)?;
            }
        }
        let mut grouped = None;
        if mask != 0 {
            let count = group_options(account, k, groups)?;
            grouped = Some(count);
            let options = groups.get(..count).ok_or(RiskError::TooManyPositions)?;
            let (terms, unbounded) = curvature_terms(
                revaluation,
                (k, u, grid),
                params,
                mask,
                options,
                (setups, account.now),
            )?;
            for j in 0..intervals {
                let bit = 1u32.checked_shl(j as u32).ok_or(RiskError::Overflow)?;
                if mask & bit == 0 {
                    continue;
                }
                let b = add(j as i128, 3)? as usize;
                let mut bound = at(&e, j)?;
                if unbounded & bit == 0 {
                    let chord = neg(at(row, j)?)?.max(neg(at(row, b)?)?);
                    if let Ok(c) = add(chord, at(&terms, j)?.max(0)) {
                        bound = bound.min(c);
                    }
                }
                let (lower, upper) = (at(&grid.scenarios, j)?, at(&grid.scenarios, b)?);
                let side = if upper.price_move <= 0 { &mut down } else { &mut up };
                *side = (*side).max(bound);
                if bound > worst_loss {
                    worst_loss = bound;
                    worst = Scenario {
                        price_move: add(lower.price_move, upper.price_move)? / 2,
                        vol: lower.vol,
                        extreme: false,
                    };
                }
            }
        }
        // Short-option minimum (model v2), on net short options by strike and expiry; first
        // bounded by the gross short units, which settles most books without netting.
        let mut minimum: Usd = 0;
        let per_unit = at(&som_prices, k)?;
        if per_unit > 0 && usd_of(at(&gross_short, k)?, per_unit, Rounding::Up)? > worst_loss {
            let count = match grouped {
                Some(c) => c,
                None => group_options(account, k, groups)?,
            };
            let options = groups.get(..count).ok_or(RiskError::TooManyPositions)?;
            let net_short = options
                .iter()
                .try_fold(0 as Wad, |a, g| add(a, neg(g.net)?.max(0)))?;
            minimum = usd_of(net_short, per_unit, Rounding::Up)?;
        }
        let mut nd = down.min(up).max(zero);
        let dir = sub(down.max(up), nd)?.max(0);
        // What the minimum adds is lost whichever way the price goes; no scenario is the worst
        // then, so the report names the unmoved one.
        if minimum > worst_loss {
            nd = add(nd, sub(minimum, worst_loss)?)?;
            worst_loss = minimum;
            worst = Scenario::default();
        }
        let signed = if down >= up { dir } else { neg(dir)? };
        *at_mut(&mut directional, k)? = signed;
        non_directional_sum = add(non_directional_sum, nd)?;
        loss_sum = add(loss_sum, worst_loss)?;
        let r = at_mut(&mut report.underlyings, k)?;
        r.loss = worst_loss;
        r.grid_loss = grid_loss;
        r.directional = signed;
        r.non_directional = nd;
        r.worst = worst;
        // Add-ons: concentration on net delta notional above liquidity, oracle on gross notional.
        let net_notional = usd_of(at(&delta_abs_up, k)?, u.market.price, Rounding::Up)?;
        // The liquidity threshold is a Wad of USD: to micro-dollars, rounded down (more excess).
        let liquidity = mul_div(u.params.liquidity, 1, 1_000_000_000_000, Rounding::Down)?;
        let excess = sub(net_notional, liquidity)?.max(0);
        let concentration = wmul(excess, u.params.concentration_rate, Rounding::Up)?;
        let gross_notional = usd_of(at(&gross, k)?, u.market.price, Rounding::Up)?;
        let oracle = wmul(gross_notional, u.market.oracle_addon, Rounding::Up)?;
        r.add_on = add(concentration, oracle)?;
        add_ons = add(add_ons, r.add_on)?;
    }

    let dirs = directional.get(..n).ok_or(RiskError::TooManyUnderlyings)?;
    let base = add(quadratic_root(dirs, params, false)?, non_directional_sum)?;
    let one = add(
        dirs.iter().try_fold(0 as Usd, |a, d| add(a, *d))?.abs(),
        non_directional_sum,
    )?;
    let broken = add(quadratic_root(dirs, params, true)?, non_directional_sum)?;
    let blend = |w: Wad, other: Usd| -> Result<Usd> { add(base, wmul(w, sub(other, base)?, Rounding::Up)?) };
    // Rounding can push the root a few micro-dollars above the sum of parts; the exact value
    // never exceeds it (|ρ| ≤ 1), so clamp (invariant 1).
    let requirement = base
        .max(blend(params.w_up, one)?)
        .max(blend(params.w_down, broken)?)
        .min(loss_sum);

    report.requirement_base = base.min(loss_sum);
    report.requirement_one = one;
    report.requirement_broken = broken.min(loss_sum);
    report.requirement = requirement;
    report.maintenance = wmul(requirement, params.mm_factor, Rounding::Up)?;
    report.initial = add(wmul(report.maintenance, params.im_ratio, Rounding::Up)?, add_ons)?;
    report.add_ons = add_ons;
    report.isolated_maintenance = wmul(isolated_total, params.mm_factor, Rounding::Up)?;
    report.isolated_initial = add(
        wmul(report.isolated_maintenance, params.im_ratio, Rounding::Up)?,
        add_ons,
    )?;
    report.unrealised_pnl = upnl.usd_floor().ok_or(RiskError::Overflow)?;
    report.equity = add(account.collateral, report.unrealised_pnl)?;
    report.free_collateral = sub(report.equity, report.initial)?;
    report.utilisation = if report.maintenance == 0 {
        0
    } else if report.equity <= 0 {
        i128::MAX
    } else {
        wdiv(report.maintenance, report.equity, Rounding::Up)?
    };
    Ok(report)
}

/// Nets underlying `k`'s options into `groups` by strike and expiry (calls and puts together:
/// they share Γ, and a long call against a short put of one strike and expiry is a future);
/// expired options of one strike form one group (expiry 0), whatever their expiry. Returns the
/// number of groups.
fn group_options(account: &Account<'_>, k: usize, groups: &mut [Group; MAX_POSITIONS]) -> Result<usize> {
    let mut count = 0usize;
    for pos in account.positions {
        if usize::from(pos.underlying) != k {
            continue;
        }
        let Some((_, strike, expiry)) = option_of(&pos.instrument) else {
            continue;
        };
        // Expired options of one strike pay the same whatever their expiry: one group (expiry 0).
        let expiry = if expiry <= account.now { 0 } else { expiry };
        let known = groups.get(..count).ok_or(RiskError::TooManyPositions)?;
        match known
            .iter()
            .position(|g| g.strike == strike && g.expiry == expiry)
        {
            Some(i) => {
                let g = at_mut(groups, i)?;
                g.net = add(g.net, pos.size)?;
            }
            None => {
                *at_mut(groups, count)? = Group {
                    strike,
                    expiry,
                    net: pos.size,
                };
                count = add(count as i128, 1)? as usize;
            }
        }
    }
    Ok(count)
}

/// The curvature term of each interval in `mask` of underlying `u` (its options netted in
/// `groups` by [`group_options`]): an upper bound on
/// `(h²/8)·PnL''` over the interval (h its width in USD), so that the loss anywhere inside is at
/// most the worse end's book loss plus the term. `PnL'' = Σ size·Γ` and `Γ(x) = φ(d1)/(x·s)`
/// with d1 increasing in x; calls and puts of one strike and expiry share Γ, hence the netting.
/// Each group's term is its net size times its term per unit ([`UnitCurvature`], from
/// `revaluation`). An interval whose term overflows is returned in the second value: unbounded
/// by curvature, it keeps the sum of end losses.
fn curvature_terms<R: Revaluation>(
    revaluation: &mut R,
    (k, u, grid): (usize, &Underlying, &Grid),
    params: &RiskParams<'_>,
    mask: u32,
    groups: &[Group],
    (setups, now): (&mut SetupCache, u64),
) -> Result<([Usd; MAX_INTERVALS], u32)> {
    let intervals = usize::from(params.grid_levels.saturating_sub(1)).saturating_mul(3);
    let bits = |set: u32| (0..intervals).filter(move |j| set >> j & 1 == 1);
    let mut terms = [0 as Usd; MAX_INTERVALS];
    let mut unbounded: u32 = 0;
    for g in groups.iter().filter(|g| g.net != 0) {
        let option = (g.strike, g.expiry, g.net > 0);
        let mut per_unit = revaluation.curvature((k, u, grid), option, setups, now, params.vol_floor)?;
        for j in bits(mask & !unbounded) {
            let term = per_unit
                .term(grid, j)?
                .ok_or(RiskError::Overflow)
                .and_then(|t| usd_of(g.net, t, Rounding::Up));
            match term.and_then(|t| add(at(&terms, j)?, t)) {
                Ok(sum) => *at_mut(&mut terms, j)? = sum,
                Err(_) => unbounded |= 1 << j,
            }
        }
    }
    Ok((terms, unbounded))
}

/// Interval terms of [`curvature_terms`] per unit of a group's net size, as [`UnitCurvature`]
/// computes them.
pub(crate) trait CurvaturePerUnit {
    /// Interval `j`'s term per unit of `grid` (the grid it was made for): `Ok(None)` where it
    /// overflows (the interval is then unbounded by curvature). Errors: `Overflow` for an option
    /// outside the validated ranges.
    fn term(&mut self, grid: &Grid, j: usize) -> Result<Option<Wad>>;
}

/// The curvature term per unit of a group of options of one strike and expiry, long or short
/// on net. Long on net counts at `sup φ / (lo·s)` (φ(0) if the interval's d1 range spans zero,
/// else φ at the end nearer zero), short at `inf φ / (hi·s)` (the end farther from zero), φ once
/// per grid point and vol state. Expired options (s = 0) are netted by strike alone; long on net
/// adds its kink's lift `(K − lo)·(hi − K)/h` per unit where K lies inside, short nothing (a
/// concave kink).
#[derive(Clone, Copy)]
pub(crate) struct UnitCurvature {
    strike: Wad,
    long: bool,
    /// σ√T per vol state.
    s: [Wad; 3],
    /// ln(F/K) in Q56 and each σ√T prepared, where they fit.
    fast: (Option<i64>, [Option<TotalVol>; 3]),
    /// (d1, φ(d1)) at grid point i in its vol state, once computed.
    points: [Option<(Wad, Wad)>; MAX_GRID_LEVELS as usize * 3],
}

impl UnitCurvature {
    /// The group of `strike` (long on net if `long`) with its option setup.
    pub(crate) fn new(setup: &OptionSetup, strike: Wad, long: bool) -> Self {
        UnitCurvature {
            strike,
            long,
            s: setup.s,
            fast: (setup.ln_fk_q56, setup.total_vols),
            points: [None; MAX_GRID_LEVELS as usize * 3],
        }
    }

    fn point(&mut self, grid: &Grid, i: usize) -> Result<(Wad, Wad)> {
        if let Some(v) = at(&self.points, i)? {
            return Ok(v);
        }
        let state = state_index(at(&grid.scenarios, i)?.vol);
        let x = self
            .fast
            .0
            .zip(q56_at(grid, i)?)
            .and_then(|(a, b)| a.checked_add(b));
        // The 64-bit path (every option within the validated ranges fits it); the error of
        // φ(d1), d1's included, is inside the widening of `gamma_term`.
        let (x, tv) = x
            .filter(|x| x.unsigned_abs() < 1 << 62)
            .zip(at(&self.fast.1, state)?)
            .ok_or(RiskError::Overflow)?;
        let d1 = tv.d1(x);
        let v = (wad_of_q52(d1), wad_of_q63(density(d1)));
        *at_mut(&mut self.points, i)? = Some(v);
        Ok(v)
    }
}

impl CurvaturePerUnit for UnitCurvature {
    #[inline(always)]
    fn term(&mut self, grid: &Grid, j: usize) -> Result<Option<Wad>> {
        let b = add(j as i128, 3)? as usize;
        let s = at(&self.s, state_index(at(&grid.scenarios, j)?.vol))?;
        let (lo, hi) = (at(&grid.prices, j)?, at(&grid.prices, b)?);
        let (strike, long) = (self.strike, self.long);
        let term = if s <= 0 {
            // Expired: the payoff's kink at K lifts a long group's loss above the chord by at
            // most (K − lo)·(hi − K)/h per unit; a short group's kink only lowers it.
            if long && lo < strike && strike < hi {
                mul_div(sub(strike, lo)?, sub(hi, strike)?, sub(hi, lo)?, Rounding::Up)
            } else {
                Ok(0)
            }
        } else {
            let ((d_lo, p_lo), (d_hi, p_hi)) = (self.point(grid, j)?, self.point(grid, b)?);
            let (pdf, x) = if !long {
                (p_lo.min(p_hi), hi)
            } else if d_lo <= 0 && d_hi >= 0 {
                (INV_SQRT_2PI, lo)
            } else {
                (p_lo.max(p_hi), lo)
            };
            gamma_term(sub(hi, lo)?, x, pdf, s, long)
        };
        Ok(term.ok())
    }
}

/// `(h²/8)·φ/(x·s)` per unit (USD, Wad): with `up`, φ widened by 1e-7 of itself and four
/// units, and every step rounded up; else narrowed and rounded down, at least zero. The
/// widening covers φ's error: the 64-bit φ is within 5e-16·φ + 3e-18 of φ at the computed d1,
/// and d1 is off by at most 1e-9 (σ√T ≥ 1.8e-7 is floored to Q56 before its reciprocal, 8e-11
/// relative, times |d1|, plus the Q56 logs' 3e-17 ÷ σ√T); where φ ≥ 4e-18, |d1| < 9, so φ is off
/// by at most |d1|·1e-9 + 5e-16 < 1e-8 of itself. Errors: `Overflow`, `DivisionByZero`.
fn gamma_term(h: Wad, x: Wad, pdf: Wad, s: Wad, up: bool) -> Result<Wad> {
    let r = if up { Rounding::Up } else { Rounding::Down };
    // pdf ≥ 0: floor is the truncated quotient (by a 64-bit divisor's digits, not an `i128` `/`).
    let widen = add(mul_div(pdf, 1, 10_000_000, Rounding::Down)?, 4)?;
    let pdf = if up {
        add(pdf, widen)?
    } else {
        sub(pdf, widen)?.max(0)
    };
    let v = wmul(mul_div(h, h, x, r)?, wdiv(pdf, s, r)?, r)?;
    Ok(if up { add(v, 7)? / 8 } else { v / 8 })
}

/// `sqrt(Σ_k Σ_l ρ_kl·D_k·D_l)` rounded up, computed as `M·sqrt(Σ ρ d d)` with `d = D/M`,
/// `M = max |D|`, so no square overflows. With `broken`, correlations of hedging pairs
/// (`ρ_kl·D_k·D_l < 0`) shrink by `break_factor`.
fn quadratic_root(d: &[Usd], params: &RiskParams<'_>, broken: bool) -> Result<Usd> {
    let n = d.len();
    let m = d.iter().map(|x| x.unsigned_abs()).max().unwrap_or(0);
    if m == 0 {
        return Ok(0);
    }
    let m = i128::try_from(m).map_err(|_| RiskError::Overflow)?;
    // Each D/M once (not once per pair).
    let mut scaled = [0 as Wad; MAX_UNDERLYINGS];
    for k in 0..n {
        *at_mut(&mut scaled, k)? = wdiv(at(d, k)?, m, Rounding::Down)?;
    }
    let mut q: Wad = 0;
    for k in 0..n {
        let dk = at(&scaled, k)?;
        for l in 0..n {
            let dl = at(&scaled, l)?;
            let mut rho = entry(params.correlation, n, k, l)?;
            if broken && k != l && (rho > 0) != ((dk > 0) == (dl > 0)) && rho != 0 && dk != 0 && dl != 0 {
                rho = wmul(rho, sub(WAD, params.break_factor)?, Rounding::Down)?;
            }
            q = add(q, wmul(wmul(rho, dk, Rounding::Up)?, dl, Rounding::Up)?)?;
        }
    }
    wmul(m, sqrt(q.max(0), Rounding::Up)?, Rounding::Up)
}

/// What restores an account to initial margin, from its report.
pub fn liquidation(report: &MarginReport) -> Result<Liquidation> {
    let short = sub(report.initial, report.equity)?.max(0);
    let reduction = if short == 0 {
        0
    } else if report.equity <= 0 {
        WAD
    } else {
        sub(WAD, wdiv(report.equity, report.initial, Rounding::Down)?)?
    };
    Ok(Liquidation {
        liquidatable: report.equity < report.maintenance,
        collateral_to_initial: short,
        reduction_to_initial: reduction,
    })
}
