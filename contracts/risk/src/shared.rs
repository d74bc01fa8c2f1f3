//! Instruments repriced once for many accounts: a keeper re-margins thousands of books that hold
//! the same listed options, and an option's value in each scenario depends only on the
//! instrument, its underlying's market data and parameters, the time and the grid, never on who
//! holds it. [`margin_shared`] gives the report [`crate::margin_in`] gives, to the wei (tests
//! compare them), repricing each instrument once per round instead of once per holder: the
//! risk arrays of SPAN, computed per contract and summed per account.
//!
//! Entries are kept by the underlying's state (its market data and parameters, the time and the
//! grid), not by its index in one account's market data: accounts that list their underlyings
//! in different orders share them, and at one time a price move reprices only the moved
//! underlyings' options. Everything is dropped when the time changes (no state of another time
//! can be met again: keepers value at each new block's time), and the states not used for
//! longest past [`MAX_STATES`].

use alloc::collections::btree_map::Entry;
use alloc::collections::BTreeMap;
use alloc::vec::Vec;

use crate::black76::OptionKind;
use crate::error::{Result, RiskError};
use crate::fixed::Wad;
use crate::margin::{
    margin_with, pricer, CurvaturePerUnit, Grid, MarginReport, Revaluation, Revalued, UnitCurvature,
    Workspace, MAX_INTERVALS, MAX_SCENARIOS,
};
use crate::option_setup::SetupCache;
use crate::params::{RiskParams, MAX_UNDERLYINGS};
use crate::portfolio::{Account, Instrument, Position, Underlying};

/// One instrument repriced: what every account holding it reads.
#[derive(Clone, Copy)]
pub(crate) struct Valued {
    option: Option<OptionKind>,
    mark: Wad,
    greeks: (Wad, Wad, Wad),
    /// Value per unit in each scenario of its underlying's grid.
    values: [Wad; MAX_SCENARIOS],
}

impl Revalued for &Valued {
    fn option(&self) -> Option<OptionKind> {
        self.option
    }

    fn mark(&self) -> Wad {
        self.mark
    }

    fn greeks(&self) -> (Wad, Wad, Wad) {
        self.greeks
    }

    fn value(&self, _: &Grid, i: usize) -> Result<Wad> {
        self.values.get(i).copied().ok_or(RiskError::TooManyUnderlyings)
    }
}

/// What an underlying's scenario values depend on besides the instrument.
#[derive(Clone, Copy, PartialEq, Eq)]
struct Basis {
    underlying: Underlying,
    now: u64,
    grid_levels: u8,
    extreme_multiple: Wad,
    max_down_move: Wad,
    vol_floor: Wad,
}

/// Underlying states kept at most; the one not used for longest goes first.
pub const MAX_STATES: usize = 256;

/// An option by underlying state, kind (0 call, 1 put), strike and expiry.
type Key = (u64, u8, Wad, u64);

/// A group of options by underlying state, strike, expiry (0: expired) and whether it is long on
/// net.
type GroupKey = (u64, Wad, u64, bool);

/// An underlying state with entries.
struct State {
    basis: Basis,
    id: u64,
    /// The margin call that last used it.
    used: u64,
}

/// A group's curvature terms per unit, each interval's computed the first time an account asks.
pub(crate) struct SharedCurvature {
    unit: UnitCurvature,
    terms: [Option<Result<Option<Wad>>>; MAX_INTERVALS],
}

impl CurvaturePerUnit for &mut SharedCurvature {
    fn term(&mut self, grid: &Grid, j: usize) -> Result<Option<Wad>> {
        let cell = self.terms.get_mut(j).ok_or(RiskError::TooManyUnderlyings)?;
        if let Some(known) = *cell {
            return known;
        }
        let known = self.unit.term(grid, j);
        *cell = Some(known);
        known
    }
}

/// Options' scenario values kept across the accounts of a round (one per thread: it is not
/// shared between threads). Perps, futures and spot are valued at the grid's prices directly.
pub struct SharedValues {
    states: Vec<State>,
    /// The next state's id (ids are not reused while any entry is kept).
    next_id: u64,
    /// The time the states are at.
    now: Option<u64>,
    /// Margin calls so far.
    calls: u64,
    /// The state of each underlying index of the account being margined.
    ids: [u64; MAX_UNDERLYINGS],
    values: BTreeMap<Key, Valued>,
    curvatures: BTreeMap<GroupKey, SharedCurvature>,
    /// Options repriced (each once per round and underlying state).
    pub repriced: u64,
    /// Option positions that read a repricing already made.
    pub reused: u64,
    /// The last perp, future or spot valued (not kept).
    scratch: Valued,
}

impl Default for SharedValues {
    fn default() -> Self {
        Self::new()
    }
}

impl SharedValues {
    /// An empty set.
    pub fn new() -> Self {
        SharedValues {
            states: Vec::new(),
            next_id: 0,
            now: None,
            calls: 0,
            ids: [0; MAX_UNDERLYINGS],
            values: BTreeMap::new(),
            curvatures: BTreeMap::new(),
            repriced: 0,
            reused: 0,
            scratch: Valued {
                option: None,
                mark: 0,
                greeks: (0, 0, 0),
                values: [0; MAX_SCENARIOS],
            },
        }
    }

    /// Finds (or makes) the state of each of `underlyings` at `now` under `params`, dropping the
    /// states not used for longest past [`MAX_STATES`].
    fn rebase(&mut self, underlyings: &[Underlying], now: u64, params: &RiskParams<'_>) {
        self.calls = self.calls.saturating_add(1);
        // A new time, or ids near their end (never in practice): start afresh, so that no id is
        // ever given to two states.
        let ids_left = u64::MAX.saturating_sub(self.next_id);
        if self.now != Some(now) || ids_left < MAX_UNDERLYINGS as u64 {
            if ids_left < MAX_UNDERLYINGS as u64 {
                self.next_id = 0;
            }
            self.states.clear();
            self.values.clear();
            self.curvatures.clear();
            self.now = Some(now);
        }
        for (k, u) in underlyings.iter().enumerate().take(MAX_UNDERLYINGS) {
            let basis = Basis {
                underlying: *u,
                now,
                grid_levels: params.grid_levels,
                extreme_multiple: params.extreme_multiple,
                max_down_move: params.max_down_move,
                vol_floor: params.vol_floor,
            };
            let id = match self.states.iter_mut().rev().find(|s| s.basis == basis) {
                Some(state) => {
                    state.used = self.calls;
                    state.id
                }
                None => {
                    let id = self.next_id;
                    self.next_id = id.saturating_add(1); // below u64::MAX: reset above
                    self.states.push(State {
                        basis,
                        id,
                        used: self.calls,
                    });
                    id
                }
            };
            if let Some(slot) = self.ids.get_mut(k) {
                *slot = id;
            }
        }
        while self.states.len() > MAX_STATES {
            let oldest = self.states.iter().enumerate().min_by_key(|(_, s)| s.used);
            let Some((oldest, _)) = oldest else {
                break;
            };
            let gone = self.states.remove(oldest).id;
            self.values.retain(|key, _| key.0 != gone);
            self.curvatures.retain(|key, _| key.0 != gone);
        }
    }

    /// The state id of underlying index `k` of the account being margined.
    fn id(&self, k: usize) -> Result<u64> {
        self.ids.get(k).copied().ok_or(RiskError::TooManyUnderlyings)
    }
}

impl Revaluation for SharedValues {
    type Values<'a> = &'a Valued;
    type Curvature<'a> = &'a mut SharedCurvature;

    fn revalue<'a>(
        &'a mut self,
        pos: &Position,
        (k, u, grid): (usize, &Underlying, &Grid),
        setups: &mut SetupCache,
        now: u64,
        vol_floor: Wad,
    ) -> Result<&'a Valued> {
        let mut price = || -> Result<Valued> {
            let pr = pricer(pos, u, |strike, expiry| {
                setups.get(k, strike, expiry, u, now, vol_floor)
            })?;
            let mut values = [0; MAX_SCENARIOS];
            for (i, v) in values.iter_mut().enumerate().take(grid.len()) {
                *v = pr.value(grid, i)?;
            }
            Ok(Valued {
                option: pr.option(),
                mark: pr.mark(),
                greeks: pr.greeks(),
                values,
            })
        };
        let id = self.id(k)?;
        let key = match pos.instrument {
            Instrument::Call { strike, expiry } => (id, 0, strike, expiry),
            Instrument::Put { strike, expiry } => (id, 1, strike, expiry),
            // Valued at the grid's prices: nothing to share.
            _ => {
                self.scratch = price()?;
                return Ok(&self.scratch);
            }
        };
        Ok(match self.values.entry(key) {
            Entry::Occupied(e) => {
                self.reused = self.reused.saturating_add(1);
                e.into_mut()
            }
            Entry::Vacant(e) => {
                let valued = price()?;
                self.repriced = self.repriced.saturating_add(1);
                e.insert(valued)
            }
        })
    }

    fn curvature<'a>(
        &'a mut self,
        (k, u, _): (usize, &Underlying, &Grid),
        (strike, expiry, long): (Wad, u64, bool),
        setups: &mut SetupCache,
        now: u64,
        vol_floor: Wad,
    ) -> Result<&'a mut SharedCurvature> {
        let id = self.id(k)?;
        Ok(match self.curvatures.entry((id, strike, expiry, long)) {
            Entry::Occupied(e) => e.into_mut(),
            Entry::Vacant(e) => {
                let setup = setups.get(k, strike, expiry, u, now, vol_floor)?;
                e.insert(SharedCurvature {
                    unit: UnitCurvature::new(&setup, strike, long),
                    terms: [None; MAX_INTERVALS],
                })
            }
        })
    }
}

/// [`crate::margin_in`] reading each option's scenario values from `shared` (computed the first
/// time an account holds it at this market data): the same report. Errors: those of
/// [`crate::margin_in`].
pub fn margin_shared(
    ws: &mut Workspace,
    shared: &mut SharedValues,
    account: &Account<'_>,
    underlyings: &[Underlying],
    params: &RiskParams<'_>,
) -> Result<MarginReport> {
    shared.rebase(underlyings, account.now, params);
    margin_with(ws, shared, account, underlyings, params)
}
