//! The activation record ArbWasm keeps for each code hash, and how a program's entry is priced
//! from it (`stylus-runtime.md` §6).
//!
//! Layout: one word in ArbWasm's storage (0x71) at slot = code hash, big-endian: version, init
//! cost, footprint, cached init cost (2 bytes each), then whether the program is in Arbitrum's
//! cache (1 byte); the rest is zero. A zero word means "not activated".

use revm::context_interface::{ContextTr, JournalTr};
use revm::handler::evm::ContextTrDbError;
use revm::primitives::{B256, U256};

use crate::precompiles::addresses::ARB_WASM;

/// Activation data kept for each code hash.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ProgramInfo {
    /// Stylus version.
    pub version: u16,
    /// Modelled init cost (gas, before the base).
    pub init_cost: u16,
    /// Modelled init cost of the cached part (gas, before the base), paid on every call.
    pub cached_init_cost: u16,
    /// Initial memory pages.
    pub footprint: u16,
    /// In Arbitrum's program cache (`ArbWasmCache.cacheProgram`): calls skip the uncached init.
    pub cached: bool,
}

impl ProgramInfo {
    /// Gas to enter the program (§6): the cached part 11·32 + cached_init_cost, which every call
    /// pays, plus the uncached part 69·128 + init_cost unless the program is in the cache or
    /// `recent` (run already in this block, ArbOS 60 on).
    pub fn init_gas(&self, recent: bool) -> u64 {
        let cached = 11 * 32 + u64::from(self.cached_init_cost);
        if self.cached || recent {
            cached
        } else {
            cached + 69 * 128 + u64::from(self.init_cost)
        }
    }

    /// The record as its storage word.
    pub fn to_word(&self) -> U256 {
        let mut b = [0u8; 32];
        b[0..2].copy_from_slice(&self.version.to_be_bytes());
        b[2..4].copy_from_slice(&self.init_cost.to_be_bytes());
        b[4..6].copy_from_slice(&self.footprint.to_be_bytes());
        b[6..8].copy_from_slice(&self.cached_init_cost.to_be_bytes());
        b[8] = u8::from(self.cached);
        U256::from_be_bytes(b)
    }

    /// The record stored as `word`; `None` for zero (not activated).
    pub fn from_word(word: U256) -> Option<Self> {
        if word.is_zero() {
            return None;
        }
        let b = word.to_be_bytes::<32>();
        Some(Self {
            version: u16::from_be_bytes([b[0], b[1]]),
            init_cost: u16::from_be_bytes([b[2], b[3]]),
            footprint: u16::from_be_bytes([b[4], b[5]]),
            cached_init_cost: u16::from_be_bytes([b[6], b[7]]),
            cached: b[8] != 0,
        })
    }
}

/// The storage slot of `code_hash`'s record.
fn slot(code_hash: B256) -> U256 {
    U256::from_be_bytes(code_hash.0)
}

/// The activation record of `code_hash`, if activated (loads 0x71, reads its slot). Errors: the
/// database failed.
pub fn read<CTX: ContextTr>(
    ctx: &mut CTX,
    code_hash: B256,
) -> Result<Option<ProgramInfo>, ContextTrDbError<CTX>> {
    ctx.journal_mut().load_account(ARB_WASM)?;
    let word = ctx.journal_mut().sload(ARB_WASM, slot(code_hash))?.data;
    Ok(ProgramInfo::from_word(word))
}

/// Records `info` for `code_hash` (loads 0x71, writes its slot; journaled). Errors: the database
/// failed.
pub fn write<CTX: ContextTr>(
    ctx: &mut CTX,
    code_hash: B256,
    info: &ProgramInfo,
) -> Result<(), ContextTrDbError<CTX>> {
    ctx.journal_mut().load_account(ARB_WASM)?;
    ctx.journal_mut()
        .sstore(ARB_WASM, slot(code_hash), info.to_word())?;
    Ok(())
}
