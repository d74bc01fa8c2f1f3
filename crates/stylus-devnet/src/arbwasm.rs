//! The ArbWasm precompile at 0x71: `activateProgram` validates a program (§2) and records its
//! version by code hash; the getters tools call answer. Calling a program whose code hash is not
//! activated fails (see `program::run_frame`). The record is one word per code hash in 0x71's
//! storage: version, init cost, footprint, cached init cost (2 bytes each), then whether the
//! program is in Arbitrum's cache (1 byte, set by [`crate::arbwasmcache`]).

use revm::context_interface::{ContextTr, JournalTr};
use revm::handler::evm::ContextDbError;
use revm::interpreter::{CallInputs, Gas, InstructionResult, InterpreterResult};
use revm::primitives::{address, keccak256, Address, Bytes, Log, LogData, B256, U256};
use wasmparser::{Parser, Payload, TypeRef};

use crate::evm::Ctx;
use crate::pack;
use crate::pricing::INK_PER_GAS;
use crate::program::{is_program, ProgramInfo};

/// ArbWasm's address.
pub const ADDRESS: Address = address!("0000000000000000000000000000000000000071");
/// The Stylus version this runtime activates.
pub const STYLUS_VERSION: u16 = 2;
/// Fixed gas of an activation (§1); the per-microsecond compile part is not modelled.
pub const ACTIVATION_GAS: u64 = 1_659_168;

const ACTIVATE: [u8; 4] = [0x58, 0xc7, 0x80, 0xc2];
const STYLUS_VERSION_SEL: [u8; 4] = [0xa9, 0x96, 0xe0, 0xc2];
const CODEHASH_VERSION: [u8; 4] = [0xd7, 0x0c, 0x0c, 0xa7];
const PROGRAM_VERSION: [u8; 4] = [0xcc, 0x8f, 0x4e, 0x88];
const INK_PRICE: [u8; 4] = [0xd1, 0xc1, 0x7a, 0xbc];

pub(crate) fn word(v: U256) -> Vec<u8> {
    v.to_be_bytes::<32>().to_vec()
}

pub(crate) fn result(kind: InstructionResult, output: Vec<u8>, limit: u64, cost: u64) -> InterpreterResult {
    let mut gas = Gas::new(limit);
    if !gas.record_regular_cost(cost) {
        gas.spend_all();
        return InterpreterResult {
            result: InstructionResult::PrecompileOOG,
            output: Bytes::new(),
            gas,
        };
    }
    InterpreterResult {
        result: kind,
        output: output.into(),
        gas,
    }
}

pub(crate) fn revert(limit: u64, reason: &str) -> InterpreterResult {
    // Error(string)
    let mut out = vec![0x08, 0xc3, 0x79, 0xa0];
    out.extend(word(U256::from(32)));
    out.extend(word(U256::from(reason.len())));
    let mut s = reason.as_bytes().to_vec();
    s.resize(reason.len().div_ceil(32) * 32, 0);
    out.extend(s);
    result(InstructionResult::Revert, out, limit, 0)
}

/// The activation record of `code_hash`, if activated.
pub fn program_info(ctx: &mut Ctx, code_hash: B256) -> Result<Option<ProgramInfo>, ContextDbError<Ctx>> {
    ctx.journal_mut().load_account(ADDRESS)?;
    let slot = ctx
        .journal_mut()
        .sload(ADDRESS, U256::from_be_bytes(code_hash.0))?
        .data;
    if slot.is_zero() {
        return Ok(None);
    }
    let b = slot.to_be_bytes::<32>();
    Ok(Some(ProgramInfo {
        version: u16::from_be_bytes([b[0], b[1]]),
        init_cost: u16::from_be_bytes([b[2], b[3]]),
        footprint: u16::from_be_bytes([b[4], b[5]]),
        cached_init_cost: u16::from_be_bytes([b[6], b[7]]),
        cached: b[8] != 0,
    }))
}

/// What activation learns about a module.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ModuleShape {
    /// Initial memory pages (the footprint).
    pub pages: u16,
    /// Defined functions.
    pub funcs: u64,
    /// Σ (params + results) over the defined functions' types.
    pub type_len: u64,
    /// Globals after instrumentation (ink left, ink status and stack depth add three).
    pub globals: u64,
    /// Bytes of data and element segments.
    pub data_len: u64,
    /// Length of the wasm.
    pub wasm_len: u64,
}

impl ModuleShape {
    /// Nitro's modelled init cost (Stylus version 2): funcs·8.252 + type_len·1.059 + len·0.1286,
    /// each term rounded down.
    pub fn init_cost(&self) -> u64 {
        self.funcs * 8_252 / 1_000 + self.type_len * 1_059 / 1_000 + self.wasm_len * 1_286 / 10_000
    }

    /// Nitro's modelled init cost of a cached program.
    pub fn cached_init_cost(&self) -> u64 {
        self.funcs * 13_420 / 100_000
            + self.type_len * 89 / 100_000
            + self.wasm_len * 122 / 100_000
            + self.globals * 1_628 / 1_000
            + self.data_len * 75_244 / 100_000
            + u64::from(self.pages) * 5
    }
}

/// Checks a decompressed program against §2 and returns its shape.
pub fn validate(wasm: &[u8]) -> Result<ModuleShape, String> {
    pack::validate_stylus_features(wasm).map_err(|e| e.to_string())?;
    let mut pages = 0u64;
    let mut has_memory = false;
    let mut has_entry = false;
    let mut types: Vec<(Vec<wasmparser::ValType>, Vec<wasmparser::ValType>)> = Vec::new();
    let mut func_types: Vec<u32> = Vec::new();
    let mut imported_funcs = 0u32;
    let mut entry_index = None;
    let mut globals = 3u64;
    let mut data_len = 0u64;
    let mut defined = 0u64;
    for payload in Parser::new(0).parse_all(wasm) {
        match payload.map_err(|e| e.to_string())? {
            Payload::TypeSection(r) => {
                for t in r.into_iter_err_on_gc_types() {
                    let t = t.map_err(|e| e.to_string())?;
                    types.push((t.params().to_vec(), t.results().to_vec()));
                }
            }
            Payload::ImportSection(r) => {
                for imp in r.into_imports() {
                    let imp = imp.map_err(|e| e.to_string())?;
                    if imp.module != "vm_hooks" && imp.module != "console" {
                        return Err(format!("import from module {:?}", imp.module));
                    }
                    if let TypeRef::Func(t) = imp.ty {
                        func_types.push(t);
                        imported_funcs += 1;
                    } else {
                        return Err("only functions may be imported".into());
                    }
                }
            }
            Payload::FunctionSection(r) => {
                for t in r {
                    func_types.push(t.map_err(|e| e.to_string())?);
                    defined += 1;
                }
                if func_types.len() > 4096 {
                    return Err("more than 4096 functions".into());
                }
            }
            Payload::MemorySection(r) => {
                for m in r {
                    let m = m.map_err(|e| e.to_string())?;
                    pages = m.initial;
                }
            }
            Payload::StartSection { .. } => return Err("a start function".into()),
            Payload::GlobalSection(r) => globals += u64::from(r.count()),
            Payload::DataSection(r) => {
                if r.count() > 128 {
                    return Err("more than 128 data segments".into());
                }
                for d in r {
                    data_len += d.map_err(|e| e.to_string())?.data.len() as u64;
                }
            }
            Payload::ElementSection(r) => {
                if r.count() > 128 {
                    return Err("more than 128 element segments".into());
                }
                for e in r {
                    let items = match e.map_err(|e| e.to_string())?.items {
                        wasmparser::ElementItems::Functions(f) => f.count(),
                        wasmparser::ElementItems::Expressions(_, x) => x.count(),
                    };
                    data_len += u64::from(items);
                }
            }
            Payload::CodeSectionEntry(body) => {
                let mut locals = 0u32;
                for l in body.get_locals_reader().map_err(|e| e.to_string())? {
                    locals += l.map_err(|e| e.to_string())?.0;
                }
                if locals > 348 {
                    return Err("more than 348 locals in a function".into());
                }
            }
            Payload::ExportSection(r) => {
                for e in r {
                    let e = e.map_err(|e| e.to_string())?;
                    if e.name.starts_with("stylus") {
                        return Err(format!("reserved export name {:?}", e.name));
                    }
                    match (e.name, e.kind) {
                        ("memory", wasmparser::ExternalKind::Memory) => has_memory = true,
                        ("user_entrypoint", wasmparser::ExternalKind::Func) => {
                            has_entry = true;
                            entry_index = Some(e.index);
                        }
                        _ => {}
                    }
                }
            }
            _ => {}
        }
    }
    if !has_memory || !has_entry {
        return Err("exports must include `memory` and `user_entrypoint`".into());
    }
    let entry_ty = entry_index
        .and_then(|i| func_types.get(i as usize))
        .and_then(|t| types.get(*t as usize))
        .ok_or("bad entrypoint")?;
    if entry_ty.0 != [wasmparser::ValType::I32] || entry_ty.1 != [wasmparser::ValType::I32] {
        return Err("user_entrypoint must be (i32) -> i32".into());
    }
    if pages > 128 {
        return Err("more than 128 initial pages".into());
    }
    let type_len = func_types
        .iter()
        .skip(imported_funcs as usize)
        .filter_map(|t| types.get(*t as usize))
        .map(|(p, r)| (p.len() + r.len()) as u64)
        .sum();
    Ok(ModuleShape {
        pages: pages as u16,
        funcs: defined,
        type_len,
        globals,
        data_len,
        wasm_len: wasm.len() as u64,
    })
}

fn address_arg(input: &[u8]) -> Option<Address> {
    input.get(4..36).map(|w| Address::from_slice(&w[12..]))
}

/// Runs a call to 0x71.
pub fn run(ctx: &mut Ctx, inputs: &CallInputs) -> Result<InterpreterResult, String> {
    let limit = inputs.gas_limit;
    if inputs.target_address != ADDRESS {
        return Ok(revert(limit, "ArbWasm cannot be delegate-called"));
    }
    let input = inputs.input.bytes(ctx);
    let selector: [u8; 4] = input.get(..4).and_then(|s| s.try_into().ok()).unwrap_or_default();
    let db = |e: ContextDbError<Ctx>| format!("{e:?}");
    match selector {
        STYLUS_VERSION_SEL => Ok(result(
            InstructionResult::Return,
            word(U256::from(STYLUS_VERSION)),
            limit,
            0,
        )),
        INK_PRICE => Ok(result(
            InstructionResult::Return,
            word(U256::from(INK_PER_GAS)),
            limit,
            0,
        )),
        CODEHASH_VERSION | PROGRAM_VERSION => {
            let hash = if selector == CODEHASH_VERSION {
                match input.get(4..36) {
                    Some(h) => B256::from_slice(h),
                    None => return Ok(revert(limit, "bad arguments")),
                }
            } else {
                let Some(a) = address_arg(&input) else {
                    return Ok(revert(limit, "bad arguments"));
                };
                ctx.journal_mut()
                    .load_account_with_code(a)
                    .map_err(|e| format!("{e:?}"))?
                    .data
                    .info
                    .code_hash
            };
            match program_info(ctx, hash).map_err(db)? {
                Some(info) => Ok(result(
                    InstructionResult::Return,
                    word(U256::from(info.version)),
                    limit,
                    2_100,
                )),
                None => Ok(revert(limit, "ProgramNotActivated")),
            }
        }
        ACTIVATE => {
            if inputs.is_static {
                return Ok(revert(limit, "activateProgram in a static call"));
            }
            let Some(program) = address_arg(&input) else {
                return Ok(revert(limit, "bad arguments"));
            };
            let account = ctx
                .journal_mut()
                .load_account_with_code(program)
                .map_err(|e| format!("{e:?}"))?;
            let code = account
                .data
                .info
                .code
                .as_ref()
                .map(|c| c.original_bytes())
                .unwrap_or_default();
            let code_hash = account.data.info.code_hash;
            if !is_program(&code) {
                return Ok(revert(limit, "ProgramNotWasm"));
            }
            let Some(wasm) = pack::unpack(&code) else {
                return Ok(revert(limit, "ProgramNotWasm"));
            };
            if wasm.len() > pack::MAX_WASM_BYTES {
                return Ok(revert(limit, "ProgramTooLarge"));
            }
            let shape = match validate(&wasm) {
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
                version: STYLUS_VERSION,
                init_cost,
                cached_init_cost,
                footprint: shape.pages,
                cached: false,
            };
            let mut packed = [0u8; 32];
            packed[0..2].copy_from_slice(&info.version.to_be_bytes());
            packed[2..4].copy_from_slice(&info.init_cost.to_be_bytes());
            packed[4..6].copy_from_slice(&info.footprint.to_be_bytes());
            packed[6..8].copy_from_slice(&info.cached_init_cost.to_be_bytes());
            ctx.journal_mut()
                .load_account(ADDRESS)
                .map_err(|e| format!("{e:?}"))?;
            ctx.journal_mut()
                .sstore(
                    ADDRESS,
                    U256::from_be_bytes(code_hash.0),
                    U256::from_be_bytes(packed),
                )
                .map_err(|e| format!("{e:?}"))?;
            // ProgramActivated(bytes32 indexed codehash, bytes32 moduleHash, address program,
            //                  uint256 dataFee, uint16 version)
            let topic0 = keccak256("ProgramActivated(bytes32,bytes32,address,uint256,uint16)");
            let module_hash = keccak256(&wasm);
            let mut data = module_hash.to_vec();
            data.extend(word(U256::from_be_slice(program.as_slice())));
            data.extend(word(U256::ZERO));
            data.extend(word(U256::from(STYLUS_VERSION)));
            ctx.journal_mut().log(Log {
                address: ADDRESS,
                data: LogData::new_unchecked(vec![topic0, code_hash], data.into()),
            });
            let mut out = word(U256::from(STYLUS_VERSION));
            out.extend(word(U256::ZERO));
            Ok(result(InstructionResult::Return, out, limit, ACTIVATION_GAS))
        }
        _ => Ok(revert(limit, "unknown ArbWasm method")),
    }
}
