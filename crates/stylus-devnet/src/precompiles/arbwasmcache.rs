//! The ArbWasmCache precompile at 0x72: `cacheProgram(address)` puts a program's code hash in
//! Arbitrum's program cache, so that calls to it pay only the cached part of the entry cost
//! (§6); `codehashIsCached(bytes32)` reads the flag. On Arbitrum only cache managers and the
//! chain owner may cache (and the cache manager's auction evicts); here the chain owner, set
//! when the chain starts, may cache, and nothing is evicted. Gas: a fixed 25,000 (a cold slot
//! read and write), not Nitro's exact figure. Generic over revm's context: it never imports the
//! EVM that dispatches to it.

use revm::context_interface::{Block, ContextTr, JournalTr};
use revm::handler::evm::ContextTrDbError;
use revm::interpreter::{CallInputs, InstructionResult, InterpreterResult};
use revm::primitives::{Address, B256, U256};

use crate::arbos::ArbOs;
use crate::precompiles::abi::{db_error, result, revert, selector, word, word_arg};
use crate::precompiles::addresses::ARB_WASM_CACHE;
use crate::precompiles::{program_info, storage};

/// ArbWasmCache's address.
pub const ADDRESS: Address = ARB_WASM_CACHE;
/// Gas of a `cacheProgram` call.
pub const CACHE_GAS: u64 = 25_000;

/// `cacheProgram(address)`.
const CACHE_PROGRAM: [u8; 4] = [0xe7, 0x3a, 0xc9, 0xf2];
/// `codehashIsCached(bytes32)`.
const CODEHASH_IS_CACHED: [u8; 4] = [0xa7, 0x2f, 0x17, 0x9b];

/// The storage slot of 0x72 that holds the chain owner (set by `Devnet::new`).
pub const OWNER_SLOT: U256 = U256::ZERO;

/// The chain owner (also the network fee account, which ArbWasm's data fees go to). Errors: the
/// database failed.
pub fn chain_owner<CTX: ContextTr>(ctx: &mut CTX) -> Result<Address, ContextTrDbError<CTX>> {
    let owner = storage::read(ctx, ADDRESS, OWNER_SLOT)?;
    Ok(Address::from_word(owner.into()))
}

/// Runs a call to 0x72. Bad calls revert with `Error(string)`; `Err` (fatal) only when the
/// database fails.
pub fn run<CTX: ContextTr>(
    ctx: &mut CTX,
    inputs: &CallInputs,
    arbos: ArbOs,
) -> Result<InterpreterResult, String> {
    let limit = inputs.gas_limit;
    if inputs.target_address != ADDRESS {
        return Ok(revert(limit, "ArbWasmCache cannot be delegate-called"));
    }
    let input = inputs.input.bytes(ctx);
    let selector = selector(&input);
    let Some(arg) = word_arg(&input) else {
        return Ok(revert(limit, "bad arguments"));
    };
    match selector {
        CODEHASH_IS_CACHED => {
            let info = program_info::read(ctx, B256::from_slice(arg)).map_err(db_error)?;
            let cached = info.is_some_and(|i| i.cached);
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
            if chain_owner(ctx).map_err(db_error)? != inputs.caller {
                return Ok(revert(limit, "NotCacheManager"));
            }
            let program = Address::from_slice(arg.get(12..).unwrap_or_default());
            let hash = ctx
                .journal_mut()
                .load_account_with_code(program)
                .map_err(db_error)?
                .data
                .info
                .code_hash;
            let Some(mut info) = program_info::read(ctx, hash).map_err(db_error)? else {
                return Ok(revert(limit, "ProgramNotActivated"));
            };
            // As Nitro's: an expired program, or one of another Stylus version, is not cached.
            let time: u64 = ctx.block().timestamp().saturating_to();
            if info.version != arbos.stylus_version() {
                return Ok(revert(limit, "ProgramNeedsUpgrade"));
            }
            if info.expired(time) {
                return Ok(revert(limit, "ProgramExpired"));
            }
            info.cached = true;
            program_info::write(ctx, hash, &info).map_err(db_error)?;
            Ok(result(InstructionResult::Return, Vec::new(), limit, CACHE_GAS))
        }
        _ => Ok(revert(limit, "unknown ArbWasmCache method")),
    }
}
