//! The packed wire format of a margin request (the stateless risk program's input) and of its
//! answer. Big-endian; every number a fixed width; no padding.
//!
//! Request:
//! ```text
//! u8 version (2) | u64 now | i128 collateral (Usd)
//! u8 grid_levels | 9 × i128: extreme_multiple, extreme_fraction, max_down_move, w_up, w_down,
//!                             break_factor, mm_factor, im_ratio, vol_floor
//! u8 n | n × 12 × i128: price, vol, oracle_addon, scan_floor, vol_multiple, horizon, vol_up,
//!                       vol_down, vol_tenor_exponent, liquidity, concentration_rate,
//!                       short_option_minimum
//! n(n−1)/2 × i128: correlations above the diagonal, row by row (unit diagonal, symmetric)
//! u16 m | m × (u8 underlying | u8 kind | i128 size | i128 entry | kind-specific):
//!         kind 0 perp, 4 spot: nothing; 1 future: u64 expiry; 2 call, 3 put: i128 strike, u64 expiry
//! [u16 q]  optional, 1 ≤ q ≤ m: the answer quotes the first q positions (absent when q = 0)
//! ```
//! Answer ([`Answer`], encoded and decoded here only): 10 ABI words (int256, sign-extended):
//! equity, initial, maintenance, requirement, isolated initial, isolated maintenance, free
//! collateral, utilisation, add-ons, liquidatable; then [`UNDERLYING_WORDS`] words per underlying of the request, in its order: net delta (Wad),
//! net gamma·F (Wad), net vega (Usd), worst-scenario loss (Usd), the worst scenario's price move
//! (Wad) and vol state (0 unchanged, 1 up, 2 down), and the scan range (Wad); then two words per
//! quoted position ([`Quote`]): its mark per unit and its underlying's price (both Wad). A caller
//! quotes the instruments it trades (size 0 for one it closes) to hold trade prices to a band
//! around the engine's own marks.

use alloc::vec::Vec;

use crate::error::{Result, RiskError};
use crate::fixed::{Usd, Wad, WAD};
use crate::margin::{Liquidation, MarginReport, VolState};
use crate::params::{RiskParams, UnderlyingParams};
use crate::portfolio::{Instrument, Market, Position, Underlying};

/// The version byte this module reads and writes (2: model v2's short-option minimum and vol
/// floor joined the parameters).
pub const VERSION: u8 = 2;

/// Parameters per underlying on the wire ([`params_of`]).
pub const UNDERLYING_PARAMS: usize = 9;

/// Account-wide scalar parameters on the wire ([`scalars_of`]).
pub const SCALARS: usize = 9;

/// A decoded request: everything [`crate::margin`] needs, owned.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Request {
    /// Valuation time, unix seconds.
    pub now: u64,
    /// Collateral after haircuts.
    pub collateral: Usd,
    /// Account-wide parameters except the matrix.
    pub grid_levels: u8,
    /// extreme_multiple, extreme_fraction, max_down_move, w_up, w_down, break_factor, mm_factor,
    /// im_ratio, vol_floor.
    pub scalars: [Wad; SCALARS],
    /// Market data and parameters.
    pub underlyings: Vec<Underlying>,
    /// Full `n × n` matrix, row-major.
    pub correlation: Vec<Wad>,
    /// Positions.
    pub positions: Vec<Position>,
    /// How many leading positions the answer quotes (≤ the number of positions).
    pub quotes: u16,
}

/// An underlying's nine parameters in wire order: scan floor, vol multiple, horizon, vol up,
/// vol down, tenor exponent, liquidity, concentration rate, short-option minimum.
pub fn params_of(p: &UnderlyingParams) -> [Wad; UNDERLYING_PARAMS] {
    [
        p.scan_floor,
        p.vol_multiple,
        p.horizon,
        p.vol_up,
        p.vol_down,
        p.vol_tenor_exponent,
        p.liquidity,
        p.concentration_rate,
        p.short_option_minimum,
    ]
}

/// The inverse of [`params_of`].
pub fn params_from(v: [Wad; UNDERLYING_PARAMS]) -> UnderlyingParams {
    let [scan_floor, vol_multiple, horizon, vol_up, vol_down, vol_tenor_exponent, liquidity, concentration_rate, short_option_minimum] =
        v;
    UnderlyingParams {
        scan_floor,
        vol_multiple,
        horizon,
        vol_up,
        vol_down,
        vol_tenor_exponent,
        liquidity,
        concentration_rate,
        short_option_minimum,
    }
}

/// The nine scalar parameters of `p`, in wire order (the inverse of [`Request::params`]).
pub fn scalars_of(p: &RiskParams<'_>) -> [Wad; SCALARS] {
    [
        p.extreme_multiple,
        p.extreme_fraction,
        p.max_down_move,
        p.w_up,
        p.w_down,
        p.break_factor,
        p.mm_factor,
        p.im_ratio,
        p.vol_floor,
    ]
}

impl Request {
    /// The account-wide parameters, borrowing the matrix.
    pub fn params(&self) -> RiskParams<'_> {
        let [extreme_multiple, extreme_fraction, max_down_move, w_up, w_down, break_factor, mm_factor, im_ratio, vol_floor] =
            self.scalars;
        RiskParams {
            grid_levels: self.grid_levels,
            extreme_multiple,
            extreme_fraction,
            max_down_move,
            correlation: &self.correlation,
            w_up,
            w_down,
            break_factor,
            mm_factor,
            im_ratio,
            vol_floor,
        }
    }
}

struct Reader<'a> {
    data: &'a [u8],
}

impl Reader<'_> {
    fn take<const N: usize>(&mut self) -> Result<[u8; N]> {
        let (head, rest) = self.data.split_first_chunk::<N>().ok_or(RiskError::BadEncoding)?;
        self.data = rest;
        Ok(*head)
    }
    fn u8(&mut self) -> Result<u8> {
        Ok(u8::from_be_bytes(self.take()?))
    }
    fn u16(&mut self) -> Result<u16> {
        Ok(u16::from_be_bytes(self.take()?))
    }
    fn u64(&mut self) -> Result<u64> {
        Ok(u64::from_be_bytes(self.take()?))
    }
    fn i128(&mut self) -> Result<i128> {
        Ok(i128::from_be_bytes(self.take()?))
    }
}

/// Decodes a request. Errors: `BadEncoding`, `TooManyUnderlyings`, `TooManyPositions`.
pub fn decode(data: &[u8]) -> Result<Request> {
    let mut r = Reader { data };
    if r.u8()? != VERSION {
        return Err(RiskError::BadEncoding);
    }
    let now = r.u64()?;
    let collateral = r.i128()?;
    let grid_levels = r.u8()?;
    let mut scalars = [0; SCALARS];
    for s in &mut scalars {
        *s = r.i128()?;
    }
    let n = usize::from(r.u8()?);
    if n > crate::params::MAX_UNDERLYINGS {
        return Err(RiskError::TooManyUnderlyings);
    }
    let mut underlyings = Vec::with_capacity(n);
    for _ in 0..n {
        let market = Market {
            price: r.i128()?,
            vol: r.i128()?,
            oracle_addon: r.i128()?,
        };
        let mut values = [0; UNDERLYING_PARAMS];
        for v in &mut values {
            *v = r.i128()?;
        }
        let params = params_from(values);
        underlyings.push(Underlying { market, params });
    }
    let mut correlation = alloc::vec![0; n.saturating_mul(n)];
    for i in 0..n {
        if let Some(d) = correlation.get_mut(i.saturating_mul(n).saturating_add(i)) {
            *d = WAD;
        }
        for j in i.saturating_add(1)..n {
            let v = r.i128()?;
            for k in [
                i.saturating_mul(n).saturating_add(j),
                j.saturating_mul(n).saturating_add(i),
            ] {
                if let Some(c) = correlation.get_mut(k) {
                    *c = v;
                }
            }
        }
    }
    let m = usize::from(r.u16()?);
    if m > crate::params::MAX_POSITIONS {
        return Err(RiskError::TooManyPositions);
    }
    let mut positions = Vec::with_capacity(m);
    for _ in 0..m {
        let underlying = r.u8()?;
        let kind = r.u8()?;
        let size = r.i128()?;
        let entry = r.i128()?;
        let instrument = match kind {
            0 => Instrument::Perp,
            1 => Instrument::Future { expiry: r.u64()? },
            2 => Instrument::Call {
                strike: r.i128()?,
                expiry: r.u64()?,
            },
            3 => Instrument::Put {
                strike: r.i128()?,
                expiry: r.u64()?,
            },
            4 => Instrument::Spot,
            _ => return Err(RiskError::BadEncoding),
        };
        positions.push(Position {
            underlying,
            instrument,
            size,
            entry,
        });
    }
    // The optional quote count: one encoding per request, so an explicit 0 is refused.
    let quotes = if r.data.is_empty() {
        0
    } else {
        match r.u16()? {
            0 => return Err(RiskError::BadEncoding),
            q => q,
        }
    };
    if !r.data.is_empty() || usize::from(quotes) > m {
        return Err(RiskError::BadEncoding);
    }
    Ok(Request {
        now,
        collateral,
        grid_levels,
        scalars,
        underlyings,
        correlation,
        positions,
        quotes,
    })
}

/// The most bytes a position takes: underlying and kind, size, entry, strike, expiry.
const POSITION_BYTES: usize = 2 + 3 * 16 + 8;

/// Copies `bytes` into `buf` from `at`; where it ends (nothing copied past the end of `buf`).
fn put(buf: &mut [u8], at: usize, bytes: &[u8]) -> usize {
    let end = at.saturating_add(bytes.len());
    if let Some(dst) = buf.get_mut(at..end) {
        dst.copy_from_slice(bytes);
    }
    end
}

/// Writes a request piece by piece, in wire order: [`Writer::header`], one
/// [`Writer::underlying`] per underlying, [`Writer::correlation`] for each entry above the
/// diagonal (row by row), [`Writer::position_count`], then one [`Writer::position`] per position.
/// A caller that has its inputs in another shape (e.g. storage) streams them without building a
/// [`Request`].
pub struct Writer {
    out: Vec<u8>,
}

impl Writer {
    /// Starts a request: version, valuation time, collateral, grid levels, scalars, and the number
    /// of underlyings that follow.
    pub fn header(
        now: u64,
        collateral: Usd,
        grid_levels: u8,
        scalars: &[Wad; SCALARS],
        underlyings: u8,
    ) -> Self {
        let mut out = Vec::with_capacity(512);
        out.push(VERSION);
        out.extend_from_slice(&now.to_be_bytes());
        out.extend_from_slice(&collateral.to_be_bytes());
        out.push(grid_levels);
        for s in scalars {
            out.extend_from_slice(&s.to_be_bytes());
        }
        out.push(underlyings);
        Writer { out }
    }

    /// [`Self::header`] with the grid levels and the scalars already in wire form (`params`:
    /// the grid levels' byte, then the nine scalars' 16 bytes each, as `header` writes them).
    pub fn header_wire(now: u64, collateral: Usd, params: &[u8], underlyings: u8) -> Self {
        let mut out = Vec::with_capacity(512);
        out.push(VERSION);
        out.extend_from_slice(&now.to_be_bytes());
        out.extend_from_slice(&collateral.to_be_bytes());
        out.extend_from_slice(params);
        out.push(underlyings);
        Writer { out }
    }

    /// [`Self::underlying`] with the oracle add-on and the nine parameters already in wire form
    /// (`params`: 16 bytes each, as `underlying` writes them).
    pub fn underlying_wire(&mut self, price: Wad, vol: Wad, params: &[u8]) {
        self.i128(price);
        self.i128(vol);
        self.out.extend_from_slice(params);
    }

    fn i128(&mut self, v: i128) {
        self.out.extend_from_slice(&v.to_be_bytes());
    }

    /// One underlying's market data and parameters.
    pub fn underlying(&mut self, u: &Underlying) {
        for v in [u.market.price, u.market.vol, u.market.oracle_addon] {
            self.i128(v);
        }
        for v in params_of(&u.params) {
            self.i128(v);
        }
    }

    /// One correlation above the diagonal.
    pub fn correlation(&mut self, rho: Wad) {
        self.i128(rho);
    }

    /// [`Self::correlation`] already in wire form (16 bytes).
    pub fn correlation_wire(&mut self, rho: &[u8]) {
        self.out.extend_from_slice(rho);
    }

    /// The number of positions that follow (and room for them, at most an option's bytes each,
    /// so that writing them moves nothing).
    pub fn position_count(&mut self, m: u16) {
        self.out.extend_from_slice(&m.to_be_bytes());
        self.out.reserve(usize::from(m).saturating_mul(POSITION_BYTES));
    }

    /// One position, its bytes gathered first and appended at once (an append per field cost
    /// about 4 gas each in a Stylus program).
    pub fn position(&mut self, p: &Position) {
        let (kind, strike, expiry) = match p.instrument {
            Instrument::Perp => (0u8, None, None),
            Instrument::Future { expiry } => (1, None, Some(expiry)),
            Instrument::Call { strike, expiry } => (2, Some(strike), Some(expiry)),
            Instrument::Put { strike, expiry } => (3, Some(strike), Some(expiry)),
            Instrument::Spot => (4, None, None),
        };
        let mut bytes = [0u8; POSITION_BYTES];
        let mut at = put(&mut bytes, 0, &[p.underlying, kind]);
        at = put(&mut bytes, at, &p.size.to_be_bytes());
        at = put(&mut bytes, at, &p.entry.to_be_bytes());
        if let Some(k) = strike {
            at = put(&mut bytes, at, &k.to_be_bytes());
        }
        if let Some(e) = expiry {
            at = put(&mut bytes, at, &e.to_be_bytes());
        }
        self.out.extend_from_slice(bytes.get(..at).unwrap_or_default());
    }

    /// The number of leading positions the answer quotes; write nothing when none (after the
    /// positions).
    pub fn quotes(&mut self, q: u16) {
        if q != 0 {
            self.out.extend_from_slice(&q.to_be_bytes());
        }
    }

    /// The bytes written.
    pub fn finish(self) -> Vec<u8> {
        self.out
    }
}

/// Encodes a request (the inverse of [`decode`]; the matrix's upper triangle is written).
pub fn encode(req: &Request) -> Vec<u8> {
    let n = req.underlyings.len();
    let mut w = Writer::header(req.now, req.collateral, req.grid_levels, &req.scalars, n as u8);
    for u in &req.underlyings {
        w.underlying(u);
    }
    for i in 0..n {
        for j in i.saturating_add(1)..n {
            let v = req
                .correlation
                .get(i.saturating_mul(n).saturating_add(j))
                .copied()
                .unwrap_or(0);
            w.correlation(v);
        }
    }
    w.position_count(req.positions.len() as u16);
    for p in &req.positions {
        w.position(p);
    }
    w.quotes(req.quotes);
    w.finish()
}

/// Words of the answer's account-wide part.
pub const ACCOUNT_WORDS: usize = 10;
/// Words per underlying after it.
pub const UNDERLYING_WORDS: usize = 7;
/// Words per quote after them.
pub const QUOTE_WORDS: usize = 2;
/// Bytes of one ABI word.
const WORD: usize = 32;

/// The risk program's answer: the account's figures, then one entry per underlying of the
/// request, in its order. Encoded as ABI words (see the module docs).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Answer {
    /// Collateral plus the positions' value at the marks.
    pub equity: Usd,
    /// Initial margin.
    pub initial: Usd,
    /// Maintenance margin.
    pub maintenance: Usd,
    /// The blended requirement (before the MM factor).
    pub requirement: Usd,
    /// Each position margined alone: initial.
    pub isolated_initial: Usd,
    /// Each position margined alone: maintenance.
    pub isolated_maintenance: Usd,
    /// Equity − initial margin.
    pub free_collateral: Usd,
    /// Maintenance / equity; `i128::MAX` when equity ≤ 0 and maintenance > 0.
    pub utilisation: Wad,
    /// The add-ons included in the initial margin.
    pub add_ons: Usd,
    /// Equity below maintenance margin.
    pub liquidatable: bool,
    /// Per underlying of the request, in its order.
    pub underlyings: Vec<UnderlyingAnswer>,
    /// Per quoted position of the request, in its order.
    pub quotes: Vec<Quote>,
}

/// The engine's own valuation of one quoted position's instrument.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Quote {
    /// Value per unit at the marks (a perp or future: the price; an option: Black-76 at the
    /// posted vol), USD with 18 decimals.
    pub mark: Wad,
    /// Its underlying's price, USD with 18 decimals.
    pub price: Wad,
}

/// The answer's figures for one underlying.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct UnderlyingAnswer {
    /// Net delta, units of the underlying.
    pub delta: Wad,
    /// Net gamma as Γ·F: the change of net delta for a 100% price move.
    pub gamma: Wad,
    /// Net vega, USD per 1.00 of volatility.
    pub vega: Usd,
    /// The worst scenario's loss.
    pub loss: Usd,
    /// The worst scenario's price move, a fraction of the price.
    pub worst_move: Wad,
    /// The worst scenario's vol state.
    pub worst_vol: VolState,
    /// The scan range, a fraction of the price.
    pub scan_range: Wad,
}

/// The answer's code of a vol state: 0 unchanged, 1 up, 2 down.
pub fn vol_state_code(v: VolState) -> i128 {
    match v {
        VolState::Base => 0,
        VolState::Up => 1,
        VolState::Down => 2,
    }
}

fn vol_state_of(code: i128) -> Result<VolState> {
    match code {
        0 => Ok(VolState::Base),
        1 => Ok(VolState::Up),
        2 => Ok(VolState::Down),
        _ => Err(RiskError::BadEncoding),
    }
}

/// `v` as an ABI `int256` word (sign-extended).
fn word(v: i128) -> [u8; WORD] {
    let mut w = if v < 0 { [0xFF; WORD] } else { [0; WORD] };
    if let Some(tail) = w.get_mut(16..) {
        tail.copy_from_slice(&v.to_be_bytes());
    }
    w
}

/// The `int128` in an ABI word. Errors: `BadEncoding` unless the word is a sign-extended `int128`.
fn int_of(w: &[u8]) -> Result<i128> {
    let (high, low) = w.split_at_checked(16).ok_or(RiskError::BadEncoding)?;
    let low: [u8; 16] = low.try_into().map_err(|_| RiskError::BadEncoding)?;
    let v = i128::from_be_bytes(low);
    let fill = if v < 0 { 0xFF } else { 0 };
    if high.iter().any(|b| *b != fill) {
        return Err(RiskError::BadEncoding);
    }
    Ok(v)
}

impl Answer {
    /// The answer to a request from its margin report and liquidation figures.
    pub fn of(r: &MarginReport, l: &Liquidation) -> Self {
        let n = usize::from(r.count);
        Answer {
            equity: r.equity,
            initial: r.initial,
            maintenance: r.maintenance,
            requirement: r.requirement,
            isolated_initial: r.isolated_initial,
            isolated_maintenance: r.isolated_maintenance,
            free_collateral: r.free_collateral,
            utilisation: r.utilisation,
            add_ons: r.add_ons,
            liquidatable: l.liquidatable,
            underlyings: r
                .underlyings
                .iter()
                .take(n)
                .map(|u| UnderlyingAnswer {
                    delta: u.delta,
                    gamma: u.gamma,
                    vega: u.vega,
                    loss: u.loss,
                    worst_move: u.worst.price_move,
                    worst_vol: u.worst.vol,
                    scan_range: u.scan_range,
                })
                .collect(),
            quotes: Vec::new(),
        }
    }

    /// The ABI words: [`ACCOUNT_WORDS`], then [`UNDERLYING_WORDS`] per underlying, then
    /// [`QUOTE_WORDS`] per quote.
    pub fn encode(&self) -> Vec<u8> {
        let words = ACCOUNT_WORDS
            .saturating_add(self.underlyings.len().saturating_mul(UNDERLYING_WORDS))
            .saturating_add(self.quotes.len().saturating_mul(QUOTE_WORDS));
        let mut out = Vec::with_capacity(WORD.saturating_mul(words));
        for v in [
            self.equity,
            self.initial,
            self.maintenance,
            self.requirement,
            self.isolated_initial,
            self.isolated_maintenance,
            self.free_collateral,
            self.utilisation,
            self.add_ons,
            i128::from(self.liquidatable),
        ] {
            out.extend_from_slice(&word(v));
        }
        for u in &self.underlyings {
            for v in [
                u.delta,
                u.gamma,
                u.vega,
                u.loss,
                u.worst_move,
                vol_state_code(u.worst_vol),
                u.scan_range,
            ] {
                out.extend_from_slice(&word(v));
            }
        }
        for q in &self.quotes {
            out.extend_from_slice(&word(q.mark));
            out.extend_from_slice(&word(q.price));
        }
        out
    }

    /// Decodes [`Answer::encode`]'s bytes of an answer with `quotes` quotes. Errors:
    /// `BadEncoding` (a length that is not [`ACCOUNT_WORDS`] plus a whole number of underlyings
    /// plus the quotes, a word that is not a sign-extended `int128`, a flag other than 0 or 1, an
    /// unknown vol state).
    pub fn decode(data: &[u8], quotes: usize) -> Result<Self> {
        const PER_UNDERLYING: usize = WORD * UNDERLYING_WORDS;
        let rest = data
            .len()
            .checked_sub(WORD * ACCOUNT_WORDS)
            .and_then(|r| r.checked_sub(quotes.checked_mul(WORD * QUOTE_WORDS)?))
            .ok_or(RiskError::BadEncoding)?;
        if !rest.is_multiple_of(PER_UNDERLYING) {
            return Err(RiskError::BadEncoding);
        }
        let underlyings = rest / PER_UNDERLYING;
        let mut words = data.chunks_exact(WORD);
        let mut next = || -> Result<i128> { int_of(words.next().ok_or(RiskError::BadEncoding)?) };
        let mut a = Answer {
            equity: next()?,
            initial: next()?,
            maintenance: next()?,
            requirement: next()?,
            isolated_initial: next()?,
            isolated_maintenance: next()?,
            free_collateral: next()?,
            utilisation: next()?,
            add_ons: next()?,
            liquidatable: match next()? {
                0 => false,
                1 => true,
                _ => return Err(RiskError::BadEncoding),
            },
            underlyings: Vec::with_capacity(underlyings),
            quotes: Vec::with_capacity(quotes),
        };
        for _ in 0..underlyings {
            a.underlyings.push(UnderlyingAnswer {
                delta: next()?,
                gamma: next()?,
                vega: next()?,
                loss: next()?,
                worst_move: next()?,
                worst_vol: vol_state_of(next()?)?,
                scan_range: next()?,
            });
        }
        for _ in 0..quotes {
            a.quotes.push(Quote {
                mark: next()?,
                price: next()?,
            });
        }
        Ok(a)
    }
}
