//! The ArbWasmCache precompile at 0x72: `cacheProgram(address)` puts a program's code hash in
//! Arbitrum's program cache, so that calls to it pay only the cached part of the entry cost
//! (§6); `codehashIsCached(bytes32)` reads the flag. On Arbitrum only cache managers and the
//! chain owner may cache (and the cache manager's auction evicts); here the chain owner, set
//! when the chain starts, may cache, and nothing is evicted. Gas: a fixed 25,000 (a cold slot
//! read and write), not Nitro's exact figure.

use revm::context_interface::{ContextTr, JournalTr};
use revm::interpreter::{CallInputs, InstructionResult, InterpreterResult};
use revm::primitives::{address, Address, B256, U256};

use crate::arbwasm::{self, result, revert, word};
use crate::evm::Ctx;

/// ArbWasmCache's address.
pub const ADDRESS: Address = address!("0000000000000000000000000000000000000072");
/// Gas of a `cacheProgram` call.
pub const CACHE_GAS: u64 = 25_000;

/// `cacheProgram(address)`.
const CACHE_PROGRAM: [u8; 4] = [0xe7, 0x3a, 0xc9, 0xf2];
/// `codehashIsCached(bytes32)`.
const CODEHASH_IS_CACHED: [u8; 4] = [0xa7, 0x2f, 0x17, 0x9b];

/// The storage slot of 0x72 that holds the chain owner (set by `Devnet::new`).
pub const OWNER_SLOT: U256 = U256::ZERO;

fn info_slot(ctx: &mut Ctx, hash: B256) -> Result<U256, String> {
    ctx.journal_mut()
        .load_account(arbwasm::ADDRESS)
        .map_err(|e| format!("{e:?}"))?;
    Ok(ctx
        .journal_mut()
        .sload(arbwasm::ADDRESS, U256::from_be_bytes(hash.0))
        .map_err(|e| format!("{e:?}"))?
        .data)
}

/// Runs a call to 0x72.
pub fn run(ctx: &mut Ctx, inputs: &CallInputs) -> Result<InterpreterResult, String> {
    let limit = inputs.gas_limit;
    if inputs.target_address != ADDRESS {
        return Ok(revert(limit, "ArbWasmCache cannot be delegate-called"));
    }
    let input = inputs.input.bytes(ctx);
    let selector: [u8; 4] = input.get(..4).and_then(|s| s.try_into().ok()).unwrap_or_default();
    let Some(arg) = input.get(4..36) else {
        return Ok(revert(limit, "bad arguments"));
    };
    match selector {
        CODEHASH_IS_CACHED => {
            let slot = info_slot(ctx, B256::from_slice(arg))?;
            let cached = slot.to_be_bytes::<32>()[8] != 0;
            Ok(result(
                InstructionResult::Return,
                word(U256::from(cached)),
                limit,
                2_100,
            ))
        }
        CACHE_PROGRAM => {
            if inputs.is_static {
                return Ok(revert(limit, "cacheProgram in a static call"));
            }
            ctx.journal_mut()
                .load_account(ADDRESS)
                .map_err(|e| format!("{e:?}"))?;
            let owner = ctx
                .journal_mut()
                .sload(ADDRESS, OWNER_SLOT)
                .map_err(|e| format!("{e:?}"))?
                .data;
            if owner != U256::from_be_slice(inputs.caller.as_slice()) {
                return Ok(revert(limit, "NotCacheManager"));
            }
            let program = Address::from_slice(arg.get(12..).unwrap_or_default());
            let hash = ctx
                .journal_mut()
                .load_account_with_code(program)
                .map_err(|e| format!("{e:?}"))?
                .data
                .info
                .code_hash;
            let slot = info_slot(ctx, hash)?;
            if slot.is_zero() {
                return Ok(revert(limit, "ProgramNotActivated"));
            }
            let mut bytes = slot.to_be_bytes::<32>();
            bytes[8] = 1;
            ctx.journal_mut()
                .sstore(
                    arbwasm::ADDRESS,
                    U256::from_be_bytes(hash.0),
                    U256::from_be_bytes(bytes),
                )
                .map_err(|e| format!("{e:?}"))?;
            Ok(result(InstructionResult::Return, Vec::new(), limit, CACHE_GAS))
        }
        _ => Ok(revert(limit, "unknown ArbWasmCache method")),
    }
}
