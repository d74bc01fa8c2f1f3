//! The ArbOwner precompile at 0x70 (Nitro's `precompiles/ArbOwner.go` behind its
//! `OwnerPrecompile` wrapper), with the two methods the devnet needs: the chain owner adds and
//! removes ArbWasmCache's cache managers (`addWasmCacheManager(address)`,
//! `removeWasmCacheManager(address)`). As Nitro's: anyone else's call burns all the gas; the
//! chain owner is never charged: a successful call emits `OwnerActs(method, owner, calldata)`,
//! and a failing one (removing an address that is not a manager, any other method, bad
//! arguments, value, a static or delegate call) reverts with all its gas left.
//! Generic over revm's context: it never imports the EVM that dispatches to it.

use revm::context_interface::{ContextTr, JournalTr};
use revm::interpreter::{CallInputs, InstructionResult, InterpreterResult};
use revm::primitives::{keccak256, Address, Log, LogData, B256, U256};

use crate::precompiles::abi::{address_arg, db_error, result, selector, word};
use crate::precompiles::addresses::ARB_OWNER;
use crate::precompiles::burner::burn_out;
use crate::precompiles::owners::{chain_owner, CACHE_MANAGERS};

/// ArbOwner's address.
pub const ADDRESS: Address = ARB_OWNER;

/// `addWasmCacheManager(address)`.
pub const ADD_WASM_CACHE_MANAGER: [u8; 4] = [0xff, 0xdc, 0xa5, 0x15];
/// `removeWasmCacheManager(address)`.
pub const REMOVE_WASM_CACHE_MANAGER: [u8; 4] = [0xbf, 0x19, 0x73, 0x22];
/// `OwnerActs(bytes4 indexed method, address indexed owner, bytes data)`.
const OWNER_ACTS: &str = "OwnerActs(bytes4,address,bytes)";

/// Runs a call to 0x70. `Err` (fatal) only when the database fails.
pub fn run<CTX: ContextTr>(ctx: &mut CTX, inputs: &CallInputs) -> Result<InterpreterResult, String> {
    let limit = inputs.gas_limit;
    let input = inputs.input.bytes(ctx);
    let owner = chain_owner(ctx).map_err(db_error)?;
    if owner.is_zero() || inputs.caller != owner {
        return Ok(burn_out(limit));
    }
    // The owner is never charged: a failure reverts with all the gas left.
    let failed = Ok(result(InstructionResult::Revert, Vec::new(), limit, 0));
    if inputs.target_address != ADDRESS || inputs.is_static || !inputs.value.get().is_zero() {
        return failed;
    }
    let Some(manager) = address_arg(&input) else {
        return failed;
    };
    match selector(&input) {
        ADD_WASM_CACHE_MANAGER => CACHE_MANAGERS.add(ctx, manager).map_err(db_error)?,
        REMOVE_WASM_CACHE_MANAGER => {
            if !CACHE_MANAGERS.remove(ctx, manager).map_err(db_error)? {
                return failed;
            }
        }
        _ => return failed,
    }
    let mut method = [0u8; 32];
    method[..4].copy_from_slice(&input[..4]);
    // `bytes data`: its offset, length and the calldata padded to words.
    let mut data = word(U256::from(32));
    data.extend(word(U256::from(input.len())));
    data.extend_from_slice(&input);
    data.resize(64 + input.len().div_ceil(32) * 32, 0);
    ctx.journal_mut().log(Log {
        address: ADDRESS,
        data: LogData::new_unchecked(
            vec![keccak256(OWNER_ACTS), B256::from(method), owner.into_word()],
            data.into(),
        ),
    });
    Ok(result(InstructionResult::Return, Vec::new(), limit, 0))
}
