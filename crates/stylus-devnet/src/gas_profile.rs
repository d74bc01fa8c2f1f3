//! What profiled program frames were charged ([`crate::profile`]), per program (code hash) and
//! function, summed over the frames since the last reset, and how a frame's counters are read
//! from its instance when it returns. Amounts are ink (10,000 ink = 1 gas) except `entry_gas`.

use std::collections::BTreeMap;

use revm::primitives::B256;
use wasmi::{AsContext, Instance, Val};

use crate::profile::{Layout, CALLS_PREFIX, HOST_INK_PREFIX, INK_PREFIX};

/// What one function of a program was charged.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FunctionProfile {
    /// The function's wasm index (imports first, as the `name` section numbers functions).
    pub index: u32,
    /// Ink its own code was charged ("self"): its basic blocks and its `memory.copy` /
    /// `memory.fill` bytes.
    pub ink: u64,
    /// Ink charged by the host functions it called directly; a call into another contract
    /// charges the gas that call used here.
    pub host_ink: u64,
    /// Times it was entered.
    pub calls: u64,
}

/// What one program was charged over its profiled frames.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ProgramProfile {
    /// Frames run (calls into the program, delegate calls included).
    pub frames: u64,
    /// Entry gas the frames paid before running (init gas and the memory of the initial pages).
    pub entry_gas: u64,
    /// Ink the frames were charged while running: the ink given minus the ink left.
    pub ink: u64,
    /// Every defined function, in index order.
    pub functions: Vec<FunctionProfile>,
}

impl ProgramProfile {
    /// Ink the functions' counters hold: Σ (ink + host ink). It equals [`Self::ink`] unless a
    /// host call did not return (`exit_early`, out of ink) or a host function was called through
    /// `call_indirect` (`profile` invariant 2).
    pub fn attributed_ink(&self) -> u64 {
        self.functions.iter().fold(0u64, |sum, f| {
            sum.saturating_add(f.ink).saturating_add(f.host_ink)
        })
    }

    /// Ink the functions' own code was charged: Σ ink.
    pub fn self_ink(&self) -> u64 {
        self.functions
            .iter()
            .fold(0u64, |sum, f| sum.saturating_add(f.ink))
    }

    /// Adds one frame's figures.
    fn add(&mut self, entry_gas: u64, ink: u64, functions: &[FunctionProfile]) {
        self.frames = self.frames.saturating_add(1);
        self.entry_gas = self.entry_gas.saturating_add(entry_gas);
        self.ink = self.ink.saturating_add(ink);
        if self.functions.is_empty() {
            self.functions = functions
                .iter()
                .map(|f| FunctionProfile {
                    index: f.index,
                    ..Default::default()
                })
                .collect();
        }
        for (sum, f) in self.functions.iter_mut().zip(functions) {
            sum.ink = sum.ink.saturating_add(f.ink);
            sum.host_ink = sum.host_ink.saturating_add(f.host_ink);
            sum.calls = sum.calls.saturating_add(f.calls);
        }
    }
}

/// The profiles of every program that ran while profiling was on, by code hash.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct GasProfile {
    programs: BTreeMap<B256, ProgramProfile>,
}

impl GasProfile {
    /// The profile of the program whose code hash is `code_hash`, if it ran.
    pub fn program(&self, code_hash: B256) -> Option<&ProgramProfile> {
        self.programs.get(&code_hash)
    }

    /// Every program that ran, by code hash.
    pub fn programs(&self) -> impl Iterator<Item = (&B256, &ProgramProfile)> {
        self.programs.iter()
    }

    /// Records a frame of the program `code_hash`: its entry gas, the ink it was charged and its
    /// functions' counters.
    pub(crate) fn record(
        &mut self,
        code_hash: B256,
        entry_gas: u64,
        ink: u64,
        functions: &[FunctionProfile],
    ) {
        self.programs
            .entry(code_hash)
            .or_default()
            .add(entry_gas, ink, functions);
    }
}

/// The counters of a profiled instance laid out as `layout`, after its call. A counter that
/// cannot be read counts 0.
pub(crate) fn read_counters(
    store: impl AsContext,
    instance: &Instance,
    layout: &Layout,
) -> Vec<FunctionProfile> {
    let read = |prefix: &str, index: u32| match instance
        .get_global(&store, &format!("{prefix}{index}"))
        .map(|g| g.get(&store))
    {
        Some(Val::I64(v)) => v as u64,
        _ => 0,
    };
    layout
        .functions()
        .map(|index| FunctionProfile {
            index,
            ink: read(INK_PREFIX, index),
            host_ink: read(HOST_INK_PREFIX, index),
            calls: read(CALLS_PREFIX, index),
        })
        .collect()
}
