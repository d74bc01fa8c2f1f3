//! The activation record ArbWasm keeps for each code hash, and how a program's entry is priced
//! from it (`stylus-runtime.md` §6).
//!
//! Layout: one word in ArbWasm's storage (0x71) at slot = code hash, big-endian as Nitro's
//! `setProgram`: version, init cost, cached init cost, footprint (2 bytes each), the hour of
//! activation since Arbitrum began and the machine-code estimate in KiB (3 bytes each), then
//! whether the program is in Arbitrum's cache (1 byte); the rest is zero. A zero word means "not
//! activated". A program expires [`EXPIRY_DAYS`] after its activation hour unless kept alive.

use revm::context_interface::ContextTr;
use revm::handler::evm::ContextTrDbError;
use revm::primitives::{B256, U256};

use crate::precompiles::addresses::ARB_WASM;
use crate::precompiles::data_pricer::ARBITRUM_START_TIME;
use crate::precompiles::storage;

/// Days after activation (or the last keepalive) a program expires (Nitro's `ExpiryDays`).
pub const EXPIRY_DAYS: u64 = 365;
/// Days after activation before a keepalive is allowed (Nitro's `KeepaliveDays`).
pub const KEEPALIVE_DAYS: u64 = 31;
/// Seconds in a day.
const DAY: u64 = 86_400;

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
    /// Hours from Arbitrum's start to the activation (or the last keepalive), rounded down.
    pub activated_at: u32,
    /// Nitro's estimate of the machine code, KiB rounded up (the keepalive's data fee).
    pub asm_estimate_kb: u32,
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

    /// Seconds since the activation hour at `time` (zero before it).
    pub fn age(&self, time: u64) -> u64 {
        let activated = ARBITRUM_START_TIME.saturating_add(u64::from(self.activated_at) * 3_600);
        time.saturating_sub(activated)
    }

    /// Whether the program has expired at `time` (older than [`EXPIRY_DAYS`]).
    pub fn expired(&self, time: u64) -> bool {
        self.age(time) > EXPIRY_DAYS * DAY
    }

    /// Whether a keepalive is too soon at `time` (younger than [`KEEPALIVE_DAYS`]).
    pub fn keepalive_too_soon(&self, time: u64) -> bool {
        self.age(time) < KEEPALIVE_DAYS * DAY
    }

    /// Seconds left before the program expires at `time` (zero once expired).
    pub fn time_left(&self, time: u64) -> u64 {
        (EXPIRY_DAYS * DAY).saturating_sub(self.age(time))
    }

    /// The record as its storage word.
    pub fn to_word(&self) -> U256 {
        let mut b = [0u8; 32];
        b[0..2].copy_from_slice(&self.version.to_be_bytes());
        b[2..4].copy_from_slice(&self.init_cost.to_be_bytes());
        b[4..6].copy_from_slice(&self.cached_init_cost.to_be_bytes());
        b[6..8].copy_from_slice(&self.footprint.to_be_bytes());
        b[8..11].copy_from_slice(&self.activated_at.to_be_bytes()[1..]);
        b[11..14].copy_from_slice(&self.asm_estimate_kb.to_be_bytes()[1..]);
        b[14] = u8::from(self.cached);
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
            cached_init_cost: u16::from_be_bytes([b[4], b[5]]),
            footprint: u16::from_be_bytes([b[6], b[7]]),
            activated_at: u32::from_be_bytes([0, b[8], b[9], b[10]]),
            asm_estimate_kb: u32::from_be_bytes([0, b[11], b[12], b[13]]),
            cached: b[14] != 0,
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
    Ok(ProgramInfo::from_word(storage::read(
        ctx,
        ARB_WASM,
        slot(code_hash),
    )?))
}

/// The storage slot of `code_hash`'s module hash (keccak256 of the wasm activated): the code
/// hash's slot + 1, read as a 256-bit number (Nitro keeps it in a map of its own).
fn module_slot(code_hash: B256) -> U256 {
    slot(code_hash).wrapping_add(U256::from(1))
}

/// The module hash recorded when `code_hash` was activated (zero: none). Errors: the database
/// failed.
pub fn read_module_hash<CTX: ContextTr>(
    ctx: &mut CTX,
    code_hash: B256,
) -> Result<B256, ContextTrDbError<CTX>> {
    let word = storage::read(ctx, ARB_WASM, module_slot(code_hash))?;
    Ok(B256::from(word.to_be_bytes::<32>()))
}

/// Records `module_hash` for `code_hash` (journaled). Errors: the database failed.
pub fn write_module_hash<CTX: ContextTr>(
    ctx: &mut CTX,
    code_hash: B256,
    module_hash: B256,
) -> Result<(), ContextTrDbError<CTX>> {
    let word = U256::from_be_bytes(module_hash.0);
    storage::write(ctx, ARB_WASM, module_slot(code_hash), word)
}

/// Records `info` for `code_hash` (loads 0x71, writes its slot; journaled). Errors: the database
/// failed.
pub fn write<CTX: ContextTr>(
    ctx: &mut CTX,
    code_hash: B256,
    info: &ProgramInfo,
) -> Result<(), ContextTrDbError<CTX>> {
    storage::write(ctx, ARB_WASM, slot(code_hash), info.to_word())
}

/// Hours from Arbitrum's start to `time`, rounded down (at most 2²⁴ − 1).
pub fn hours_since_arbitrum(time: u64) -> u32 {
    (time.saturating_sub(ARBITRUM_START_TIME) / 3_600).min(0xff_ffff) as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_record_round_trips_through_its_word_and_ages_by_the_hour() {
        let info = ProgramInfo {
            version: 3,
            init_cost: 0x1234,
            cached_init_cost: 0x0567,
            footprint: 2,
            activated_at: 0xab_cdef,
            asm_estimate_kb: 0x01_0203,
            cached: true,
        };
        assert_eq!(ProgramInfo::from_word(info.to_word()), Some(info));
        let b = info.to_word().to_be_bytes::<32>();
        assert_eq!(
            &b[..15],
            &[0, 3, 0x12, 0x34, 0x05, 0x67, 0, 2, 0xab, 0xcd, 0xef, 1, 2, 3, 1]
        );
        // Activated 30 minutes into an hour: its age counts from the hour's start.
        let t = ARBITRUM_START_TIME + 100 * 3_600 + 1_800;
        let info = ProgramInfo {
            activated_at: hours_since_arbitrum(t),
            ..info
        };
        assert_eq!(info.age(t), 1_800);
        assert!(info.keepalive_too_soon(t + 31 * DAY - 1_801));
        assert!(!info.keepalive_too_soon(t + 31 * DAY - 1_800));
        assert!(!info.expired(t + 365 * DAY - 1_800));
        assert!(info.expired(t + 365 * DAY - 1_799));
        assert_eq!(info.time_left(t), 365 * DAY - 1_800);
    }
}
