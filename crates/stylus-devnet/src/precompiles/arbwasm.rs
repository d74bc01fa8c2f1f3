//! The ArbWasm precompile at 0x71, charged as Nitro's precompile framework charges it
//! (`burner`): `activateProgram` validates a program (§2), burns the fixed and the compile-work
//! gas, records it by code hash (`program_info`) and takes its data fee (`data_pricer`);
//! `codehashKeepalive` extends a program's life for the data fee again; the getters tools call
//! answer. Errors are Nitro's Solidity errors (`ProgramNotActivated()`, …). Calling a program
//! whose code hash is not activated, or has expired, fails (see `runtime`). Generic over revm's
//! context: it never imports the EVM that dispatches to it.

use revm::context_interface::{Block, ContextTr, JournalTr};
use revm::interpreter::{CallInputs, InterpreterResult};
use revm::primitives::{keccak256, Address, Bytes, Log, LogData, B256, U256};
use revm::state::EvmState;

use crate::arbos::ArbOs;
use crate::fragments::{is_fragment, is_root, Root, MAX_FRAGMENTS};
use crate::pack::{self, MAX_PROGRAM_BYTES};
use crate::precompiles::abi::{address_arg, db_error, selector, word, word_arg};
use crate::precompiles::addresses::ARB_WASM;
use crate::precompiles::burner::{
    burn_out, refused_before_method, sol_error, Burner, CODE_HASH_GAS, COPY_GAS, PARAMS_GAS,
};
use crate::precompiles::code_hash::code_hash;
use crate::precompiles::data_pricer;
use crate::precompiles::module_shape::validate;
use crate::precompiles::owners::chain_owner;
use crate::precompiles::program_info::{
    self, hours_since_arbitrum, ProgramInfo, EXPIRY_DAYS, KEEPALIVE_DAYS,
};
use crate::pricing::INK_PER_GAS;

/// ArbWasm's address.
pub const ADDRESS: Address = ARB_WASM;
/// Fixed gas an activation burns up front, before its compile work (§1).
pub const ACTIVATION_GAS: u64 = 1_659_168;

/// `activateProgram(address)`.
pub const ACTIVATE_PROGRAM: [u8; 4] = [0x58, 0xc7, 0x80, 0xc2];
/// `stylusVersion()`.
const STYLUS_VERSION_SEL: [u8; 4] = [0xa9, 0x96, 0xe0, 0xc2];
/// `codehashVersion(bytes32)`.
pub const CODEHASH_VERSION: [u8; 4] = [0xd7, 0x0c, 0x0c, 0xa7];
/// `codehashAsmSize(bytes32)`: the machine-code estimate, bytes.
const CODEHASH_ASM_SIZE: [u8; 4] = [0x40, 0x89, 0x26, 0x7f];
/// `codehashKeepalive(bytes32)`: extends a program's life (payable, the data fee).
pub const CODEHASH_KEEPALIVE: [u8; 4] = [0xc6, 0x89, 0xba, 0xd5];
/// `programVersion(address)`.
const PROGRAM_VERSION: [u8; 4] = [0xcc, 0x8f, 0x4e, 0x88];
/// `programInitGas(address)`: (gas, gasWhenCached), the entry a call pays before memory.
const PROGRAM_INIT_GAS: [u8; 4] = [0x62, 0xb6, 0x88, 0xaa];
/// `programTimeLeft(address)`: seconds before the program expires.
const PROGRAM_TIME_LEFT: [u8; 4] = [0xc7, 0x75, 0xa6, 0x2a];
/// `inkPrice()`.
const INK_PRICE: [u8; 4] = [0xd1, 0xc1, 0x7a, 0xbc];
/// `expiryDays()`.
const EXPIRY_DAYS_SEL: [u8; 4] = [0x30, 0x9f, 0x65, 0x55];
/// `keepaliveDays()`.
const KEEPALIVE_DAYS_SEL: [u8; 4] = [0x0a, 0x93, 0x64, 0x55];

/// `ProgramNotWasm()`.
pub const PROGRAM_NOT_WASM: [u8; 4] = [0x27, 0xf3, 0x82, 0x12];
/// `ProgramNotActivated()`.
pub const PROGRAM_NOT_ACTIVATED: [u8; 4] = [0x6f, 0x80, 0x9c, 0x4e];
/// `ProgramNeedsUpgrade(uint16 version, uint16 stylusVersion)`.
pub const PROGRAM_NEEDS_UPGRADE: [u8; 4] = [0x63, 0x7d, 0x96, 0x8f];
/// `ProgramExpired(uint64 ageInSeconds)`.
pub const PROGRAM_EXPIRED: [u8; 4] = [0xc9, 0xb1, 0x2e, 0x52];
/// `ProgramUpToDate()`.
pub const PROGRAM_UP_TO_DATE: [u8; 4] = [0xcc, 0x94, 0x4b, 0xf2];
/// `ProgramKeepaliveTooSoon(uint64 ageInSeconds)`.
pub const PROGRAM_KEEPALIVE_TOO_SOON: [u8; 4] = [0x16, 0xbd, 0x0c, 0xf8];
/// `ProgramInsufficientValue(uint256 have, uint256 want)`.
pub const PROGRAM_INSUFFICIENT_VALUE: [u8; 4] = [0x09, 0x78, 0x1a, 0xb7];

/// Runs a call to 0x71. Refused calls (delegate, static writes, unknown methods, bad arguments)
/// use all their gas, as Nitro's; `Err` (fatal) only when the database fails.
pub fn run<CTX: ContextTr<Journal: JournalTr<State = EvmState>>>(
    ctx: &mut CTX,
    inputs: &CallInputs,
    arbos: ArbOs,
) -> Result<InterpreterResult, String> {
    let limit = inputs.gas_limit;
    let input = inputs.input.bytes(ctx);
    let selector = selector(&input);
    let payable = matches!(selector, ACTIVATE_PROGRAM | CODEHASH_KEEPALIVE);
    if refused_before_method(inputs, ADDRESS, &input, payable, payable) {
        return Ok(burn_out(limit));
    }
    let args = input.len() - 4;
    let Ok(mut b) = Burner::open(limit, args) else {
        return Ok(burn_out(limit));
    };
    let time: u64 = ctx.block().timestamp().saturating_to();
    let version = arbos.stylus_version();
    let params = |b: &mut Burner| b.burn(PARAMS_GAS);
    // Reads a code hash argument's active record, burning the parameters' and the record's reads.
    macro_rules! active {
        ($b:expr, $hash:expr) => {{
            if params(&mut $b).is_err() || $b.read().is_err() {
                return Ok($b.burn_out());
            }
            match active(program_info::read(ctx, $hash).map_err(db_error)?, version, time) {
                Ok(info) => info,
                Err(error) => return Ok($b.error(error)),
            }
        }};
    }
    // An address argument's code hash, burning its read.
    macro_rules! code_hash_of {
        ($b:expr) => {{
            let Some(a) = address_arg(&input) else {
                return Ok(burn_out(limit));
            };
            if $b.burn(CODE_HASH_GAS).is_err() {
                return Ok($b.burn_out());
            }
            code_hash(ctx, a).map_err(db_error)?
        }};
    }
    match selector {
        STYLUS_VERSION_SEL | INK_PRICE | EXPIRY_DAYS_SEL | KEEPALIVE_DAYS_SEL => {
            if params(&mut b).is_err() {
                return Ok(b.burn_out());
            }
            let answer = match selector {
                STYLUS_VERSION_SEL => u64::from(version),
                INK_PRICE => INK_PER_GAS,
                EXPIRY_DAYS_SEL => EXPIRY_DAYS,
                _ => KEEPALIVE_DAYS,
            };
            Ok(b.answer_word(U256::from(answer)))
        }
        CODEHASH_VERSION | CODEHASH_ASM_SIZE => {
            let Some(hash) = word_arg(&input).map(B256::from_slice) else {
                return Ok(burn_out(limit));
            };
            let info = active!(b, hash);
            Ok(b.answer_word(U256::from(if selector == CODEHASH_VERSION {
                u64::from(info.version)
            } else {
                u64::from(info.asm_estimate_kb) * 1_024
            })))
        }
        PROGRAM_VERSION | PROGRAM_INIT_GAS | PROGRAM_TIME_LEFT => {
            let hash = code_hash_of!(b);
            let info = active!(b, hash);
            Ok(match selector {
                PROGRAM_VERSION => b.answer_word(U256::from(info.version)),
                PROGRAM_TIME_LEFT => b.answer_word(U256::from(info.time_left(time))),
                _ => {
                    let uncached = ProgramInfo {
                        cached: false,
                        ..info
                    }
                    .init_gas(false);
                    let cached = ProgramInfo { cached: true, ..info }.init_gas(false);
                    let mut out = word(U256::from(uncached));
                    out.extend(word(U256::from(cached)));
                    b.answer(out)
                }
            })
        }
        ACTIVATE_PROGRAM => {
            let Some(program) = address_arg(&input) else {
                return Ok(burn_out(limit));
            };
            activate(ctx, inputs, b, program, arbos, time)
        }
        CODEHASH_KEEPALIVE => {
            let Some(hash) = word_arg(&input).map(B256::from_slice) else {
                return Ok(burn_out(limit));
            };
            let mut info = active!(b, hash);
            if info.keepalive_too_soon(time) {
                let age = U256::from(info.age(time));
                return Ok(b.error(sol_error(PROGRAM_KEEPALIVE_TOO_SOON, &[age])));
            }
            let asm = info.asm_estimate_kb.saturating_mul(1_024);
            let Ok(fee) = charge_data_fee(ctx, &mut b, asm, time)? else {
                return Ok(b.burn_out());
            };
            info.activated_at = hours_since_arbitrum(time);
            let event = "ProgramLifetimeExtended(bytes32,uint256)";
            let data = word(U256::from(fee));
            if let Some(refused) = record(ctx, inputs, &mut b, hash, &info, fee, (event, data))? {
                return Ok(refused);
            }
            Ok(b.answer(Vec::new()))
        }
        _ => Ok(burn_out(limit)),
    }
}

/// `info` if it is an active program at `version` and `time` (Nitro's `getActiveProgram`), or
/// the Solidity error saying why not.
fn active(info: Option<ProgramInfo>, version: u16, time: u64) -> Result<ProgramInfo, Vec<u8>> {
    let Some(info) = info else {
        return Err(sol_error(PROGRAM_NOT_ACTIVATED, &[]));
    };
    if info.version != version {
        let args = [U256::from(info.version), U256::from(version)];
        return Err(sol_error(PROGRAM_NEEDS_UPGRADE, &args));
    }
    if info.expired(time) {
        return Err(sol_error(PROGRAM_EXPIRED, &[U256::from(info.age(time))]));
    }
    Ok(info)
}

/// `activateProgram(program)`, burning in Nitro's order: the activation-gas setting's read (ArbOS
/// 59 on), [`ACTIVATION_GAS`], the parameters and the program's record; then (unless the code is
/// active and unexpired at this version: `ProgramUpToDate`) the wasm is checked and the compile
/// work burnt, a failure burning everything; then the module hash's write, the data pricer's
/// five reads and two writes, the record's write; then the data fee is taken from the value
/// sent (`ProgramInsufficientValue` if short) and the rest repaid, and `ProgramActivated`
/// emitted. Answers (version, dataFee).
fn activate<CTX: ContextTr>(
    ctx: &mut CTX,
    inputs: &CallInputs,
    mut b: Burner,
    program: Address,
    arbos: ArbOs,
    time: u64,
) -> Result<InterpreterResult, String> {
    let version = arbos.stylus_version();
    if arbos >= ArbOs::V61 && b.read().is_err() {
        return Ok(b.burn_out());
    }
    if b.burn(ACTIVATION_GAS).is_err() || b.burn(PARAMS_GAS).is_err() || b.read().is_err() {
        return Ok(b.burn_out());
    }
    let (code, code_hash, _) = code_of(ctx, program)?;
    let existing = program_info::read(ctx, code_hash).map_err(db_error)?;
    if existing.is_some_and(|i| i.version == version && !i.expired(time) && i.activated_at != 0) {
        return Ok(b.error(sol_error(PROGRAM_UP_TO_DATE, &[])));
    }
    if code.is_empty() {
        // Nitro checks for code before the version's prefixes.
        return Ok(b.error(sol_error(PROGRAM_NOT_WASM, &[])));
    }
    let wasm = if pack::is_program(&code) {
        match pack::unpack(&code).filter(|w| w.len() <= arbos.max_wasm_size()) {
            Some(wasm) => wasm,
            None => return Ok(b.fail()),
        }
    } else if arbos.fragments() && is_root(&code) {
        match read_fragments(ctx, &mut b, &code, arbos)? {
            Ok(wasm) => wasm,
            Err(refused) => return Ok(refused),
        }
    } else if arbos.fragments() && !is_fragment(&code) {
        return Ok(b.error(sol_error(PROGRAM_NOT_WASM, &[])));
    } else {
        // A fragment is activated through its root; before ArbOS 60 only classic programs are.
        return Ok(b.fail());
    };
    let Ok(shape) = validate(&wasm, arbos.multi_value()) else {
        return Ok(b.burn_out());
    };
    // Nitro refuses init costs that do not fit their 16-bit fields ("init cost too high").
    let (Ok(init_cost), Ok(cached_init_cost)) = (
        u16::try_from(shape.init_cost()),
        u16::try_from(shape.cached_init_cost()),
    ) else {
        return Ok(b.burn_out());
    };
    if b.burn(shape.compile_gas()).is_err() {
        return Ok(b.burn_out());
    }
    let cached = existing.is_some_and(|i| i.cached);
    let module_hash = keccak256(&wasm);
    if (cached && b.read().is_err()) || b.write(U256::from_be_bytes(module_hash.0)).is_err() {
        return Ok(b.burn_out());
    }
    let asm = u32::try_from(shape.asm_estimate()).unwrap_or(u32::MAX);
    let Ok(fee) = charge_data_fee(ctx, &mut b, asm, time)? else {
        return Ok(b.burn_out());
    };
    program_info::write_module_hash(ctx, code_hash, module_hash).map_err(db_error)?;
    let info = ProgramInfo {
        version,
        init_cost,
        cached_init_cost,
        footprint: shape.pages,
        activated_at: hours_since_arbitrum(time),
        asm_estimate_kb: asm.div_ceil(1_024),
        cached,
    };
    let event = "ProgramActivated(bytes32,bytes32,address,uint256,uint16)";
    let mut data = module_hash.to_vec();
    data.extend(word(U256::from_be_slice(program.as_slice())));
    data.extend(word(U256::from(fee)));
    data.extend(word(U256::from(version)));
    if let Some(refused) = record(ctx, inputs, &mut b, code_hash, &info, fee, (event, data))? {
        return Ok(refused);
    }
    let mut out = word(U256::from(version));
    out.extend(word(U256::from(fee)));
    Ok(b.answer(out))
}

/// The wasm of the root `code`, its fragments read as Nitro's activation reads them: at most
/// [`MAX_FRAGMENTS`] and at least one, the declared length within the chain's largest program;
/// before each read the call must hold the cost of reading a fragment of the largest code (2,600
/// cold or 100 warm, and 3 a word), then it pays that of the fragment read (the address becomes
/// warm). `Err`: the refusal (a plain failure for a bad root or fragments, a burn-out for want
/// of gas). Errors: the database failed.
fn read_fragments<CTX: ContextTr>(
    ctx: &mut CTX,
    b: &mut Burner,
    code: &[u8],
    arbos: ArbOs,
) -> Result<Result<Vec<u8>, InterpreterResult>, String> {
    let Some(root) = Root::parse(code).filter(|r| {
        (r.decompressed_len as usize) <= arbos.max_wasm_size()
            && !r.fragments.is_empty()
            && r.fragments.len() <= MAX_FRAGMENTS
    }) else {
        return Ok(Err(b.fail()));
    };
    let read_cost = |cold: bool, len: usize| {
        (if cold { CODE_HASH_GAS } else { 100 }) + COPY_GAS * len.div_ceil(32) as u64
    };
    let mut codes = Vec::with_capacity(root.fragments.len());
    for a in &root.fragments {
        let (fragment, _, cold) = code_of(ctx, *a)?;
        if b.left() < read_cost(cold, MAX_PROGRAM_BYTES) || b.burn(read_cost(cold, fragment.len())).is_err() {
            return Ok(Err(b.burn_out()));
        }
        // Nitro stops at the first code that is not a fragment.
        if !is_fragment(&fragment) {
            return Ok(Err(b.fail()));
        }
        codes.push(fragment);
    }
    let codes: Vec<&[u8]> = codes.iter().map(|c| c.as_ref()).collect();
    Ok(root.assemble(&codes).map_err(|_| b.fail()))
}

/// The code at `address` (empty: none), its hash, and whether the account was cold (it is warm
/// after). Errors: the database failed.
fn code_of<CTX: ContextTr>(ctx: &mut CTX, address: Address) -> Result<(Bytes, B256, bool), String> {
    let loaded = ctx
        .journal_mut()
        .load_account_with_code(address)
        .map_err(db_error)?;
    let code = loaded
        .data
        .info
        .code
        .as_ref()
        .map(|c| c.original_bytes())
        .unwrap_or_default();
    Ok((code, loaded.data.info.code_hash, loaded.is_cold))
}

/// The data fee of `bytes` of machine code at `time`, updating the pricer: its five reads and
/// two writes burnt. `Ok(Err(_))`: out of gas. Errors: the database failed.
fn charge_data_fee<CTX: ContextTr>(
    ctx: &mut CTX,
    b: &mut Burner,
    bytes: u32,
    time: u64,
) -> Result<Result<u64, crate::precompiles::burner::OutOfGas>, String> {
    let mut pricer = data_pricer::read(ctx).map_err(db_error)?;
    let fee = pricer.update(bytes, time);
    for _ in 0..5 {
        if let Err(e) = b.read() {
            return Ok(Err(e));
        }
    }
    for value in [U256::from(pricer.demand), U256::from(pricer.last_update)] {
        if let Err(e) = b.write(value) {
            return Ok(Err(e));
        }
    }
    data_pricer::write(ctx, &pricer).map_err(db_error)?;
    Ok(Ok(fee))
}

/// Takes the data fee `fee` from the value sent (Nitro's `payActivationDataFee`): it goes to the
/// network fee account (the chain owner, a read burnt) and the rest back to the caller. `Some`:
/// the call's refusal (`ProgramInsufficientValue`, or out of gas). Errors: the database failed.
fn take_fee<CTX: ContextTr>(
    ctx: &mut CTX,
    inputs: &CallInputs,
    b: &mut Burner,
    fee: u64,
) -> Result<Option<InterpreterResult>, String> {
    let value = inputs.value.get();
    let fee = U256::from(fee);
    if value < fee {
        return Ok(Some(
            b.error(sol_error(PROGRAM_INSUFFICIENT_VALUE, &[value, fee])),
        ));
    }
    if b.read().is_err() {
        return Ok(Some(b.burn_out()));
    }
    let network = chain_owner(ctx).map_err(db_error)?;
    for (to, amount) in [(network, fee), (inputs.caller, value - fee)] {
        if !amount.is_zero()
            && ctx
                .journal_mut()
                .transfer(ADDRESS, to, amount)
                .map_err(db_error)?
                .is_some()
        {
            return Ok(Some(b.fail()));
        }
    }
    Ok(None)
}

/// The last steps of an activation and a keepalive: stores `info` for `hash` (its write burnt),
/// takes the data fee `fee` ([`take_fee`]) and emits `event` (a signature and its data; `hash`
/// is its one indexed argument; burnt). `Some`: the call's refusal. Errors: the database failed.
fn record<CTX: ContextTr>(
    ctx: &mut CTX,
    inputs: &CallInputs,
    b: &mut Burner,
    hash: B256,
    info: &ProgramInfo,
    fee: u64,
    (signature, data): (&str, Vec<u8>),
) -> Result<Option<InterpreterResult>, String> {
    if b.write(info.to_word()).is_err() {
        return Ok(Some(b.burn_out()));
    }
    program_info::write(ctx, hash, info).map_err(db_error)?;
    if let Some(refused) = take_fee(ctx, inputs, b, fee)? {
        return Ok(Some(refused));
    }
    if b.event(1, data.len()).is_err() {
        return Ok(Some(b.burn_out()));
    }
    ctx.journal_mut().log(Log {
        address: ADDRESS,
        data: LogData::new_unchecked(vec![keccak256(signature), hash], data.into()),
    });
    Ok(None)
}
