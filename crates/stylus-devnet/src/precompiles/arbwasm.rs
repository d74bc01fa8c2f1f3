//! The ArbWasm precompile at 0x71: `activateProgram` validates a program (§2) and records its
//! version by code hash (`program_info`); the getters tools call answer (`stylusVersion`,
//! `inkPrice`, `codehashVersion`, `programVersion`, `programInitGas`). Calling a program whose
//! code hash is not activated fails (see `runtime`). Generic over revm's context: it never
//! imports the EVM that dispatches to it.

use revm::context_interface::{ContextTr, JournalTr};
use revm::interpreter::{CallInputs, InstructionResult, InterpreterResult};
use revm::primitives::{keccak256, Address, Log, LogData, B256, U256};

use crate::arbos::ArbOs;
use crate::pack;
use crate::precompiles::abi::{address_arg, db_error, result, revert, selector, word, word_arg};
use crate::precompiles::addresses::ARB_WASM;
use crate::precompiles::module_shape::validate;
use crate::precompiles::program_info::{self, ProgramInfo};
use crate::pricing::INK_PER_GAS;

/// ArbWasm's address.
pub const ADDRESS: Address = ARB_WASM;
/// Fixed gas of an activation (§1); the per-microsecond compile part is not modelled.
pub const ACTIVATION_GAS: u64 = 1_659_168;

/// `activateProgram(address)`.
pub const ACTIVATE_PROGRAM: [u8; 4] = [0x58, 0xc7, 0x80, 0xc2];
/// `stylusVersion()`.
const STYLUS_VERSION_SEL: [u8; 4] = [0xa9, 0x96, 0xe0, 0xc2];
/// `codehashVersion(bytes32)`.
pub const CODEHASH_VERSION: [u8; 4] = [0xd7, 0x0c, 0x0c, 0xa7];
/// `programVersion(address)`.
const PROGRAM_VERSION: [u8; 4] = [0xcc, 0x8f, 0x4e, 0x88];
/// `inkPrice()`.
const INK_PRICE: [u8; 4] = [0xd1, 0xc1, 0x7a, 0xbc];
/// `programInitGas(address)`: (gas, gasWhenCached), the entry a call pays before memory.
const PROGRAM_INIT_GAS: [u8; 4] = [0x62, 0xb6, 0x88, 0xaa];

/// Runs a call to 0x71. Bad calls revert with `Error(string)`; `Err` (fatal) only when the
/// database fails.
pub fn run<CTX: ContextTr>(
    ctx: &mut CTX,
    inputs: &CallInputs,
    arbos: ArbOs,
) -> Result<InterpreterResult, String> {
    let limit = inputs.gas_limit;
    if inputs.target_address != ADDRESS {
        return Ok(revert(limit, "ArbWasm cannot be delegate-called"));
    }
    let input = inputs.input.bytes(ctx);
    let selector = selector(&input);
    match selector {
        STYLUS_VERSION_SEL => Ok(result(
            InstructionResult::Return,
            word(U256::from(arbos.stylus_version())),
            limit,
            0,
        )),
        INK_PRICE => Ok(result(
            InstructionResult::Return,
            word(U256::from(INK_PER_GAS)),
            limit,
            0,
        )),
        CODEHASH_VERSION | PROGRAM_VERSION | PROGRAM_INIT_GAS => {
            let hash = if selector == CODEHASH_VERSION {
                match word_arg(&input) {
                    Some(h) => B256::from_slice(h),
                    None => return Ok(revert(limit, "bad arguments")),
                }
            } else {
                let Some(a) = address_arg(&input) else {
                    return Ok(revert(limit, "bad arguments"));
                };
                ctx.journal_mut()
                    .load_account_with_code(a)
                    .map_err(db_error)?
                    .data
                    .info
                    .code_hash
            };
            match program_info::read(ctx, hash).map_err(db_error)? {
                Some(info) if selector == PROGRAM_INIT_GAS => {
                    let uncached = ProgramInfo {
                        cached: false,
                        ..info
                    }
                    .init_gas(false);
                    let cached = ProgramInfo { cached: true, ..info }.init_gas(false);
                    let mut out = word(U256::from(uncached));
                    out.extend(word(U256::from(cached)));
                    Ok(result(InstructionResult::Return, out, limit, 2_100))
                }
                Some(info) => Ok(result(
                    InstructionResult::Return,
                    word(U256::from(info.version)),
                    limit,
                    2_100,
                )),
                None => Ok(revert(limit, "ProgramNotActivated")),
            }
        }
        ACTIVATE_PROGRAM => activate(ctx, inputs, &input, arbos),
        _ => Ok(revert(limit, "unknown ArbWasm method")),
    }
}

/// `activateProgram(address)`: checks the program and records it, charging
/// [`ACTIVATION_GAS`], repays the value sent (the data fee is zero here), and emits
/// `ProgramActivated`. Code already active at this version is refused (`ProgramUpToDate`).
fn activate<CTX: ContextTr>(
    ctx: &mut CTX,
    inputs: &CallInputs,
    input: &[u8],
    arbos: ArbOs,
) -> Result<InterpreterResult, String> {
    let version = arbos.stylus_version();
    let limit = inputs.gas_limit;
    if inputs.is_static {
        return Ok(revert(limit, "activateProgram in a static call"));
    }
    let Some(program) = address_arg(input) else {
        return Ok(revert(limit, "bad arguments"));
    };
    let account = ctx
        .journal_mut()
        .load_account_with_code(program)
        .map_err(db_error)?;
    let code = account
        .data
        .info
        .code
        .as_ref()
        .map(|c| c.original_bytes())
        .unwrap_or_default();
    let code_hash = account.data.info.code_hash;
    if !pack::is_program(&code) {
        return Ok(revert(limit, "ProgramNotWasm"));
    }
    // Code already active at this Stylus version is not activated again (Nitro's
    // `ProgramUpToDate`): it would charge the data fee for nothing.
    if program_info::read(ctx, code_hash)
        .map_err(db_error)?
        .is_some_and(|info| info.version == version)
    {
        return Ok(revert(limit, "ProgramUpToDate"));
    }
    let Some(wasm) = pack::unpack(&code) else {
        return Ok(revert(limit, "ProgramNotWasm"));
    };
    if wasm.len() > arbos.max_wasm_size() {
        return Ok(revert(limit, "ProgramTooLarge"));
    }
    let shape = match validate(&wasm, arbos.multi_value()) {
        Ok(s) => s,
        Err(e) => return Ok(revert(limit, &format!("ProgramInvalid: {e}"))),
    };
    let init_cost = u16::try_from(shape.init_cost()).unwrap_or(u16::MAX);
    let cached_init_cost = u16::try_from(shape.cached_init_cost()).unwrap_or(u16::MAX);
    if limit < ACTIVATION_GAS {
        return Ok(result(
            InstructionResult::PrecompileOOG,
            Vec::new(),
            limit,
            limit.saturating_add(1),
        ));
    }
    let info = ProgramInfo {
        version,
        init_cost,
        cached_init_cost,
        footprint: shape.pages,
        cached: false,
    };
    program_info::write(ctx, code_hash, &info).map_err(db_error)?;
    // Nitro keeps the data fee and repays the rest of the value to the caller; the data fee is
    // not modelled (zero), so all of it goes back.
    let value = inputs.value.get();
    if !value.is_zero()
        && ctx
            .journal_mut()
            .transfer(ADDRESS, inputs.caller, value)
            .map_err(db_error)?
            .is_some()
    {
        return Ok(revert(limit, "activation value not repaid"));
    }
    // ProgramActivated(bytes32 indexed codehash, bytes32 moduleHash, address program,
    //                  uint256 dataFee, uint16 version)
    let topic0 = keccak256("ProgramActivated(bytes32,bytes32,address,uint256,uint16)");
    let module_hash = keccak256(&wasm);
    let mut data = module_hash.to_vec();
    data.extend(word(U256::from_be_slice(program.as_slice())));
    data.extend(word(U256::ZERO));
    data.extend(word(U256::from(version)));
    ctx.journal_mut().log(Log {
        address: ADDRESS,
        data: LogData::new_unchecked(vec![topic0, code_hash], data.into()),
    });
    let mut out = word(U256::from(version));
    out.extend(word(U256::ZERO));
    Ok(result(InstructionResult::Return, out, limit, ACTIVATION_GAS))
}
