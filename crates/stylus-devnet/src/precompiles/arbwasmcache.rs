//! The ArbWasmCache precompile at 0x72 (Nitro's `precompiles/ArbWasmCache.go`), charged as
//! Nitro's precompile framework charges it (`burner`): `cacheProgram(address)` puts a program's
//! code hash in Arbitrum's program cache, so that calls to it pay only the cached part of the
//! entry cost (§6), and `evictCodehash(bytes32)` takes it out; only a cache manager (a contract
//! such as Arbitrum's CacheManager auction, added by the chain owner through ArbOwner) or the
//! chain owner may, and anyone else's call burns all its gas. `codehashIsCached`,
//! `isCacheManager` and `allCacheManagers` answer anyone. A change burns the program's init cost
//! and emits `UpdateProgramCache(manager, codehash, cached)`; caching a program of another
//! Stylus version (or none) is `ProgramNeedsUpgrade`, an expired one `ProgramExpired`, and
//! asking for what already holds changes nothing. Generic over revm's context: it never imports
//! the EVM that dispatches to it.

use revm::context_interface::{Block, ContextTr, JournalTr};
use revm::interpreter::{CallInputs, InterpreterResult};
use revm::primitives::{keccak256, Address, Log, LogData, B256, U256};
use revm::state::EvmState;

use crate::arbos::ArbOs;
use crate::precompiles::abi::{address_arg, address_array, db_error, selector, word, word_arg};
use crate::precompiles::addresses::ARB_WASM_CACHE;
use crate::precompiles::arbwasm::{PROGRAM_EXPIRED, PROGRAM_NEEDS_UPGRADE};
use crate::precompiles::burner::{
    burn_out, refused_before_method, sol_error, Burner, CODE_HASH_GAS, PARAMS_GAS,
};
use crate::precompiles::code_hash::code_hash;
use crate::precompiles::owners::{chain_owner, CACHE_MANAGERS};
use crate::precompiles::program_info;

/// ArbWasmCache's address.
pub const ADDRESS: Address = ARB_WASM_CACHE;

/// `isCacheManager(address)`.
const IS_CACHE_MANAGER: [u8; 4] = [0x85, 0xe2, 0xde, 0x85];
/// `allCacheManagers()`.
const ALL_CACHE_MANAGERS: [u8; 4] = [0x0e, 0xc1, 0xd7, 0x73];
/// `cacheProgram(address)`.
const CACHE_PROGRAM: [u8; 4] = [0xe7, 0x3a, 0xc9, 0xf2];
/// `evictCodehash(bytes32)`.
const EVICT_CODEHASH: [u8; 4] = [0xce, 0x97, 0x20, 0x13];
/// `codehashIsCached(bytes32)`.
const CODEHASH_IS_CACHED: [u8; 4] = [0xa7, 0x2f, 0x17, 0x9b];
/// `UpdateProgramCache(address indexed manager, bytes32 indexed codehash, bool cached)`.
const UPDATE_PROGRAM_CACHE: &str = "UpdateProgramCache(address,bytes32,bool)";

/// Runs a call to 0x72. Refused calls (delegate, static writes, value, unknown methods, bad
/// arguments, a caller that is neither a cache manager nor the chain owner) use all their gas, as
/// Nitro's; `Err` (fatal) only when the database fails.
pub fn run<CTX: ContextTr<Journal: JournalTr<State = EvmState>>>(
    ctx: &mut CTX,
    inputs: &CallInputs,
    arbos: ArbOs,
) -> Result<InterpreterResult, String> {
    let limit = inputs.gas_limit;
    let input = inputs.input.bytes(ctx);
    let selector = selector(&input);
    let writes = matches!(selector, CACHE_PROGRAM | EVICT_CODEHASH);
    if refused_before_method(inputs, ADDRESS, &input, writes, false) {
        return Ok(burn_out(limit));
    }
    let Ok(mut b) = Burner::open(limit, input.len() - 4) else {
        return Ok(burn_out(limit));
    };
    match selector {
        IS_CACHE_MANAGER => {
            let Some(a) = address_arg(&input) else {
                return Ok(burn_out(limit));
            };
            if b.read().is_err() {
                return Ok(b.burn_out());
            }
            let member = CACHE_MANAGERS.contains(ctx, a).map_err(db_error)?;
            Ok(b.answer_word(U256::from(member)))
        }
        ALL_CACHE_MANAGERS => {
            let managers = CACHE_MANAGERS.members(ctx).map_err(db_error)?;
            for _ in 0..=managers.len() {
                if b.read().is_err() {
                    return Ok(b.burn_out());
                }
            }
            Ok(b.answer(address_array(&managers)))
        }
        CODEHASH_IS_CACHED => {
            let Some(hash) = word_arg(&input).map(B256::from_slice) else {
                return Ok(burn_out(limit));
            };
            if b.read().is_err() {
                return Ok(b.burn_out());
            }
            let info = program_info::read(ctx, hash).map_err(db_error)?;
            Ok(b.answer_word(U256::from(info.is_some_and(|i| i.cached))))
        }
        CACHE_PROGRAM | EVICT_CODEHASH => {
            let Some(arg) = word_arg(&input) else {
                return Ok(burn_out(limit));
            };
            // Nitro's `hasAccess`: the managers first, then the chain owner.
            if b.read().is_err() {
                return Ok(b.burn_out());
            }
            let caller = inputs.caller;
            if !CACHE_MANAGERS.contains(ctx, caller).map_err(db_error)?
                && (b.read().is_err() || {
                    let owner = chain_owner(ctx).map_err(db_error)?;
                    owner.is_zero() || owner != caller
                })
            {
                return Ok(b.burn_out());
            }
            let hash = if selector == CACHE_PROGRAM {
                if b.burn(CODE_HASH_GAS).is_err() {
                    return Ok(b.burn_out());
                }
                code_hash(ctx, Address::from_slice(&arg[12..])).map_err(db_error)?
            } else {
                B256::from_slice(arg)
            };
            set_cached(ctx, b, caller, hash, selector == CACHE_PROGRAM, arbos)
        }
        _ => Ok(burn_out(limit)),
    }
}

/// Nitro's `SetProgramCached`: burns the parameters' and the record's reads; refuses to cache a
/// program of another version (`ProgramNeedsUpgrade(version, stylusVersion)`, 0 for none) or an
/// expired one (`ProgramExpired(age)`); changes nothing if the flag already holds; else emits
/// `UpdateProgramCache`, burns the program's init cost (paying to cache it), the module hash's
/// read and the record's write, and sets the flag.
fn set_cached<CTX: ContextTr>(
    ctx: &mut CTX,
    mut b: Burner,
    manager: Address,
    hash: B256,
    cache: bool,
    arbos: ArbOs,
) -> Result<InterpreterResult, String> {
    if b.burn(PARAMS_GAS).is_err() || b.read().is_err() {
        return Ok(b.burn_out());
    }
    let info = program_info::read(ctx, hash).map_err(db_error)?;
    let time: u64 = ctx.block().timestamp().saturating_to();
    let version = arbos.stylus_version();
    let program_version = info.map_or(0, |i| i.version);
    if cache && program_version != version {
        let args = [U256::from(program_version), U256::from(version)];
        return Ok(b.error(sol_error(PROGRAM_NEEDS_UPGRADE, &args)));
    }
    let Some(mut info) = info else {
        // Evicting a program that was never activated: it is not cached.
        return Ok(b.answer(Vec::new()));
    };
    if cache && info.expired(time) {
        return Ok(b.error(sol_error(PROGRAM_EXPIRED, &[U256::from(info.age(time))])));
    }
    if info.cached == cache {
        return Ok(b.answer(Vec::new()));
    }
    if b.event(2, 32).is_err() {
        return Ok(b.burn_out());
    }
    ctx.journal_mut().log(Log {
        address: ADDRESS,
        data: LogData::new_unchecked(
            vec![keccak256(UPDATE_PROGRAM_CACHE), manager.into_word(), hash],
            word(U256::from(cache)).into(),
        ),
    });
    info.cached = cache;
    if b.burn(u64::from(info.init_cost)).is_err() || b.read().is_err() || b.write(info.to_word()).is_err() {
        return Ok(b.burn_out());
    }
    program_info::write(ctx, hash, &info).map_err(db_error)?;
    Ok(b.answer(Vec::new()))
}
