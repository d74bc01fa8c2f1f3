//! Ink metering by instrumentation, as Arbitrum does it (`stylus-runtime.md` §3).
//!
//! The module gets two exported globals, `stylus_ink_left: i64` and `stylus_ink_status: i32`.
//! Code is cut into basic blocks (a block ends at `end`, `else`, `return`, `loop`, `br`,
//! `br_if`, `br_table`, `if`, `call`, `call_indirect`); before each block a check subtracts the
//! sum of the block's operator prices plus [`BLOCK_HEADER_INK`], or sets the status to 1 and traps
//! when the ink left is short. `memory.copy` / `memory.fill` also pay 100 ink per byte at run time,
//! and `memory.grow` first calls `pay_for_memory_grow` with the page count (the memory model).
//! Because the count lives in the instrumented binary, it is exact and independent of the engine.
//! [`instrument_profiled`] also counts ink per function ([`crate::profile`]); [`instrument`]
//! emits none of that.

use wasm_encoder::reencode::{Reencode, RoundtripReencoder};
use wasm_encoder::{
    BlockType, CodeSection, ConstExpr, ExportKind, ExportSection, Function, GlobalSection, GlobalType,
    Instruction, Module, RawSection, ValType,
};
use wasmparser::{ExternalKind, FunctionBody, Operator, Parser, Payload, TypeRef};

use crate::pricing::{op_ink, BLOCK_HEADER_INK, MEMORY_BYTE_INK};
use crate::profile::{FunctionCounters, Layout};

/// Name of the exported ink counter.
pub const INK_LEFT: &str = "stylus_ink_left";
/// Name of the exported status (1 = out of ink, 2 = out of stack).
pub const INK_STATUS: &str = "stylus_ink_status";
/// Name of the exported stack budget left, in words.
pub const STACK_LEFT: &str = "stylus_stack_left";

/// Why instrumentation failed.
#[derive(Debug)]
pub struct MeterError(pub String);

impl std::fmt::Display for MeterError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "instrumentation failed: {}", self.0)
    }
}

impl std::error::Error for MeterError {}

fn err(e: impl std::fmt::Display) -> MeterError {
    MeterError(e.to_string())
}

/// Whether `op` ends a basic block (Nitro's `ends_basic_block`): the meter charges each block
/// before it runs.
pub fn ends_block(op: &Operator<'_>) -> bool {
    use Operator::*;
    matches!(
        op,
        End | Else
            | Return
            | Loop { .. }
            | Br { .. }
            | BrIf { .. }
            | BrTable { .. }
            | If { .. }
            | Call { .. }
            | CallIndirect { .. }
    )
}

struct Globals {
    ink: u32,
    status: u32,
    depth: u32,
    /// Function index of the `vm_hooks.pay_for_memory_grow` import, if the module has one.
    pay_for_memory_grow: Option<u32>,
}

/// A function type: parameter count and result types.
struct Sig {
    params: u32,
    results: Vec<ValType>,
}

/// Instruments `wasm` with ink metering. Errors: [`MeterError`] for a module that does not parse.
pub fn instrument(wasm: &[u8]) -> Result<Vec<u8>, MeterError> {
    instrument_module(wasm, false).map(|(module, _)| module)
}

/// Instruments `wasm` with ink metering and the profiling counters ([`crate::profile`]), and
/// tells where the counters are. The ink charged is [`instrument`]'s. Errors: as [`instrument`].
pub fn instrument_profiled(wasm: &[u8]) -> Result<(Vec<u8>, Layout), MeterError> {
    let (module, layout) = instrument_module(wasm, true)?;
    Ok((module, layout.ok_or_else(|| err("no profile layout"))?))
}

fn instrument_module(wasm: &[u8], profiled: bool) -> Result<(Vec<u8>, Option<Layout>), MeterError> {
    // First pass: counts and function types, to number the new globals and price call_indirect.
    let mut imported_globals = 0u32;
    let mut imported_funcs = 0u32;
    let mut pay_for_memory_grow = None;
    let mut defined_globals = 0u32;
    let mut sigs: Vec<Sig> = Vec::new();
    let mut func_types: Vec<u32> = Vec::new();
    for payload in Parser::new(0).parse_all(wasm) {
        match payload.map_err(err)? {
            Payload::ImportSection(r) => {
                for imp in r.into_imports() {
                    let imp = imp.map_err(err)?;
                    match imp.ty {
                        TypeRef::Global(_) => imported_globals += 1,
                        TypeRef::Func(_) => {
                            if imp.module == "vm_hooks" && imp.name == "pay_for_memory_grow" {
                                pay_for_memory_grow = Some(imported_funcs);
                            }
                            imported_funcs += 1;
                        }
                        _ => {}
                    }
                }
            }
            Payload::GlobalSection(r) => defined_globals = r.count(),
            Payload::FunctionSection(r) => {
                for t in r {
                    func_types.push(t.map_err(err)?);
                }
            }
            Payload::TypeSection(r) => {
                for t in r.into_iter_err_on_gc_types() {
                    let t = t.map_err(err)?;
                    let results = t
                        .results()
                        .iter()
                        .map(|v| RoundtripReencoder.val_type(*v).map_err(err))
                        .collect::<Result<Vec<_>, _>>()?;
                    sigs.push(Sig {
                        params: t.params().len() as u32,
                        results,
                    });
                }
            }
            _ => {}
        }
    }
    let globals = Globals {
        ink: imported_globals + defined_globals,
        status: imported_globals + defined_globals + 1,
        depth: imported_globals + defined_globals + 2,
        pay_for_memory_grow,
    };
    let profile = profiled.then(|| Layout::new(globals.depth + 1, imported_funcs, func_types.len() as u32));

    let mut module = Module::new();
    let mut globals_written = false;
    let mut exports_written = false;
    let mut code = CodeSection::new();
    let mut in_code = false;
    let mut body_index = 0usize;
    let write_globals = |module: &mut Module, existing: Option<wasmparser::GlobalSectionReader<'_>>| {
        let mut section = GlobalSection::new();
        if let Some(r) = existing {
            for g in r {
                let g = g.map_err(err)?;
                let ty = RoundtripReencoder.global_type(g.ty).map_err(err)?;
                let init = RoundtripReencoder.const_expr(g.init_expr).map_err(err)?;
                section.global(ty, &init);
            }
        }
        // ink left (i64), status (i32), stack words left (i32), in `Globals` order.
        for (val_type, init) in [
            (ValType::I64, ConstExpr::i64_const(0)),
            (ValType::I32, ConstExpr::i32_const(0)),
            (ValType::I32, ConstExpr::i32_const(0)),
        ] {
            let ty = GlobalType {
                val_type,
                mutable: true,
                shared: false,
            };
            section.global(ty, &init);
        }
        for (ty, init) in profile.iter().flat_map(Layout::globals) {
            section.global(ty, &init);
        }
        module.section(&section);
        Ok::<(), MeterError>(())
    };
    let write_exports = |module: &mut Module, existing: Option<wasmparser::ExportSectionReader<'_>>| {
        let mut section = ExportSection::new();
        if let Some(r) = existing {
            for e in r {
                let e = e.map_err(err)?;
                let kind = match e.kind {
                    ExternalKind::Func | ExternalKind::FuncExact => ExportKind::Func,
                    ExternalKind::Table => ExportKind::Table,
                    ExternalKind::Memory => ExportKind::Memory,
                    ExternalKind::Global => ExportKind::Global,
                    ExternalKind::Tag => ExportKind::Tag,
                };
                section.export(e.name, kind, e.index);
            }
        }
        section.export(INK_LEFT, ExportKind::Global, globals.ink);
        section.export(INK_STATUS, ExportKind::Global, globals.status);
        section.export(STACK_LEFT, ExportKind::Global, globals.depth);
        for (name, index) in profile.iter().flat_map(Layout::exports) {
            section.export(&name, ExportKind::Global, index);
        }
        module.section(&section);
        Ok::<(), MeterError>(())
    };

    let mut validator = wasmparser::Validator::new_with_features(crate::pack::stylus_features());
    for payload in Parser::new(0).parse_all(wasm) {
        let payload = payload.map_err(err)?;
        let valid = validator.payload(&payload).map_err(err)?;
        // Sections after the globals' place (export, start, element, data count, code, data):
        // emit the globals first when the module had none.
        let id = payload.as_section().map(|(id, _)| id);
        if !globals_written && matches!(id, Some(7..=12)) {
            write_globals(&mut module, None)?;
            globals_written = true;
        }
        if !exports_written && matches!(id, Some(8..=12)) {
            write_exports(&mut module, None)?;
            exports_written = true;
        }
        match payload {
            Payload::GlobalSection(r) => {
                write_globals(&mut module, Some(r))?;
                globals_written = true;
            }
            Payload::ExportSection(r) => {
                write_exports(&mut module, Some(r))?;
                exports_written = true;
            }
            Payload::CodeSectionStart { .. } => in_code = true,
            Payload::CodeSectionEntry(body) => {
                let ty = func_types
                    .get(body_index)
                    .copied()
                    .ok_or_else(|| err("body without function"))?;
                let sig = sigs.get(ty as usize).ok_or_else(|| err("unknown type"))?;
                let wasmparser::ValidPayload::Func(func, _) = valid else {
                    return Err(err("code entry not validated"));
                };
                let mut fv = func.into_validator(Default::default());
                let profiled = profile.map(|p| (p, body_index as u32));
                code.function(&meter_function(body, sig, &globals, &sigs, &mut fv, profiled)?);
                body_index += 1;
            }
            Payload::CustomSection(_) => {}
            other => {
                if in_code {
                    module.section(&code);
                    in_code = false;
                }
                if let Some((id, range)) = other.as_section() {
                    let data = wasm
                        .get(range.start as usize..range.end as usize)
                        .ok_or_else(|| err("section out of bounds"))?;
                    module.section(&RawSection { id, data });
                }
            }
        }
    }
    if in_code {
        module.section(&code);
    }
    Ok((module.finish(), profile))
}

/// Emits `if counter < amount { status = code; unreachable } counter -= amount` for a 64-bit
/// (ink) or 32-bit (stack words) counter global; `amount` pushes the amount.
fn take_or_trap(
    f: &mut Function,
    counter: u32,
    wide: bool,
    amount: &dyn Fn(&mut Function),
    status: (u32, i32),
) {
    let (lt, sub) = if wide {
        (Instruction::I64LtU, Instruction::I64Sub)
    } else {
        (Instruction::I32LtU, Instruction::I32Sub)
    };
    f.instruction(&Instruction::GlobalGet(counter));
    amount(f);
    f.instruction(&lt);
    f.instruction(&Instruction::If(BlockType::Empty));
    f.instruction(&Instruction::I32Const(status.1));
    f.instruction(&Instruction::GlobalSet(status.0));
    f.instruction(&Instruction::Unreachable);
    f.instruction(&Instruction::End);
    f.instruction(&Instruction::GlobalGet(counter));
    amount(f);
    f.instruction(&sub);
    f.instruction(&Instruction::GlobalSet(counter));
}

/// Emits the ink check for `cost`: trap with status 1 unless `ink_left >= cost`, then subtract.
fn charge(f: &mut Function, g: &Globals, cost: u64) {
    let cost = cost as i64; // u64::MAX becomes -1: compared unsigned, it is never affordable
    take_or_trap(
        f,
        g.ink,
        true,
        &|f| {
            f.instruction(&Instruction::I64Const(cost));
        },
        (g.status, 1),
    );
}

/// Pushes the ink of the bytes whose count is in `scratch`: 100 ink per byte, as an `i64`.
fn bytes_ink(f: &mut Function, scratch: u32) {
    f.instruction(&Instruction::LocalGet(scratch));
    f.instruction(&Instruction::I64ExtendI32U);
    f.instruction(&Instruction::I64Const(MEMORY_BYTE_INK as i64));
    f.instruction(&Instruction::I64Mul);
}

/// Charges 100 ink per byte for the length on top of the stack (kept there), using `scratch`.
fn charge_bytes(f: &mut Function, g: &Globals, scratch: u32) {
    f.instruction(&Instruction::LocalTee(scratch));
    take_or_trap(f, g.ink, true, &|f| bytes_ink(f, scratch), (g.status, 1));
}

/// Emits `instruction`; when profiled, a call to a host function also counts the ink it charges.
fn emit(f: &mut Function, g: &Globals, counters: Option<&FunctionCounters>, instruction: &Instruction<'_>) {
    match counters {
        Some(c) if c.is_host_call(instruction) => c.host_call(f, g.ink, instruction),
        _ => {
            f.instruction(instruction);
        }
    }
}

/// Restores the stack budget a frame took (`size` words).
fn release(f: &mut Function, g: &Globals, size: i32) {
    f.instruction(&Instruction::GlobalGet(g.depth));
    f.instruction(&Instruction::I32Const(size));
    f.instruction(&Instruction::I32Add);
    f.instruction(&Instruction::GlobalSet(g.depth));
}

fn meter_function(
    body: FunctionBody<'_>,
    sig: &Sig,
    g: &Globals,
    sigs: &[Sig],
    fv: &mut wasmparser::FuncValidator<wasmparser::ValidatorResources>,
    profiled: Option<(Layout, u32)>,
) -> Result<Function, MeterError> {
    let mut locals = Vec::new();
    let mut declared = 0u32;
    let mut reader = body.get_binary_reader();
    for _ in 0..reader.read_var_u32().map_err(err)? {
        let offset = reader.original_position();
        let n = reader.read_var_u32().map_err(err)?;
        let ty = reader.read().map_err(err)?;
        fv.define_locals(offset, n, ty).map_err(err)?;
        declared += n;
        locals.push((n, RoundtripReencoder.val_type(ty).map_err(err)?));
    }
    // One extra i32 local holds a memory.copy/fill length while it is charged.
    let scratch = sig.params + declared;
    locals.push((1, ValType::I32));
    // Profiled: the function's counters, and an extra i64 local for the ink before a host call.
    let counters = profiled.map(|(layout, body)| layout.counters(body, scratch + 1));
    if counters.is_some() {
        locals.push((1, ValType::I64));
    }

    // Read every operator once, validating it, to know the worst-case operand stack height.
    let mut ops_reader = wasmparser::OperatorsReader::new(reader);
    let mut ops: Vec<Operator<'_>> = Vec::new();
    let mut max_height = 0u32;
    while !ops_reader.eof() {
        let (op, offset) = ops_reader.read_with_offset().map_err(err)?;
        fv.op(offset, &op).map_err(err)?;
        max_height = max_height.max(fv.operand_stack_height());
        ops.push(op);
    }
    // A frame costs its worst-case operand stack + locals + 4 words (§3).
    let size = i32::try_from(max_height + sig.params + declared + 4).map_err(err)?;

    let mut f = Function::new(locals);
    // Take the frame's words from the budget, or fail with status 2 (out of stack).
    take_or_trap(
        &mut f,
        g.depth,
        false,
        &|f| {
            f.instruction(&Instruction::I32Const(size));
        },
        (g.status, 2),
    );
    if let Some(c) = &counters {
        c.count_call(&mut f);
    }
    // Wrap the body in a block, so every way out of the function passes the release below.
    let block_type = match sig.results.as_slice() {
        [] => BlockType::Empty,
        [one] => BlockType::Result(*one),
        _ => return Err(err("functions with several results are not supported")),
    };
    f.instruction(&Instruction::Block(block_type));

    // Buffer each basic block; emit its check, then its operators.
    let mut block: Vec<Operator<'_>> = Vec::new();
    let mut cost = 0u64;
    let flush = |f: &mut Function, block: &mut Vec<Operator<'_>>, cost: u64| -> Result<(), MeterError> {
        let ink = cost.saturating_add(BLOCK_HEADER_INK);
        charge(f, g, ink);
        if let Some(c) = &counters {
            c.add_ink(f, ink);
        }
        for op in block.drain(..) {
            if matches!(op, Operator::MemoryCopy { .. } | Operator::MemoryFill { .. }) {
                charge_bytes(f, g, scratch);
                if let Some(c) = &counters {
                    c.add_ink_of(f, &|f| bytes_ink(f, scratch));
                }
            }
            if matches!(op, Operator::Return) {
                release(f, g, size);
            }
            // Growing memory pays for the new pages first, as Nitro's programs do.
            if let (Operator::MemoryGrow { .. }, Some(pay)) = (&op, g.pay_for_memory_grow) {
                f.instruction(&Instruction::LocalTee(scratch));
                f.instruction(&Instruction::LocalGet(scratch));
                emit(f, g, counters.as_ref(), &Instruction::Call(pay));
            }
            emit(
                f,
                g,
                counters.as_ref(),
                &RoundtripReencoder.instruction(op).map_err(err)?,
            );
        }
        Ok(())
    };
    for op in ops {
        let mut c = op_ink(&op);
        if let Operator::CallIndirect { type_index, .. } = op {
            let n = sigs.get(type_index as usize).map_or(0, |s| s.params);
            c = c.saturating_add(650 * u64::from(n));
        }
        cost = cost.saturating_add(c);
        let end = ends_block(&op);
        block.push(op);
        if end {
            flush(&mut f, &mut block, cost)?;
            cost = 0;
        }
    }
    if !block.is_empty() {
        flush(&mut f, &mut block, cost)?;
    }
    release(&mut f, g, size);
    f.instruction(&Instruction::End);
    Ok(f)
}
